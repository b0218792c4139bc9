// Finding borrowers by name, citizen ID or customer code. Digits search
// customer codes by prefix and citizen IDs by the whole number only; a name is searched by the
// start of the name first (an index), then anywhere in it when nothing starts so. Names match
// without case or diacritics ("nguyen van a" finds "Nguyễn Văn A", typed in NFC or NFD); results
// sort by Vietnamese collation of the full name (ICU "vi"), then by code. At most kFindLimit
// results are returned; `more` says there were more.
#pragma once

#include <optional>
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
  // The savings account's movements dated up to `on`, the latest first (at
  // most kSavingsShown); one reversed by then says so.
  struct SavingsMovement {
    int64_t id = 0;
    Date date;
    std::string kind;  // deposit, withdraw, repay, interest, reverse, …
    Money amount;
    int64_t entry_id = 0, reversed_by = 0;
  };
  std::vector<SavingsMovement> savings_movements;
  bool more_savings_movements = false;
  // The debt reconciliations (list 15/TD) that asked this household, the
  // latest first: the figures sent, the answer and its resolution.
  struct Reconciliation {
    std::string campaign;
    Date as_of;
    Money principal, interest, savings;
    std::string answer, note, resolution;  // answer empty: not yet answered
    std::optional<Date> answered_on, resolved_on;
  };
  std::vector<Reconciliation> reconciliations;
};
inline constexpr int kSavingsShown = 100;
Result<BorrowerDetails> ShowBorrower(Connection& connection, const Context& context,
                                     const std::string& code, Date on);

// "*********678": the one rule by which citizen IDs are masked wherever they
// are shown or exported masked (lists, search results, exports with
// --mask-citizen-id). Only the last three digits show; search finds a citizen
// ID only by the whole number.
std::string MaskCitizenId(const std::string& id);

}  // namespace tdcs::app
