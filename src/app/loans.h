// Loan and savings use cases. Each runs in one database transaction: it
// loads what it needs, brings the loan to the business date (events dated up
// to it take effect first), applies the domain rule (src/loans, src/savings),
// posts one balanced journal entry through LoanStore::PostEntry and saves the
// new state — or, on a rejection, changes nothing and returns the Error.
//
// Writes from outside carry an idempotency key: a repeat with the same key and
// the same request returns the first result; the same key with a different
// request is rejected (IDEMPOTENCY_KEY_REUSED).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/date.h"
#include "base/result.h"
#include "money/money.h"
#include "store/db.h"

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
  int fund_source = 1;
  Date date;  // application and decision date
  std::optional<Date> group_reviewed_on, commune_certified_on;
  // Interest charging: nullopt takes the setting 'interest.charge' in force
  // ('collection' by default, or 'month_end').
  std::optional<bool> charge_at_month_end;
};

// Approves an application within the program's limits (amount, term,
// eligible categories, channel) and the office's capital plan for the year,
// or rejects it with the reason (the rejection is recorded too).
Result<int64_t> ApproveLoan(store::Database& db, const LoanApplicationRequest& request);

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
  Money amount;                 // disburse (0: the rest of the approved amount), pay
  int months = 0;               // extend, freeze
  std::string heir_code;        // inherit
  std::string idempotency_key;  // empty: none
};

struct ActionResult {
  int64_t txn_id = 0;
  int64_t entry_id = 0;   // 0 when the action moved no money
  bool repeated = false;  // answered from the idempotency key
};

Result<ActionResult> ActOnLoan(store::Database& db, const LoanAction& action);

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
CollectionReport PostCollections(store::Database& db, Date date,
                                 const std::vector<Collection>& lines);

// kReverseLast: the latest deposit or withdrawal not yet reversed (amount
// unused); a repayment from savings is reversed with its loan.
enum class SavingsActionKind { kDeposit, kWithdraw, kReverseLast };
Result<ActionResult> ActOnSavings(store::Database& db, SavingsActionKind kind,
                                  const std::string& borrower_code, Money amount, Date date,
                                  const std::string& idempotency_key = "");

// A loan as of a date (for display and checks): the stored state brought to `on`.
struct LoanView {
  std::string code, status, borrower_code;
  Money principal, overdue, frozen, principal_due, interest_due;
  std::optional<Date> next_due;
};
Result<LoanView> ViewLoan(store::Database& db, const std::string& loan_code, Date on);
Result<Money> SavingsBalance(store::Database& db, const std::string& borrower_code, Date on);

// A rate change of a program from a date (a new program version).
Status SetProgramRate(store::Database& db, const std::string& program, Date from, Rate rate);

}  // namespace tdcs::app
