// Finding borrowers by name, citizen ID or customer code. Digits search
// customer codes by prefix and citizen IDs by the whole number only; a name is searched by the
// start of the name first (an index), then anywhere in it when nothing starts so. Names match
// without case or diacritics ("nguyen van a" finds "Nguyễn Văn A", typed in NFC or NFD); results
// sort by Vietnamese collation of the full name (ICU "vi"), then by code. At most kFindLimit
// results are returned; `more` says there were more.
#pragma once

#include <string>
#include <vector>

#include "app/connection.h"
#include "app/context.h"
#include "app/loans.h"
#include "base/date.h"
#include "base/result.h"

namespace tdcs::app {

inline constexpr int kFindLimit = 200;
// Matches read and sorted before the first kFindLimit are shown.
inline constexpr int kFindSortMax = 5000;

struct BorrowerSummary {
  std::string code, name, citizen_id;  // the citizen ID in full: faces mask it
  Date birth_date;
  std::string sex;  // male | female
};

struct FindResult {
  std::vector<BorrowerSummary> borrowers;
  bool more = false;
};

FindResult FindBorrowers(Connection& connection, const Context& context, const std::string& query,
                         int limit = kFindLimit);
// A borrower on a date (GET /api/borrowers/{code}): who they are, where they
// are served, their loans and savings. LoanViewRejection::kBorrowerUnknown
// for a code that does not exist or lies outside the actor's area. The
// citizen ID is masked unless the actor's role needs it (SeesCitizenIds).
struct BorrowerDetails {
  std::string code, name, citizen_id, sex, address;
  Date birth_date, on;
  std::string group_code, point_code, office_code;  // "" when in no group on the date
  int association = 0;
  std::vector<LoanListItem> loans;
  Money savings;
};
Result<BorrowerDetails> ShowBorrower(Connection& connection, const Context& context,
                                     const std::string& code, Date on);

// "*********678": the one rule by which citizen IDs are masked wherever they
// are shown or exported masked (lists, search results, exports with
// --mask-citizen-id). Only the last three digits show; search finds a citizen
// ID only by the whole number.
std::string MaskCitizenId(const std::string& id);

}  // namespace tdcs::app
