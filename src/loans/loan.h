// A loan's life (RULES §4), as pure functions over a Loan value. Nothing
// here reads a database or the clock: the caller passes the business date
// and the program's rate timeline, and gets back the new state and the
// postings to make (ledger::BuildEntry turns them into a journal entry).
//
// Principal is held in three states: normal (current, including principal
// that has fallen due and is not yet overdue), overdue and frozen; their sum
// is the outstanding principal.
//
// Interest (§4.4). For each day, principal × monthly rate / 30; overdue
// principal at the overdue rate (loan rate × overdue_percent / 100, exact);
// frozen principal accrues nothing. The exact sum is kept as a numerator over
// the denominator 30 × 1,000,000 × 100 (`kAccrualDenominator`) from the last
// charge date (inclusive) and is charged when interest is collected, for the
// days up to the charge date (exclusive), then rounded half up to whole đồng;
// the remainder below half a đồng is dropped. A rate change applies to
// existing loans from its date, so one span can mix two rates. Interest never
// bears interest. Loans charged at month end (a setting fixed at approval)
// are also charged by the events of the first day of each month, at the
// start of that day: the charge covers the days before it, so the whole
// calendar month, its last day included, rounded on its own.
//
// Installments (§4.5). Principal is repaid on installment dates every
// `every_months` from the disbursement (after `grace_months`), on the same
// day of the month (a day the month lacks becomes its last day), the last at
// maturity. Each installment is a number of shares (1 at first). When an
// installment falls due its amount is
//   (outstanding − unpaid past installments) × its shares ÷ shares not yet due,
// rounded down to a multiple of 100,000 đ; the last takes the rest.
//
// Payments (§4.5) settle, in order: interest charged and unpaid, overdue
// principal (oldest installment first), principal due, principal ahead of
// schedule (which lowers later installments through the same formula), and
// frozen principal. A payment larger than everything owed is rejected.
//
// Overdue (§4.7). An installment neither paid nor rescheduled becomes overdue
// on the first commune session strictly after its due date. Loans disbursed
// from 1 March 2026 (`kPerInstallmentRuleFrom`) go overdue per installment;
// older loans only at final maturity, then with all unpaid principal.
//
// Events dated D (an installment falling due, an overdue transfer, the end of
// a freeze, and for loans charged at month end the first day of a month) take effect at the start
// of D, before any action of D: Advance(D) runs them. Advance is composable: Advance(a) then
// Advance(b) equals Advance(b).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/calendar.h"
#include "base/date.h"
#include "base/result.h"
#include "ledger/ledger.h"
#include "loans/session_calendar.h"
#include "money/money.h"

