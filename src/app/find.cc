#include "app/find.h"

#include <algorithm>

#include "text/text.h"

namespace tdcs::app {

FindResult FindBorrowers(store::Database& db, const std::string& query, int limit) {
  store::NetworkStore store(db);
  std::string folded = text::Fold(query);
  // Only letters, digits and spaces take part in a name match (no LIKE wildcards).
  folded.erase(std::remove_if(folded.begin(), folded.end(),
                              [](char c) { return c == '%' || c == '_' || c == '\\'; }),
               folded.end());
  std::string digits = query;
  digits.erase(std::remove(digits.begin(), digits.end(), ' '), digits.end());
  const bool is_number = !digits.empty() && std::all_of(digits.begin(), digits.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
  FindResult out;
  if (folded.empty() && !is_number) return out;
  using Mode = store::NetworkStore::SearchMode;
  // Up to kFindSortMax matches are read and sorted, so the page shown is the
  // first in Vietnamese order; beyond that the caller is asked to narrow.
  if (is_number) {
    out.borrowers = store.SearchBorrowers(digits, Mode::kNumberPrefix, kFindSortMax + 1);
  } else {
    // The index answers names typed from the start ("nguyen van a"); only when
    // nothing starts so is every name searched for the text inside it ("lan").
    out.borrowers = store.SearchBorrowers(folded, Mode::kNamePrefix, kFindSortMax + 1);
    if (out.borrowers.empty())
      out.borrowers = store.SearchBorrowers(folded, Mode::kNameContains, kFindSortMax + 1);
  }
  text::Collator collator;
  std::stable_sort(out.borrowers.begin(), out.borrowers.end(),
                   [&](const store::BorrowerRow& a, const store::BorrowerRow& b) {
                     const int c = collator.Compare(a.name, b.name);
                     return c != 0 ? c < 0 : a.code < b.code;
                   });
  if (static_cast<int>(out.borrowers.size()) > limit) {
    out.more = true;
    out.borrowers.resize(static_cast<size_t>(limit));
  }
  return out;
}

std::string MaskCitizenId(const std::string& id) {
  if (id.size() != 12) return id;
  return id.substr(0, 3) + "****" + id.substr(7);
}

}  // namespace tdcs::app
