// tdcs import loans: loans taken over from another system as opening
// balances (import.h has the file format, docs/RULES.md §4.13 the rules).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "app/import.h"
#include "app/internal/import_rows.h"
#include "loans/loan.h"
#include "store/db.h"
#include "store/loan_store.h"

namespace tdcs::app {

// The balances taken over are those of the last days closed: at most this
// many days before the business date.
inline constexpr int kBalanceDaysBeforeBusinessDate = 31;

struct LoanImport {
  int line = 0;
  loans::Loan loan;  // as taken over (the balance applied)
  store::LoanApplication application;
  loans::OpeningBalance balance;
  loans::Outcome opened;
  std::map<std::string, int> outcomes;  // the program's own (RULES §9.9)
};

// Checks every row (every bad field listed in `report`); the plan of the good ones.
std::vector<LoanImport> CheckLoans(store::Database& db, const std::vector<Line>& lines,
                                   ImportReport& report, const ProgressFn& progress);
// Writes the plan in the caller's transaction: each loan, its "open"
// transaction and entry, then its events up to the business date.
void WriteLoans(store::Database& db, std::vector<LoanImport>& plan, const ProgressFn& progress);

}  // namespace tdcs::app
