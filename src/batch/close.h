// End of day: `tdcs close --to DATE` runs the business days up to DATE.
//
// Work is proportional to what falls due, not to the number of loans: each
// loan keeps the date of its next event (an installment falling due, an
// overdue transfer at the first commune session after a due date, the end of
// a freeze) in an index, and a day touches only the loans whose event date
// has come. Rate changes need no work per loan: interest is computed from the
// rate timeline when it is charged.
//
// Idempotent and restartable: loans are processed in batches of kCloseBatch,
// each batch in its own transaction; a loan once brought to the day has its
// next event after the day, so a run that stopped half-way (a crash, a kill)
// picks up exactly the loans left. The business date moves only when the day
// is complete; close_run records each day.
//
// Member savings: on the first day of each month, at the start of the day,
// every account holding something is credited the interest of the month
// before (RULES §5), in batches by account id; an account once credited is
// brought to the day, so a stopped run resumes the same way.
#pragma once

#include <cstdint>
#include <functional>

#include "base/date.h"
#include "base/result.h"
#include "savings/savings.h"
#include "store/db.h"
#include "store/loan_store.h"

namespace tdcs::batch {

inline constexpr int kCloseBatch = 2000;

struct CloseSummary {
  int days = 0;
  int64_t loans = 0;    // loans brought forward
  int64_t entries = 0;  // journal entries posted
};

using CloseProgress = std::function<void(Date day, int64_t loans)>;

// Brings a savings account to `date`: each month's interest credit due by
// then is posted as its own entry dated the first day of the month it is
// credited on; then the interest accrues up to `date`. The caller saves it.
// Returns the entries posted.
int AdvanceSavings(store::LoanStore& store, savings::Account& account, Date date);

// Brings a loan to `date` (loans::Advance) and posts the entry of the events
// it ran, dated `date`; the caller saves the loan. Returns whether anything
// was posted. Every loan is brought forward this way (end of day, actions,
// imports).
bool AdvanceLoan(store::LoanStore& store, loans::Loan& loan, Date date);

// CloseTo's rejections.
enum class CloseRejection {
  kCloseDatePast,     // `to` is before the business date
  kLedgerUnbalanced,  // the balances do not sum to zero: the day is not closed
};
std::string_view RejectionKey(CloseRejection code);
std::span<const RejectionEntry<CloseRejection>> RejectionTable(CloseRejection);

// Runs every business day after the current business date up to `to`. A new
// database (no business date yet) starts at `to`.
// `progress` is called after each committed batch (of loans or of savings accounts).
// Runs under the "close" batch lock (store::BatchLock): a concurrent close
// waits (`waiting` is called once if it must) and the business date only
// moves forward.
Result<CloseSummary> CloseTo(store::Database& db, Date to, const CloseProgress& progress = nullptr,
                             int batch_size = kCloseBatch,
                             const std::function<void()>& waiting = nullptr);

}  // namespace tdcs::batch
