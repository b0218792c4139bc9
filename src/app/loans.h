// Loan and savings use cases. Each runs in one database transaction: it
// loads what it needs, brings the loan to the business date (events dated up
// to it take effect first), applies the domain rule (src/loans, src/savings),
// posts one balanced journal entry through LoanStore::PostEntry and saves the
// new state — or, on a rejection, changes nothing and returns the Error.
//
// Writes from outside carry an idempotency key (Context::idempotency_key): a
// repeat with the same key and the same request returns the first result; the
// same key with a different request is rejected (IDEMPOTENCY_KEY_REUSED). A key
// belongs to its actor and the kind of request.
//
// Locking (docs/ARCHITECTURE.md "Concurrency"): a write locks, in this order,
// its idempotency key, the loan(s) it acts on (by id, ascending), the
// borrower's savings account, then the capital plan or loan code it checks;
// on PostgreSQL a deadlock or serialization failure runs the whole use case
// again (up to 5 times). Every use case is safe to call from many connections
// at once on both engines.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/connection.h"
#include "app/context.h"
#include "base/date.h"
#include "base/result.h"
#include "money/money.h"

namespace tdcs::app {

struct LoanApplicationRequest {
  std::string code;           // the loan's number
  std::string borrower_code;  // 10-digit customer code
  std::string program;
  Money amount;
  int term_months = 0;
  int every_months = 0;  // 0: the program's default installment interval
  int grace_months = 0;
  // Students' loans (a limit per month of study): the months of study left,
  // stated on the application (grace_months 0 then means study + 12); 0 for
  // other programs.
  int study_months = 0;
  // What the loan is to achieve (RULES §9.9): kind → count; empty records
  // the program's own outcome once (a students' loan: one student).
  std::map<std::string, int> outcomes;
  int fund_source = 1;
  Date date;  // application and decision date
  std::optional<Date> group_reviewed_on, commune_certified_on;
  // Interest charging: nullopt takes the setting 'interest.charge' in force
  // ('collection' by default, or 'month_end').
  std::optional<bool> charge_at_month_end;
};

// What ApplyForLoan, DecideOnLoan and ApproveLoan answer, in the order they
// are checked. From kAmountInvalid to kCapitalPlanExceeded they are the rules
// of approval: the first broken one is recorded on the loan as the reason.
enum class LoanApplicationRejection {
  kLoanUnknown,                  // DecideOnLoan: no such loan number
  kApplicationDecided,           // DecideOnLoan: the application was decided already
  kRejectionReasonRequired,      // DecideOnLoan: a rejection without a reason, or over 500 bytes
  kDecisionBeforeApplication,    // DecideOnLoan: dated before the application
  kApplicationPlacementChanged,  // DecideOnLoan: the borrower moved group or office since
  kBorrowerUnknown,              // no such borrower
  kLoanCodeDuplicate,            // the loan number exists already
  kLoanCodeFormat,               // not 1–32 letters, digits, '-' or '_'
  kProgramUnknown,               // no such program
  kProgramNotInForce,            // the program has no version in force on the date
  kBorrowerNotInGroup,           // the borrower is in no group on the date
  kOutcomeInvalid,               // an outcome unknown, not the program's, or a count out of range
  kAmountInvalid,                // zero or negative (CheckAmount)
  kStudyMonthsMissing,           // a students' loan without the months of study left
  kStudyMonthsNotApplicable,     // months of study for another program
  kAmountOverLimit,              // above the program's limit
  kTermOverLimit,                // a term outside 1 to the program's maximum
  kTermMonthsTooShort,           // a students' loan not longer than the study and its grace
  kGraceMonthsTooShort,          // a students' loan whose grace does not cover them
  kScheduleInvalid,              // the installment interval or grace does not fit the term
  kFundSourceInvalid,            // the fund source does not fund the program
  kNotEligible,                  // the household's categories are not the program's
  kCapitalPlanExceeded,          // the office's capital plan for the year would be exceeded
};
std::string_view RejectionKey(LoanApplicationRejection code);
std::span<const RejectionEntry<LoanApplicationRejection>> RejectionTable(LoanApplicationRejection);

// Records an application (tdcs loan apply): status "applied", not decided.
// Rejected at once only when it cannot be an application at all (unknown
// borrower or program, a duplicate or malformed loan number, the borrower in
// no group on the date).
Result<int64_t> ApplyForLoan(Connection& connection, const Context& context,
                             const LoanApplicationRequest& request);

// The office's decision on a recorded application (tdcs loan approve|reject):
// approval runs the rules below on the decision date and records a rejection
// with its reason when one is broken; a rejection needs a reason.
struct LoanDecision {
  std::string loan_code;
  bool approve = true;
  Date date;
  std::string reason;  // rejection
};
// The loan's id; or, for an officer's approval above their limit, the
// request held for a checker (app/approvals.h) and nothing decided yet.
struct DecisionResult {
  int64_t loan_id = 0;
  int64_t pending_request = 0;
};
Result<DecisionResult> DecideOnLoan(Connection& connection, const Context& context,
                                    const LoanDecision& decision);
// An application and its decision at once, as its maker decides it (POST
// /api/loans with "decide": the officer's limit and the second person hold
// as for DecideOnLoan). One transaction.
Result<DecisionResult> ApplyAndDecide(Connection& connection, const Context& context,
                                      const LoanApplicationRequest& request);

// Applies and decides at once (scenarios, generated data). Approves an application within the
// program's limits (amount, term, eligible categories, channel) and the office's capital plan for
// the year, or rejects it with the reason (the rejection is recorded too).
Result<int64_t> ApproveLoan(Connection& connection, const Context& context,
                            const LoanApplicationRequest& request);

enum class LoanActionKind {
  kDisburse,
  kPay,
  kPayFromSavings,
  kReschedule,
  kExtend,
  kFreeze,
  kWriteOff,
  kInherit,
  kReverseLast
};

struct LoanAction {
  LoanActionKind kind = LoanActionKind::kPay;
  std::string loan_code;
  Date date;
  Money amount;           // disburse (0: the rest of the approved amount), pay
  int months = 0;         // extend, freeze
  std::string heir_code;  // inherit
};

// The action's name on the wire, in scenarios and in loan_txn.kind: disburse
// pay pay_savings reschedule extend freeze writeoff inherit reverse.
const char* LoanActionKey(LoanActionKind kind);
std::optional<LoanActionKind> ParseLoanActionKind(std::string_view key);

struct ActionResult {
  int64_t txn_id = 0;
  int64_t entry_id = 0;   // 0 when the action moved no money
  bool repeated = false;  // answered from the idempotency key
  // Held for a second person (app/approvals.h): the request's id; nothing
  // was posted. Sent again, the request as it stands now: "pending",
  // "approved" (its action posted then, by the checker) or "rejected".
  int64_t pending_request = 0;
  std::string request_status = "pending";
};

// What ActOnLoan answers (and each line of PostCollections): its own rules
// first, then the domain's it passes on (loans::LoanRejection, and
// savings::SavingsRejection for a repayment from savings), then reversals'.
enum class LoanActionRejection {
  kIdempotencyKeyReused,       // the key came before with another request
  kLoanUnknown,                // no such loan number
  kActionBackdated,            // before the loan's (or the savings account's) processed date
  kBorrowerUnknown,            // inherit: no such heir
  kSavingsInsufficient,        // pay from savings: no account, or not enough in it
  kLoanNotActive,              // loans::LoanRejection
  kLoanFrozen,                 // loans::LoanRejection
  kAmountInvalid,              // loans::LoanRejection, savings::SavingsRejection
  kDisbursementOverApproved,   // loans::LoanRejection
  kDisbursementAfterMaturity,  // loans::LoanRejection
  kPaymentExceedsDebt,         // loans::LoanRejection
  kRescheduleTooLate,          // loans::LoanRejection
  kRescheduleNothingDue,       // loans::LoanRejection
  kRescheduleLastInstallment,  // loans::LoanRejection
  kExtensionMonthsInvalid,     // loans::LoanRejection
  kExtensionLimit,             // loans::LoanRejection
  kExtensionNothingDue,        // loans::LoanRejection
  kFreezePeriodInvalid,        // loans::LoanRejection
  kHeirIsBorrower,             // loans::LoanRejection
  kNothingToReverse,           // reverse: no transaction left to reverse
  kReversalNotAllowed,         // reverse: an opening balance, or a savings repayment not recorded
  kReversalBreaksLater,        // reverse: a later transaction would no longer hold
  kCollectionTooLarge,         // PostCollections: over kCollectionLinesMax lines (the whole batch)
  kSessionClosed,  // disburse, pay, reverse: the loan's point's session that day is closed
};
std::string_view RejectionKey(LoanActionRejection code);
std::span<const RejectionEntry<LoanActionRejection>> RejectionTable(LoanActionRejection);

Result<ActionResult> ActOnLoan(Connection& connection, const Context& context,
                               const LoanAction& action);

// What an action would post now, for the confirmation a face shows before
// sending it: the action run by ActOnLoan's own rules in a transaction that
// is then rolled back, the loan's postings summed by account (debit > 0,
// credit < 0; an interest charge and its payment net out on
// INTEREST_RECEIVABLE). Nothing stays written, the audit record neither. An
// action that would wait for a second person (`held`) is previewed as its
// approval would post it. The action's own refusals are answered as
// ActOnLoan answers them.
struct ActionPreview {
  bool held = false;
  std::vector<std::pair<std::string, int64_t>> postings;  // account, đồng
};
Result<ActionPreview> PreviewLoanAction(Connection& connection, const Context& context,
                                        const LoanAction& action);

// A commune session's collections, posted together in one transaction (one
// durable commit for the whole session). Each line is checked and applied on
// its own: a rejected line is reported and changes nothing, the others post.
struct Collection {
  std::string loan_code;
  Money amount;
  std::string idempotency_key;
};
inline constexpr size_t kCollectionLinesMax = 20'000;
struct CollectionReport {
  int64_t posted = 0;
  Money amount;
  std::vector<RowError> rejected;  // line = 1-based index in the batch
};
CollectionReport PostCollections(Connection& connection, const Context& context, Date date,
                                 const std::vector<Collection>& lines);

// kReverseLast: the latest deposit or withdrawal not yet reversed (amount
// unused); a repayment from savings is reversed with its loan.
enum class SavingsActionKind { kDeposit, kWithdraw, kReverseLast };
struct SavingsAction {
  SavingsActionKind kind = SavingsActionKind::kDeposit;
  std::string borrower_code;
  Money amount;
  Date date;
};

// What ActOnSavings answers, in the order it is checked: its own rules, then
// the domain's (savings::SavingsRejection).
enum class SavingsActionRejection {
  kIdempotencyKeyReused,    // the key came before with another request
  kBorrowerUnknown,         // no such borrower
  kNothingToReverse,        // reverse: no account, or no deposit or withdrawal left to reverse
  kBorrowerNotInGroup,      // a first movement of a borrower in no group on the date
  kActionBackdated,         // before the account's processed date
  kReversalBreaksLater,     // reverse: a later movement would no longer hold
  kAmountInvalid,           // savings::SavingsRejection
  kSavingsDepositTooSmall,  // savings::SavingsRejection
  kSavingsInsufficient,     // savings::SavingsRejection
  kSessionClosed,           // the member's point's session that day is closed
};
std::string_view RejectionKey(SavingsActionRejection code);
std::span<const RejectionEntry<SavingsActionRejection>> RejectionTable(SavingsActionRejection);

Result<ActionResult> ActOnSavings(Connection& connection, const Context& context,
                                  const SavingsAction& action);

// What ViewLoan, ShowLoan, ListLoans, SavingsBalance and SavingsCredited
// answer. (A loan whose transactions no longer replay to `on` answers the
// replay's loans::LoanRejection.)
enum class LoanViewRejection {
  kLoanUnknown,          // no such loan number
  kLoanFilterRequired,   // ListLoans: not exactly one of borrower, group, office
  kBorrowerUnknown,      // no such borrower
  kGroupUnknown,         // ListLoans: no such group
  kOfficeUnknown,        // ListLoans: no such office
  kLoanNotYetApplied,    // a date before the loan's application
  kLoanNotYetTakenOver,  // a date before the opening balance of a loan taken over
  kLoanStatusUnknown,    // ListLoans: a status that is not a loan status
};
std::string_view RejectionKey(LoanViewRejection code);
std::span<const RejectionEntry<LoanViewRejection>> RejectionTable(LoanViewRejection);

// A loan as of a date (for display and checks): the stored state brought to `on`.
struct LoanView {
  std::string code, status, borrower_code;
  Money principal, overdue, frozen, principal_due, interest_due;
  std::optional<Date> next_due;
};
//
// `on` before the loan's processed date gives the loan as it stood then: its
// approved terms and every transaction dated on or before `on` replayed
// (a transaction reversed later counts; one reversed by then does not).
Result<LoanView> ViewLoan(Connection& connection, const Context& context,
                          const std::string& loan_code, Date on);

// Everything about a loan as of a date: terms, schedule, transactions to that
// date, balances (tdcs loan show, GET /api/loans/{code}).
struct LoanInstallmentView {
  Date due;
  int shares = 0;  // 0: its share moved to a later installment
  Money amount;    // fixed when it fell due (0 before)
  Money paid;
  std::string state;  // future | due | overdue | paid
};
struct LoanTransactionView {
  int64_t id = 0;
  Date date;
  std::string
      kind;  // disburse pay pay_savings reschedule extend freeze writeoff inherit open reverse
  Money amount;
  int months = 0;
  int64_t entry_id = 0;
  int64_t reverses = 0, reversed_by = 0;
};
struct LoanDetails {
  LoanView view;
  std::string program;
  int fund_source = 1;
  Money approved, disbursed, interest_unpaid;
  int term_months = 0, every_months = 0, grace_months = 0, session_day = 0;
  std::optional<Date> disbursed_on, maturity;
  Date on;
  std::vector<LoanInstallmentView> schedule;
  std::vector<LoanTransactionView> transactions;
};
Result<LoanDetails> ShowLoan(Connection& connection, const Context& context,
                             const std::string& loan_code, Date on);

// The installments of a loan falling due after `from` up to `to`, with what
// each will come to if nothing is paid before it (the loan as of `from`
// brought to each due date by the rules of §4.5: the amount is fixed when it
// falls due). For the due list a commune point is given ahead (RULES §6.2).
struct UpcomingInstallment {
  Date due;
  Money amount;
};
Result<std::vector<UpcomingInstallment>> UpcomingInstallments(Connection& connection,
                                                              const Context& context,
                                                              const std::string& loan_code,
                                                              Date from, Date to);

// Loans of a borrower, a group or an office (the loans whose office it is),
// by loan number; at most `limit`.
struct LoanListFilter {
  std::string borrower_code, group_code, office_code;  // exactly one
  std::string status;  // applied, approved, active, …: only those (empty: every loan)
  int limit = 500;
};
struct LoanListItem {
  std::string code, borrower_code, program, status;
  Money approved, principal;
};
Result<std::vector<LoanListItem>> ListLoans(Connection& connection, const Context& context,
                                            const LoanListFilter& filter);
Result<Money> SavingsBalance(Connection& connection, const Context& context,
                             const std::string& borrower_code, Date on);
// The part of the balance already credited (interest accrued since the last
// credit not included): what a withdrawal may take.
Result<Money> SavingsCredited(Connection& connection, const Context& context,
                              const std::string& borrower_code, Date on);

// What SetProgramRate and SetProgramLimit answer.
enum class ProgramChangeRejection {
  kRateChangeBackdated,  // SetProgramRate: before the business date or interest accrued
  kAmountInvalid,        // SetProgramLimit: zero or negative (CheckAmount)
  kProgramUnknown,       // no such program
};
std::string_view RejectionKey(ProgramChangeRejection code);
std::span<const RejectionEntry<ProgramChangeRejection>> RejectionTable(ProgramChangeRejection);

// A rate change of a program from a date (a new program version).
Status SetProgramRate(Connection& connection, const Context& context, const std::string& program,
                      Date from, Rate rate);

// A new version of a program from `from` with another maximum amount (per its
// basis: per month of study for students' loans).
Status SetProgramLimit(Connection& connection, const Context& context, const std::string& program,
                       Date from, Money max_amount);

// The bank's business date (the last day closed), if there is one.
std::optional<Date> BusinessDate(Connection& connection);

}  // namespace tdcs::app
