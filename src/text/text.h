// Vietnamese text: normalisation, diacritic-free folding for search, and
// collation for sorting, all through ICU.
//
// Fold("Nguyễn Văn Á") == "nguyen van a": NFD, drop nonspacing marks, lower
// case, map đ/Đ to d (đ is a letter, not a mark, so ICU keeps it), collapse
// spaces. Input in NFC or NFD folds the same.
//
// Thread safety: the functions are safe from any thread; a Collator is not.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace tdcs::text {

std::string ToNfc(std::string_view utf8);
std::string Fold(std::string_view utf8);
bool IsValidUtf8(std::string_view bytes);

// Vietnamese collation (ICU locale "vi"): a < ă < â < b … d < đ ….
class Collator {
 public:
  Collator();
  ~Collator();
  Collator(const Collator&) = delete;
  Collator& operator=(const Collator&) = delete;
  // <0, 0, >0 like strcmp.
  int Compare(std::string_view a, std::string_view b) const;
  bool Less(std::string_view a, std::string_view b) const { return Compare(a, b) < 0; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tdcs::text
