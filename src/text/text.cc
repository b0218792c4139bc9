#include "text/text.h"

#include <unicode/coll.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <stdexcept>

namespace tdcs::text {

std::string ToNfc(std::string_view utf8) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  icu::UnicodeString in = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  icu::UnicodeString out = nfc->normalize(in, status);
  std::string result;
  out.toUTF8String(result);
  return result;
}

std::string Fold(std::string_view utf8) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  icu::UnicodeString in = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  icu::UnicodeString decomposed = nfd->normalize(in, status);
  icu::UnicodeString out;
  bool last_space = true;
  for (int32_t i = 0; i < decomposed.length();) {
    UChar32 c = decomposed.char32At(i);
    i += U16_LENGTH(c);
    if (u_charType(c) == U_NON_SPACING_MARK) continue;
    if (c == 0x0111 || c == 0x0110) c = 'd';  // đ, Đ
    if (u_isWhitespace(c)) {
      if (!last_space) out.append(static_cast<UChar32>(' '));
      last_space = true;
      continue;
    }
    out.append(u_tolower(c));
    last_space = false;
  }
  if (out.length() > 0 && out.charAt(out.length() - 1) == ' ') out.truncate(out.length() - 1);
  std::string result;
  out.toUTF8String(result);
  return result;
}

bool IsValidUtf8(std::string_view bytes) {
  int32_t i = 0;
  const auto n = static_cast<int32_t>(bytes.size());
  while (i < n) {
    UChar32 c;
    U8_NEXT(reinterpret_cast<const uint8_t*>(bytes.data()), i, n, c);
    if (c < 0) return false;
  }
  return true;
}

struct Collator::Impl {
  std::unique_ptr<icu::Collator> collator;
};

Collator::Collator() : impl_(std::make_unique<Impl>()) {
  UErrorCode status = U_ZERO_ERROR;
  impl_->collator.reset(icu::Collator::createInstance(icu::Locale("vi"), status));
  if (U_FAILURE(status)) throw std::runtime_error("ICU collator for 'vi' is unavailable");
}

Collator::~Collator() = default;

int Collator::Compare(std::string_view a, std::string_view b) const {
  UErrorCode status = U_ZERO_ERROR;
  return impl_->collator->compareUTF8(icu::StringPiece(a.data(), static_cast<int32_t>(a.size())),
                                      icu::StringPiece(b.data(), static_cast<int32_t>(b.size())),
                                      status);
}

}  // namespace tdcs::text
