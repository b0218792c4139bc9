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
};

Result<ActionResult> ActOnLoan(Connection& connection, const Context& context,
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

enum class SavingsActionKind { kDeposit, kWithdraw };
struct SavingsAction {
  SavingsActionKind kind = SavingsActionKind::kDeposit;
  std::string borrower_code;
  Money amount;
  Date date;
};
Result<ActionResult> ActOnSavings(Connection& connection, const Context& context,
                                  const SavingsAction& action);

// A loan as of a date (for display and checks): the stored state brought to `on`.
struct LoanView {
  std::string code, status, borrower_code;
  Money principal, overdue, frozen, principal_due, interest_due;
  std::optional<Date> next_due;
};
Result<LoanView> ViewLoan(Connection& connection, const Context& context,
                          const std::string& loan_code, Date on);
Result<Money> SavingsBalance(Connection& connection, const Context& context,
                             const std::string& borrower_code, Date on);

// A rate change of a program from a date (a new program version).
Status SetProgramRate(Connection& connection, const Context& context, const std::string& program,
                      Date from, Rate rate);

// The bank's business date (the last day closed), if there is one.
std::optional<Date> BusinessDate(Connection& connection);

}  // namespace tdcs::app
