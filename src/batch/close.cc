#include "batch/close.h"

#include <algorithm>

#include "base/check.h"
#include "loans/loan.h"
#include "store/loan_store.h"

namespace tdcs::batch {

// The wire string of each rejection code (docs/API.md "Error codes").
#define TDCS_CLOSE_REJECTIONS(X)       \
  X(kCloseDatePast, "CLOSE_DATE_PAST") \
  X(kLedgerUnbalanced, "LEDGER_UNBALANCED")
TDCS_DEFINE_REJECTIONS(CloseRejection, TDCS_CLOSE_REJECTIONS)
#undef TDCS_CLOSE_REJECTIONS

namespace {

// On the first day of a month: credits the month before's interest of every
// savings account holding something.
void CreditSavings(store::Database& db, Date day, int64_t loans, int64_t& entries,
                   const CloseProgress& progress, int batch_size) {
  int64_t after = 0;
  while (true) {
    store::Transaction tx(db);
    store::LoanStore store(db);
    auto accounts = store.SavingsAccountsToCredit(day, after, batch_size);
    if (accounts.empty()) break;
    for (auto& account : accounts) {
      entries += AdvanceSavings(store, account, day);
      store.SaveSavings(account);
      after = account.id;
    }
    tx.Commit();
    if (progress) progress(day, loans);
  }
}

// Brings every loan with an event on or before `day` to `day`.
Status CloseDay(store::Database& db, Date day, CloseSummary& summary, const CloseProgress& progress,
                int batch_size) {
  int64_t loans_today = 0, entries_today = 0;
  while (true) {
    const bool more = store::RunTransaction(db, [&](store::Transaction& tx) {
      int64_t loans_done = 0, entries_done = 0;
      store::LoanStore store(db);
      auto ids = store.LoansWithEventsBy(day, batch_size);
      if (ids.empty()) return false;
      // Loans are locked in id order, as a session batch locks them, so the
      // two wait for each other rather than deadlock; a loan a payment has
      // just brought past the day is skipped.
      std::sort(ids.begin(), ids.end());
      store.LockLoans(ids);
      store.ReadAheadLoans(ids);  // one query for the batch, after the locks
      // The batch's balances and report figures written once, at its end.
      store.DeferBalances();
      for (int64_t id : ids) {
        loans::Loan loan = *store.LoadLoan(id);
        const auto due = loans::NextEventDate(loan);
        if (!due || *due > day) {
          // Already past the day (a payment brought it there): rewrite its
          // event date so the index never offers it for this day again.
          store.UpdateLoan(loan);
          continue;
        }
        db.LockKeyShared("program:" + loan.terms.program);  // rates stay as read
        if (AdvanceLoan(store, loan, day)) ++entries_done;
        // Every event up to the day has run, so the loan leaves the day's work.
        const auto next = loans::NextEventDate(loan);
        TDCS_CHECK_MSG(!next || *next > day, "a loan's next event is not after the day closed");
        store.UpdateLoan(loan);
        ++loans_done;
      }
      store.FlushBalances();
      tx.Commit();
      loans_today += loans_done;
      entries_today += entries_done;
      return true;
    });
    if (!more) break;
    if (progress) progress(day, loans_today);
  }
  if (day.day() == 1) CreditSavings(db, day, loans_today, entries_today, progress, batch_size);
  store::Transaction tx(db);
  store::LoanStore store(db);
  // The books must balance at every close; checked on the aggregate (a few
  // thousand rows), not the detail, so the day stays proportional to its work.
  const int64_t total = store.AggregateTotal();
  if (total != 0)
    return MakeError(CloseRejection::kLedgerUnbalanced, "",
                     "Sổ cái không cân (chênh lệch " + Money::Dong(total).ToVietnamese() +
                         " đ); không khóa sổ ngày " + day.ToVietnamese() + ", hãy chạy tdcs verify",
                     "The ledger does not balance (off by " + Money::Dong(total).ToVietnamese() +
                         "); day " + day.ToIso() + " not closed, run tdcs verify");
  store.RecordCloseRun(day, loans_today, entries_today);
  store.SetBusinessDate(day);
  tx.Commit();
  summary.loans += loans_today;
  summary.entries += entries_today;
  ++summary.days;
  return Status::Ok();
}

}  // namespace

bool AdvanceLoan(store::LoanStore& store, loans::Loan& loan, Date date) {
  auto events = loans::Advance(loan, date, store.Rates(loan.terms.program));
  if (events.postings.empty()) return false;
  store.PostEntry(ledger::BuildEntry(date, "events", std::move(events.postings)),
                  loan.terms.loan_id, 0);
  return true;
}

int AdvanceSavings(store::LoanStore& store, savings::Account& account, Date date) {
  const auto& rates = store.SavingsRates();
  int entries = 0;
  for (auto next = savings::NextCreditDate(account); next && *next <= date;
       next = savings::NextCreditDate(account)) {
    auto credit = savings::Advance(account, *next, rates);
    if (credit.postings.empty()) continue;
    store.PostEntry(ledger::BuildEntry(*next, "savings_interest", std::move(credit.postings)), 0,
                    0);
    ++entries;
  }
  savings::Advance(account, date, rates);  // accrues only: no credit is due by `date`
  return entries;
}

Result<CloseSummary> CloseTo(store::Database& db, Date to, const CloseProgress& progress,
                             int batch_size, const std::function<void()>& waiting) {
  // One end of day at a time; a second run waits its turn and then finds
  // the days it asked for closed (or refuses a date before them).
  store::BatchLock lock(db, "close", waiting);
  CloseSummary summary;
  std::optional<Date> current;
  {
    store::LoanStore store(db);
    current = store.BusinessDate();
  }
  if (current && to < *current)
    return MakeError(
        CloseRejection::kCloseDatePast, "to",
        "Ngày làm việc hiện tại là " + current->ToVietnamese() + ", không lùi lại được",
        "The business date is " + current->ToIso() + "; it cannot go back");
  if (current && to == *current) {
    // Closing today again finishes a run that stopped half-way, and is a no-op otherwise.
    if (auto s = CloseDay(db, to, summary, progress, batch_size); !s.ok()) return s.error();
    return summary;
  }
  for (Date day = current ? current->AddDays(1) : to; day <= to; day = day.AddDays(1))
    if (auto s = CloseDay(db, day, summary, progress, batch_size); !s.ok()) return s.error();
  return summary;
}

}  // namespace tdcs::batch
