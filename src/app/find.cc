#include "app/find.h"

#include <algorithm>

#include "app/internal/access.h"
#include "store/network_store.h"
#include "text/text.h"

namespace tdcs::app {

FindResult FindBorrowers(Connection& connection, const Context&, const std::string& query,
                         int limit) {
  store::NetworkStore store(Db(connection));
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
  std::vector<store::BorrowerRow> rows;
  using Mode = store::NetworkStore::SearchMode;
  // Up to kFindSortMax matches are read and sorted, so the page shown is the
  // first in Vietnamese order; beyond that the caller is asked to narrow.
  if (is_number) {
    rows = store.SearchBorrowers(digits, Mode::kNumberPrefix, kFindSortMax + 1);
  } else {
    // The index answers names typed from the start ("nguyen van a"); only when
    // nothing starts so is every name searched for the text inside it ("lan").
    rows = store.SearchBorrowers(folded, Mode::kNamePrefix, kFindSortMax + 1);
    if (rows.empty()) rows = store.SearchBorrowers(folded, Mode::kNameContains, kFindSortMax + 1);
  }
  text::Collator collator;
  std::stable_sort(rows.begin(), rows.end(),
                   [&](const store::BorrowerRow& a, const store::BorrowerRow& b) {
                     const int c = collator.Compare(a.name, b.name);
                     return c != 0 ? c < 0 : a.code < b.code;
                   });
  if (static_cast<int>(rows.size()) > limit) {
    out.more = true;
    rows.resize(static_cast<size_t>(limit));
  }
  for (auto& row : rows)
    out.borrowers.push_back({std::move(row.code), std::move(row.name), std::move(row.citizen_id),
                             row.birth_date, std::move(row.sex)});
  return out;
}

std::string MaskCitizenId(const std::string& id) {
  // Only the last three digits show: the first six follow from the province,
  // the sex and the birth year, so showing more would give the number away.
  if (id.size() <= 3) return std::string(id.size(), '*');
  return std::string(id.size() - 3, '*') + id.substr(id.size() - 3);
}

}  // namespace tdcs::app