namespace tdcs::loans {

inline constexpr int64_t kInstallmentRoundingDong = 100'000;
inline constexpr __int128 kAccrualDenominator = static_cast<__int128>(30) * 1'000'000 * 100;
inline constexpr int kFreezeMonthsMax = 36;
inline constexpr int kRescheduleWorkingDaysMin = 5;
Date PerInstallmentRuleFrom();  // 2026-03-01

// The program's rate in force from each date (sorted by date).
struct RateVersion {
  Date from;
  Rate rate;
  int overdue_percent = 130;
};
using RateTimeline = std::vector<RateVersion>;

enum class OverdueRule { kAtMaturity, kPerInstallment };
// kApplied: an application recorded, not yet decided (tdcs loan apply).
enum class LoanStatus { kApplied, kApproved, kActive, kSettled, kWrittenOff, kRejected };
std::string_view LoanStatusKey(LoanStatus s);
std::optional<LoanStatus> ParseLoanStatus(std::string_view s);

enum class InstallmentState { kFuture, kDue, kOverdue, kPaid };

struct Installment {
  Date due;
  int shares = 1;  // 0 once its share was rescheduled to a later installment
  Money amount;    // principal due, fixed when it falls due
  Money paid;
  InstallmentState state = InstallmentState::kFuture;
  Money Unpaid() const { return amount - paid; }
};

struct LoanTerms {
  int64_t loan_id = 0;
  int64_t borrower_id = 0;
  int64_t office_id = 0;
  std::string program;
  int fund_source = 1;
  Money approved;
  int term_months = 12;
  int every_months = 12;
  int grace_months = 0;
  int session_day = 1;   // of the borrower's commune point
  int64_t point_id = 0;  // the commune point it is served at (0: none known)
  // The savings group it was taken on in, and that group's association: the
  // units it is reported under (0: none known).
  int64_t group_id = 0;
  int association = 0;
  // That point's sessions held on another day (0015): overdue transfers
  // happen at the moved sessions.
  SessionMoves session_moves;
  // Interest is charged when collected (default), or also at every month end
  // (a setting): then the first day of each month charges the month's interest.
  bool charge_at_month_end = false;
};

struct Loan {
  LoanTerms terms;
  LoanStatus status = LoanStatus::kApproved;
  std::optional<Date> disbursed_on;
  OverdueRule rule = OverdueRule::kAtMaturity;
  Money disbursed;
  Money normal, overdue, frozen;  // principal by state
  Money interest_unpaid;          // charged and not yet paid
  __int128 accrual = 0;           // exact interest not yet charged, over kAccrualDenominator
  Date accrued_to;                // accrual covers days before this date
  Date processed_to;              // events dated up to here have been applied
  std::vector<Installment> installments;
  int extension_months = 0;
  std::optional<Date> frozen_from, frozen_until;
  int frozen_months = 0;  // of the current freeze, renewals included

