#include "money/money.h"

#include <string>

#include "base/check.h"

namespace tdcs {

// The wire string of each rejection code (docs/API.md "Error codes").
#define TDCS_AMOUNT_REJECTIONS(X) \
  X(kAmountInvalid, "AMOUNT_INVALID") X(kAmountAboveCeiling, "AMOUNT_ABOVE_CEILING")
TDCS_DEFINE_REJECTIONS(AmountRejection, TDCS_AMOUNT_REJECTIONS)
#undef TDCS_AMOUNT_REJECTIONS

std::optional<Money> Money::TryAdd(Money other) const {
  int64_t out = 0;
  if (__builtin_add_overflow(dong_, other.dong_, &out)) return std::nullopt;
  return Money(out);
}

std::optional<Money> Money::TrySub(Money other) const {
  int64_t out = 0;
  if (__builtin_sub_overflow(dong_, other.dong_, &out)) return std::nullopt;
  return Money(out);
}

Money Money::Add(Money other) const {
  auto r = TryAdd(other);
  TDCS_CHECK_MSG(r.has_value(), "money overflow in Add");
  return *r;
}

Money Money::Sub(Money other) const {
  auto r = TrySub(other);
  TDCS_CHECK_MSG(r.has_value(), "money overflow in Sub");
  return *r;
}

Money Money::MultiplyBy(int64_t factor) const {
  int64_t out = 0;
  TDCS_CHECK_MSG(!__builtin_mul_overflow(dong_, factor, &out), "money overflow in MultiplyBy");
  return Money(out);
}

Money Money::operator-() const { return Money::Zero().Sub(*this); }

Money Money::RoundDownTo(int64_t multiple_dong) const {
  TDCS_CHECK(multiple_dong > 0);
  return Money(DivideRoundDown(dong_, multiple_dong) * multiple_dong);
}

std::optional<Error> CheckAmount(Money amount, std::string_view field) {
  if (amount.dong() > kAmountMaxDong)
    return MakeError(AmountRejection::kAmountAboveCeiling, std::string(field),
                     "Số tiền vượt mức tối đa 1.000 tỷ đồng cho một giao dịch",
                     "The amount exceeds the ceiling of 1,000 billion đồng for one transaction");
  if (amount.dong() > 0) return std::nullopt;
  return MakeError(AmountRejection::kAmountInvalid, std::string(field), "Số tiền phải lớn hơn 0",
                   "The amount must be positive");
}

int64_t DivideRoundDown(__int128 numerator, __int128 denominator) {
  TDCS_CHECK(denominator > 0);
  __int128 q = numerator / denominator;
  if (numerator % denominator != 0 && numerator < 0) q -= 1;
  TDCS_CHECK(q <= INT64_MAX && q >= INT64_MIN);
  return static_cast<int64_t>(q);
}

int64_t DivideRoundHalfUp(__int128 numerator, __int128 denominator) {
  TDCS_CHECK(denominator > 0);
  const bool negative = numerator < 0;
  const __int128 magnitude = negative ? -numerator : numerator;
  __int128 q = magnitude / denominator;
  if ((magnitude % denominator) * 2 >= denominator) q += 1;
  if (negative) q = -q;
  TDCS_CHECK(q <= INT64_MAX && q >= INT64_MIN);
  return static_cast<int64_t>(q);
}

namespace {
std::string GroupThousands(uint64_t v, char sep) {
  std::string digits = std::to_string(v);
  std::string out;
  const int n = static_cast<int>(digits.size());
  for (int i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out += sep;
    out += digits[i];
  }
  return out;
}
}  // namespace

std::string Money::ToVietnamese() const {
  const uint64_t mag = dong_ < 0 ? 0 - static_cast<uint64_t>(dong_) : static_cast<uint64_t>(dong_);
  return (dong_ < 0 ? "-" : "") + GroupThousands(mag, '.');
}

namespace {

// Whole đồng: digits, or groups of three behind dots ("50.000.000"), no
// leading zeros, at most `max`.
std::optional<int64_t> ParseWholeDong(std::string_view text, int64_t max) {
  if (text.empty() || text.size() > 26) return std::nullopt;
  const bool grouped = text.find('.') != std::string_view::npos;
  int64_t v = 0;
  size_t digits_in_group = 0, groups = 0;
  for (const char c : text) {
    if (c == '.') {
      // A dot closes a group: the first of 1–3 digits, the others of exactly 3.
      if (digits_in_group == 0 || digits_in_group > 3 || (groups > 0 && digits_in_group != 3))
        return std::nullopt;
      ++groups;
      digits_in_group = 0;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    ++digits_in_group;
    if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, c - '0', &v) || v > max)
      return std::nullopt;
  }
  if (digits_in_group == 0 || (grouped && digits_in_group != 3)) return std::nullopt;
  if (text.size() > 1 && text[0] == '0') return std::nullopt;  // "007", "0.500"
  return v;
}

}  // namespace

std::optional<Money> Money::Parse(std::string_view text) {
  const bool negative = !text.empty() && text[0] == '-';
  auto v = ParseWholeDong(negative ? text.substr(1) : text, INT64_MAX);
  if (!v) return std::nullopt;
  return Money::Dong(negative ? -*v : *v);
}

std::optional<Money> Money::ParseAmount(std::string_view text) {
  auto v = ParseWholeDong(text, kAmountMaxDong);
  if (!v) return std::nullopt;
  return Money::Dong(*v);
}

std::optional<Rate> Rate::ParsePercent(std::string_view text) {
  // percent with up to 4 decimals → millionths = percent × 10,000.
  int64_t whole = 0, frac = 0;
  int frac_digits = 0;
  bool seen_point = false, any = false;
  for (char c : text) {
    if (c == '.' || c == ',') {
      if (seen_point) return std::nullopt;
      seen_point = true;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    any = true;
    if (seen_point) {
      if (++frac_digits > 4) return std::nullopt;
      frac = frac * 10 + (c - '0');
    } else {
      whole = whole * 10 + (c - '0');
      if (whole > 100) return std::nullopt;
    }
  }
  if (!any) return std::nullopt;
  while (frac_digits < 4) {
    frac *= 10;
    ++frac_digits;
  }
  return Rate(whole * 10'000 + frac);
}

std::string Rate::ToPercent() const {
  std::string out = std::to_string(millionths_ / 10'000);
  int64_t frac = millionths_ % 10'000;
  if (frac == 0) return out;
  std::string f = std::to_string(frac);
  f.insert(0, 4 - f.size(), '0');
  while (!f.empty() && f.back() == '0') f.pop_back();
  return out + "." + f;
}

std::string Rate::ToPercentVietnamese() const {
  std::string s = ToPercent();
  for (char& c : s)
    if (c == '.') c = ',';
  return s;
}

}  // namespace tdcs
