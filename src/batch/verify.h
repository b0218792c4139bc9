// `tdcs verify`: the invariants of the books, checked from the detail.
//  1. every journal entry sums to zero, and so does the whole ledger;
//  2. the ledger_balance aggregate equals the sum of its postings;
//  3. each loan's principal by state (normal, overdue, frozen) and its unpaid
//     interest equal the sums of its postings to those accounts;
//  4. each savings account's balance equals its postings;
//  5. every posting's account is in the chart of accounts;
//  6. with `deep`, each loan's stored state equals a replay of its transactions.
// Each problem is named (entry, account, loan or account id) so it can be found.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "store/db.h"

namespace tdcs::batch {

struct VerifyReport {
  int64_t entries = 0, loans = 0, savings_accounts = 0;
  std::vector<std::string> problems;
  bool ok() const { return problems.empty(); }
};

// `phase` (optional) is told the name of each check as it starts.
VerifyReport Verify(store::Database& db, bool deep = false,
                    const std::function<void(const char*)>& phase = nullptr);

}  // namespace tdcs::batch