  Money Principal() const { return normal + overdue + frozen; }
  bool IsFrozen() const { return frozen_until.has_value(); }
  Date Maturity() const;
};

// A change of state and what to post for it.
struct Outcome {
  std::vector<ledger::Posting> postings;
};

// The date of the next event (installment falling due, overdue transfer,
// freeze end) after the events already applied, if any.
std::optional<Date> NextEventDate(const Loan& loan);
// Runs every event dated on or before `to`; returns the postings they make.
Outcome Advance(Loan& loan, Date to, const RateTimeline& rates);
// Interest the borrower would owe if they paid on `on` (charged + accrued, rounded).
Money InterestDue(const Loan& loan, Date on, const RateTimeline& rates);
// Principal that has fallen due and is unpaid (not overdue).
Money PrincipalDue(const Loan& loan);
// The date the next installment will fall due: none unless the loan is
// active; during a freeze, the date it moves to when the freeze ends (the
// months frozen so far, renewals included, later), not the original one.
std::optional<Date> NextDueDate(const Loan& loan);
// Everything owed on `on`: interest due and all principal.
Money TotalOwed(const Loan& loan, Date on, const RateTimeline& rates);

// The rejections of the actions below (Disburse … OpenBalance, and ApplyAction
// and Replay, which run them).
enum class LoanRejection {
  kLoanNotActive,              // the loan's status does not allow the action
  kLoanFrozen,                 // not possible while the loan is frozen
  kAmountInvalid,              // zero or negative (CheckAmount)
  kDisbursementOverApproved,   // disbursements would exceed the approved amount
  kDisbursementAfterMaturity,  // a further tranche after the last installment fell due
  kPaymentExceedsDebt,         // more than everything owed
  kRescheduleTooLate,     // under kRescheduleWorkingDaysMin working days, or one fell due unpaid
  kRescheduleNothingDue,  // no installment left to reschedule
  kRescheduleLastInstallment,  // the final maturity cannot be rescheduled
  kExtensionMonthsInvalid,     // extension months below 1
  kExtensionLimit,             // extensions in all over half of the original term
  kExtensionNothingDue,        // no unpaid, not overdue installment to extend
  kFreezePeriodInvalid,        // a freeze outside 1 to kFreezeMonthsMax months
  kHeirIsBorrower,             // the heir is the borrower already
  kOpeningBalanceInvalid,      // an opening balance that does not fit the loan
  kOpeningNextDueInvalid,      // the stated next installment is not one of the schedule's
};
std::string_view RejectionKey(LoanRejection code);
std::span<const RejectionEntry<LoanRejection>> RejectionTable(LoanRejection);

// Actions. Each first expects Advance(loan, date) to have run. On rejection
// the loan is unchanged.
Result<Outcome> Disburse(Loan& loan, Money amount, Date date, const RateTimeline& rates);
// `from_savings`: the money comes from the member's savings, not cash.
Result<Outcome> Pay(Loan& loan, Money amount, Date date, const RateTimeline& rates,
                    bool from_savings = false);
// Filed at least kRescheduleWorkingDaysMin working days before the installment,
// counted with the holiday calendar in force on `date`.
Result<Outcome> Reschedule(Loan& loan, Date date, const HolidayCalendar& calendar);
Result<Outcome> Extend(Loan& loan, Date date, int months);
Result<Outcome> Freeze(Loan& loan, Date date, int months, const RateTimeline& rates);
Result<Outcome> WriteOff(Loan& loan, Date date, const RateTimeline& rates);
Result<Outcome> Inherit(Loan& loan, Date date, int64_t heir_borrower_id);
// Balances taken over from a previous system (tdcs import loans, RULES §4.13)
// on `on`: the loan as the old system holds it at the start of that day.
struct OpeningBalance {
  Date on;
  Date disbursed_on;
  Money disbursed;                // in all, up to `on` (at most the approved amount)
  Money normal, overdue, frozen;  // principal by state
  Money principal_due;            // part of `normal` fallen due, not yet overdue
  Money interest_owed;            // charged or accrued for the days before `on`, unpaid
  // The schedule position: the next installment's date in the old system (one
  // of the schedule's dates after `on`); installments before it and after `on`
  // were rescheduled onto it. Nullopt: the schedule's next date.
  std::optional<Date> next_due;
  // A frozen loan: the freeze's start and end (a whole number of months apart),
  // and the part of the frozen principal that was overdue when it began
  // (it returns overdue when the freeze ends).
  std::optional<Date> frozen_from, frozen_until;
  Money frozen_overdue;
  // Months of extension granted in the old system (counted in the limit of
  // half the term); with them next_due may be the extended date of the next
  // installment (or, past the final maturity, of the last).
  int extension_months = 0;
};
// Takes over `balance` into an approved loan; every broken rule of the
// balance is a rejection (OPENING_BALANCE_INVALID and others, the field named).
Result<Outcome> OpenBalance(Loan& loan, const OpeningBalance& balance);
// The same with everything outstanding in normal principal and nothing owed
// in interest: `outstanding` of `disbursed` left on `date`.
Result<Outcome> OpenBalance(Loan& loan, Date date, Date disbursed_on, Money disbursed,
                            Money outstanding);

// A recorded action (a row of loan_txn), replayable: disburse, pay,
// pay_savings, reschedule, extend, freeze, writeoff, inherit, open.
struct RecordedAction {
  std::string kind;
  Date date;
  Money amount;
  int months = 0;
  int64_t party_id = 0;  // inherit: the heir; open: the disbursement date (days since 1970)
  // open: the balances taken over; without it, `amount` is normal principal
  // and the whole approved amount was disbursed.
  std::optional<OpeningBalance> opening;
};
Result<Outcome> ApplyAction(Loan& loan, const RecordedAction& action, const RateTimeline& rates,
                            const HolidayCalendar& calendar);
// Rebuilds a loan from its approved terms by applying `actions` in order (each
// after Advance to its date), then Advance to `to`; the postings of it all.
// `each`, when given, sees every action's own postings as it is applied (the
// deep check compares them with the entry posted for it); it may stop the
// replay by returning false.
using ReplayStep = std::function<bool(size_t index, const Outcome& action_outcome)>;
Result<Outcome> Replay(Loan& loan, const std::vector<RecordedAction>& actions, Date to,
                       const RateTimeline& rates, const HolidayCalendar& calendar,
                       const ReplayStep& each = nullptr);

// The dimensions a loan's postings carry.
ledger::Posting LoanDimensions(const Loan& loan);

}  // namespace tdcs::loans
