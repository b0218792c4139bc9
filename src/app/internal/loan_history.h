// Private to the app library: a loan as it stood on a past date.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "base/date.h"
#include "base/result.h"
#include "loans/loan.h"
#include "store/loan_store.h"

namespace tdcs::app {

// The loan as it stood at the end of `on`: not yet applied for
// (LOAN_NOT_YET_APPLIED), not yet taken over (LOAN_NOT_YET_TAKEN_OVER), an
// application not yet decided, or its transactions up to `on` replayed (a
// reversal dated on or before `on` takes its transaction out).
Result<loans::Loan> LoanAsOf(store::LoanStore& store, int64_t loan_id, Date on);

// A loan's or a savings account's movements as they stood on `on`: each
// dated up to then, with the id of the movement that reversed it if that
// reversal is dated up to then too (0 otherwise), in the order given.
template <typename Txn, typename Visit>
void MovementsAsOf(const std::vector<Txn>& txns, Date on, Visit visit) {
  std::map<int64_t, Date> dates;
  for (const auto& x : txns) dates[x.id] = x.date;
  for (const auto& x : txns) {
    if (x.date > on) continue;
    const auto reversal = x.reversed_by != 0 ? dates.find(x.reversed_by) : dates.end();
    if (!visit(x, reversal != dates.end() && reversal->second <= on ? x.reversed_by : 0)) return;
  }
}

}  // namespace tdcs::app
