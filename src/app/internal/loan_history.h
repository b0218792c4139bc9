// Private to the app library: a loan as it stood on a past date.
#pragma once

#include <cstdint>

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

}  // namespace tdcs::app
