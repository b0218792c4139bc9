#include "app/loans.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "app/access.h"
#include "app/approvals.h"
#include "app/internal/access.h"
#include "app/internal/audit.h"
#include "app/internal/loan_history.h"
#include "app/internal/loan_rules.h"
#include "app/internal/scope.h"
#include "app/internal/session_lines.h"
#include "app/settings.h"
#include "base/clock.h"
#include "batch/close.h"
#include "loans/loan.h"
#include "programs/outcomes.h"
#include "savings/savings.h"
#include "store/approval_store.h"
#include "store/audit_store.h"
#include "store/calendar_store.h"
#include "store/loan_store.h"
#include "store/network_store.h"
#include "store/partition.h"
#include "store/program_store.h"

namespace tdcs::app {

// The wire string of each rejection code (docs/API.md "Error codes").
#define TDCS_LOAN_APPLICATION_REJECTIONS(X)                        \
  X(kLoanUnknown, "LOAN_UNKNOWN")                                  \
  X(kApplicationDecided, "APPLICATION_DECIDED")                    \
  X(kRejectionReasonRequired, "REJECTION_REASON_REQUIRED")         \
  X(kDecisionBeforeApplication, "DECISION_BEFORE_APPLICATION")     \
  X(kApplicationPlacementChanged, "APPLICATION_PLACEMENT_CHANGED") \
  X(kBorrowerUnknown, "BORROWER_UNKNOWN")                          \
  X(kLoanCodeDuplicate, "LOAN_CODE_DUPLICATE")                     \
  X(kLoanCodeFormat, "LOAN_CODE_FORMAT")                           \
  X(kProgramUnknown, "PROGRAM_UNKNOWN")                            \
  X(kProgramNotInForce, "PROGRAM_NOT_IN_FORCE")                    \
  X(kBorrowerNotInGroup, "BORROWER_NOT_IN_GROUP")                  \
  X(kOutcomeInvalid, "OUTCOME_INVALID")                            \
  X(kAmountInvalid, "AMOUNT_INVALID")                              \
  X(kStudyMonthsMissing, "STUDY_MONTHS_MISSING")                   \
  X(kStudyMonthsNotApplicable, "STUDY_MONTHS_NOT_APPLICABLE")      \
  X(kAmountOverLimit, "AMOUNT_OVER_LIMIT")                         \
  X(kTermOverLimit, "TERM_OVER_LIMIT")                             \
  X(kTermMonthsTooShort, "TERM_MONTHS_TOO_SHORT")                  \
  X(kGraceMonthsTooShort, "GRACE_MONTHS_TOO_SHORT")                \
  X(kScheduleInvalid, "SCHEDULE_INVALID")                          \
  X(kFundSourceInvalid, "FUND_SOURCE_INVALID")                     \
  X(kNotEligible, "NOT_ELIGIBLE")                                  \
  X(kCapitalPlanExceeded, "CAPITAL_PLAN_EXCEEDED")
TDCS_DEFINE_REJECTIONS(LoanApplicationRejection, TDCS_LOAN_APPLICATION_REJECTIONS)
#undef TDCS_LOAN_APPLICATION_REJECTIONS

#define TDCS_LOAN_ACTION_REJECTIONS(X)                         \
  X(kIdempotencyKeyReused, "IDEMPOTENCY_KEY_REUSED")           \
  X(kLoanUnknown, "LOAN_UNKNOWN")                              \
  X(kActionBackdated, "ACTION_BACKDATED")                      \
  X(kBorrowerUnknown, "BORROWER_UNKNOWN")                      \
  X(kSavingsInsufficient, "SAVINGS_INSUFFICIENT")              \
  X(kLoanNotActive, "LOAN_NOT_ACTIVE")                         \
  X(kLoanFrozen, "LOAN_FROZEN")                                \
  X(kAmountInvalid, "AMOUNT_INVALID")                          \
  X(kDisbursementOverApproved, "DISBURSEMENT_OVER_APPROVED")   \
  X(kDisbursementAfterMaturity, "DISBURSEMENT_AFTER_MATURITY") \
  X(kPaymentExceedsDebt, "PAYMENT_EXCEEDS_DEBT")               \
  X(kRescheduleTooLate, "RESCHEDULE_TOO_LATE")                 \
  X(kRescheduleNothingDue, "RESCHEDULE_NOTHING_DUE")           \
  X(kRescheduleLastInstallment, "RESCHEDULE_LAST_INSTALLMENT") \
  X(kExtensionMonthsInvalid, "EXTENSION_MONTHS_INVALID")       \
  X(kExtensionLimit, "EXTENSION_LIMIT")                        \
  X(kExtensionNothingDue, "EXTENSION_NOTHING_DUE")             \
  X(kFreezePeriodInvalid, "FREEZE_PERIOD_INVALID")             \
  X(kHeirIsBorrower, "HEIR_IS_BORROWER")                       \
  X(kNothingToReverse, "NOTHING_TO_REVERSE")                   \
  X(kReversalNotAllowed, "REVERSAL_NOT_ALLOWED")               \
  X(kReversalBreaksLater, "REVERSAL_BREAKS_LATER")             \
  X(kCollectionTooLarge, "COLLECTION_TOO_LARGE")               \
  X(kSessionClosed, "SESSION_CLOSED")
TDCS_DEFINE_REJECTIONS(LoanActionRejection, TDCS_LOAN_ACTION_REJECTIONS)
#undef TDCS_LOAN_ACTION_REJECTIONS

#define TDCS_SAVINGS_ACTION_REJECTIONS(X)                 \
  X(kIdempotencyKeyReused, "IDEMPOTENCY_KEY_REUSED")      \
  X(kBorrowerUnknown, "BORROWER_UNKNOWN")                 \
  X(kNothingToReverse, "NOTHING_TO_REVERSE")              \
  X(kBorrowerNotInGroup, "BORROWER_NOT_IN_GROUP")         \
  X(kActionBackdated, "ACTION_BACKDATED")                 \
  X(kReversalBreaksLater, "REVERSAL_BREAKS_LATER")        \
  X(kAmountInvalid, "AMOUNT_INVALID")                     \
  X(kSavingsDepositTooSmall, "SAVINGS_DEPOSIT_TOO_SMALL") \
  X(kSavingsInsufficient, "SAVINGS_INSUFFICIENT")         \
  X(kSessionClosed, "SESSION_CLOSED")
TDCS_DEFINE_REJECTIONS(SavingsActionRejection, TDCS_SAVINGS_ACTION_REJECTIONS)
#undef TDCS_SAVINGS_ACTION_REJECTIONS

#define TDCS_LOAN_VIEW_REJECTIONS(X)                 \
  X(kLoanUnknown, "LOAN_UNKNOWN")                    \
  X(kLoanFilterRequired, "LOAN_FILTER_REQUIRED")     \
  X(kBorrowerUnknown, "BORROWER_UNKNOWN")            \
  X(kGroupUnknown, "GROUP_UNKNOWN")                  \
  X(kOfficeUnknown, "OFFICE_UNKNOWN")                \
  X(kLoanNotYetApplied, "LOAN_NOT_YET_APPLIED")      \
  X(kLoanNotYetTakenOver, "LOAN_NOT_YET_TAKEN_OVER") \
  X(kLoanStatusUnknown, "LOAN_STATUS_UNKNOWN")
TDCS_DEFINE_REJECTIONS(LoanViewRejection, TDCS_LOAN_VIEW_REJECTIONS)
#undef TDCS_LOAN_VIEW_REJECTIONS

#define TDCS_PROGRAM_CHANGE_REJECTIONS(X)          \
  X(kRateChangeBackdated, "RATE_CHANGE_BACKDATED") \
  X(kAmountInvalid, "AMOUNT_INVALID")              \
  X(kProgramUnknown, "PROGRAM_UNKNOWN")
TDCS_DEFINE_REJECTIONS(ProgramChangeRejection, TDCS_PROGRAM_CHANGE_REJECTIONS)
#undef TDCS_PROGRAM_CHANGE_REJECTIONS

namespace {

template <typename Code>
Error Unknown(Code code, const char* field, const std::string& what_vi, const std::string& what_en,
              const std::string& value) {
  return MakeError(code, field, what_vi + " '" + value + "' không tồn tại",
                   what_en + " '" + value + "' does not exist");
}

}  // namespace

const char* LoanActionKey(LoanActionKind kind) {
  switch (kind) {
    case LoanActionKind::kDisburse:
      return "disburse";
    case LoanActionKind::kPay:
      return "pay";
    case LoanActionKind::kPayFromSavings:
      return "pay_savings";
    case LoanActionKind::kReschedule:
      return "reschedule";
    case LoanActionKind::kExtend:
      return "extend";
    case LoanActionKind::kFreeze:
      return "freeze";
    case LoanActionKind::kWriteOff:
      return "writeoff";
    case LoanActionKind::kInherit:
      return "inherit";
    case LoanActionKind::kReverseLast:
      return "reverse";
  }
  return "";
}

std::optional<LoanActionKind> ParseLoanActionKind(std::string_view key) {
  for (auto kind :
       {LoanActionKind::kDisburse, LoanActionKind::kPay, LoanActionKind::kPayFromSavings,
        LoanActionKind::kReschedule, LoanActionKind::kExtend, LoanActionKind::kFreeze,
        LoanActionKind::kWriteOff, LoanActionKind::kInherit, LoanActionKind::kReverseLast})
    if (key == LoanActionKey(kind)) return kind;
  return std::nullopt;
}

namespace {

// A request in a canonical form for idempotency: every field by name, each
// value length-prefixed, in a fixed order, so two requests are equal exactly
// when their fields are.
class CanonicalRequest {
 public:
  CanonicalRequest& Add(std::string_view name, std::string_view value) {
    text_.append(name).append("=").append(std::to_string(value.size())).append(":");
    text_.append(value).append("\n");
    return *this;
  }
  CanonicalRequest& Add(std::string_view name, int64_t value) {
    return Add(name, std::to_string(value));
  }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

std::string RequestText(const LoanAction& a) {
  return CanonicalRequest()
      .Add("kind", LoanActionKey(a.kind))
      .Add("loan", a.loan_code)
      .Add("date", a.date.ToIso())
      .Add("amount_dong", a.amount.dong())
      .Add("months", a.months)
      .Add("heir", a.heir_code)
      .text();
}

std::string ResultText(const ActionResult& r) {
  return std::to_string(r.txn_id) + ":" + std::to_string(r.entry_id);
}

ActionResult ParseResultText(const std::string& text) {
  ActionResult r;
  r.repeated = true;
  std::sscanf(text.c_str(), "%ld:%ld", &r.txn_id, &r.entry_id);
  return r;
}

// The answer to a request whose idempotency key was seen before: its first
// result, or IDEMPOTENCY_KEY_REUSED when the key came with another request.
// Locks the key first, so a concurrent request with it waits for this one.
std::optional<Result<ActionResult>> SeenBefore(store::LoanStore& store,
                                               const store::LoanStore::IdempotencyKey& key,
                                               const std::string& request) {
  if (key.key.empty()) return std::nullopt;
  store.db().LockKey(store::LoanStore::IdempotencyLockName(key));
  auto seen = store.FindIdempotencyKey(key);
  if (!seen) return std::nullopt;
  if (seen->first != request)
    return Result<ActionResult>(MakeError(LoanActionRejection::kIdempotencyKeyReused,
                                          "idempotency_key",
                                          "Khóa chống trùng đã dùng cho một yêu cầu khác",
                                          "The idempotency key was used for a different request"));
  return Result<ActionResult>(ParseResultText(seen->second));
}

void Append(std::vector<ledger::Posting>& to, std::vector<ledger::Posting> more) {
  for (auto& p : more) to.push_back(std::move(p));
}

Result<loans::Outcome> ApplyTxn(store::LoanStore& store, loans::Loan& loan,
                                const store::LoanTxn& t) {
  return loans::ApplyAction(loan, store::ActionOf(t), store.Rates(loan.terms.program),
                            store.Holidays());
}

const char* SavingsKindKey(SavingsActionKind kind) {
  switch (kind) {
    case SavingsActionKind::kDeposit:
      return "deposit";
    case SavingsActionKind::kWithdraw:
      return "withdraw";
    case SavingsActionKind::kReverseLast:
      return "reverse";
  }
  return "";
}

Error SavingsBackdated(const savings::Account& account) {
  return MakeError(SavingsActionRejection::kActionBackdated, "date",
                   "Ngày giao dịch trước ngày đã xử lý của tài khoản tiết kiệm (" +
                       account.accrued_to.ToVietnamese() + ")",
                   "The date is before the savings account's processed date (" +
                       account.accrued_to.ToIso() + ")");
}

// The movements of a savings account still in force (not reversed, not
// reversals), in order, leaving out `leave_out` (a movement id, or 0).
std::vector<savings::Movement> MovementsInForce(const std::vector<store::SavingsTxn>& txns,
                                                int64_t leave_out) {
  std::vector<savings::Movement> out;
  for (const auto& t : txns)
    if (t.kind != "reverse" && t.reversed_by == 0 && t.id != leave_out)
      out.push_back({t.kind, t.date, t.amount});
  return out;
}

// What reversing one movement does to a savings account brought to `date`:
// the account as if the movement had never happened, interest included, and
// the postings that take the books there — the difference between replaying
// its movements without the reversed one and with it.
struct SavingsReversal {
  savings::Account account;
  std::vector<ledger::Posting> postings;
};
Result<SavingsReversal> ReverseSavingsMovement(store::LoanStore& store,
                                               const savings::Account& account,
                                               const std::vector<store::SavingsTxn>& txns,
                                               int64_t target_id, Date date) {
  const auto& rates = store.SavingsRates();
  savings::Account with = account;
  auto replay_with = savings::Replay(with, MovementsInForce(txns, 0), date, rates);
  TDCS_CHECK_MSG(replay_with.ok(), "a savings account's movements do not replay");
  SavingsReversal out{account, {}};
  auto replay_without =
      savings::Replay(out.account, MovementsInForce(txns, target_id), date, rates);
  if (!replay_without.ok())
    return MakeError(SavingsActionRejection::kReversalBreaksLater, "amount",
                     "Không hủy được: một giao dịch tiết kiệm sau đó sẽ không còn hợp lệ (" +
                         replay_without.error().message_vi + ")",
                     "Cannot reverse: a later savings movement would no longer hold (" +
                         replay_without.error().message_en + ")");
  std::map<std::string, Money> totals;
  for (const auto& p : replay_without.value().postings) totals[p.account] += p.amount;
  for (const auto& p : replay_with.value().postings) totals[p.account] -= p.amount;
  for (const auto& [code, amount] : totals) {
    if (amount.IsZero()) continue;
    ledger::Posting p;
    p.office_id = account.office_id;
    p.borrower_id = account.borrower_id;
    p.account = code;
    p.amount = amount;
    out.postings.push_back(p);
  }
  return out;
}

// The latest deposit or withdrawal of the account not yet reversed is
// reversed (repayments from savings are reversed with their loan).
Result<ActionResult> ReverseLastSavings(store::LoanStore& store, savings::Account& account,
                                        Date date) {
  const auto txns = store.SavingsTxns(account.id);
  const store::SavingsTxn* target = nullptr;
  for (const auto& t : txns)
    if ((t.kind == "deposit" || t.kind == "withdraw") && t.reversed_by == 0) target = &t;
  if (target == nullptr)
    return MakeError(SavingsActionRejection::kNothingToReverse, "borrower",
                     "Không còn giao dịch gửi hoặc rút tiết kiệm nào để hủy",
                     "There is no deposit or withdrawal left to reverse");
  auto reversal = ReverseSavingsMovement(store, account, txns, target->id, date);
  if (!reversal.ok()) return reversal.error();
  const int64_t entry =
      store.PostEntry(ledger::BuildEntry(date, "reverse", std::move(reversal.value().postings)), 0,
                      0, target->entry_id);
  const int64_t txn =
      store.AddSavingsTxn(account.id, date, "reverse", target->amount, entry, target->id);
  store.MarkSavingsReversed(target->id, txn);
  account = reversal.value().account;
  store.SaveSavings(account);
  return ActionResult{txn, entry, false};
}

// `expected` (not 0): the transaction the reversal must find last, under
// the loan's lock (an approved request's), else REQUEST_STALE.
Result<ActionResult> ReverseLast(store::LoanStore& store, loans::Loan& loan, Date date,
                                 int64_t expected = 0) {
  const auto txns = store.Txns(loan.terms.loan_id);
  const store::LoanTxn* target = nullptr;
  for (const auto& t : txns)
    if (t.kind != "reverse" && t.reversed_by == 0) target = &t;
  if (expected != 0 && (target == nullptr || target->id != expected))
    return MakeError(ApprovalRejection::kRequestStale, "request",
                     "Khoản vay đã có giao dịch khác sau khi lập yêu cầu: hãy từ chối và lập "
                     "yêu cầu mới",
                     "The loan has had another transaction since the request: reject it and "
                     "make a new one");
  if (target == nullptr)
    return MakeError(LoanActionRejection::kNothingToReverse, "loan",
                     "Không còn giao dịch nào để hủy", "There is no transaction left to reverse");
  if (target->kind == "open")
    return MakeError(LoanActionRejection::kReversalNotAllowed, "loan",
                     "Không hủy được số dư chuyển từ hệ thống cũ",
                     "An opening balance cannot be reversed");
  const auto& rates = store.Rates(loan.terms.program);
  // Replay every transaction but the reversed one from the approved loan.
  loans::Loan fresh;
  fresh.terms = loan.terms;
  fresh.terms.borrower_id = store.ApprovedBorrower(loan.terms.loan_id);
  std::vector<loans::RecordedAction> actions;
  for (const auto& t : txns)
    if (t.kind != "reverse" && t.reversed_by == 0 && t.id != target->id)
      actions.push_back(store::ActionOf(t));
  auto replay =
      loans::Replay(fresh, actions, std::max(date, loan.processed_to), rates, store.Holidays());
  if (!replay.ok())
    return MakeError(LoanActionRejection::kReversalBreaksLater, "loan",
                     "Không hủy được: một giao dịch sau đó sẽ không còn hợp lệ (" +
                         replay.error().message_vi + ")",
                     "Cannot reverse: a later transaction would no longer hold (" +
                         replay.error().message_en + ")");
  const std::vector<ledger::Posting>& replayed = replay.value().postings;
  // The reversal entry moves every account of the loan from what was posted to
  // what the replay says.
  std::map<std::string, Money> target_totals;
  for (const auto& p : replayed) target_totals[p.account] += p.amount;
  const auto posted = store.LoanPostingTotals(loan.terms.loan_id);
  std::set<std::string> accounts;
  for (const auto& [a, m] : target_totals) accounts.insert(a);
  for (const auto& [a, m] : posted) accounts.insert(a);
  std::vector<ledger::Posting> delta;
  for (const auto& a : accounts) {
    ledger::Posting p = loans::LoanDimensions(fresh);
    p.account = a;
    const auto before = posted.count(a) ? posted.at(a) : Money::Zero();
    const auto after = target_totals.count(a) ? target_totals.at(a) : Money::Zero();
    p.amount = after - before;
    if (a == ledger::account::kMemberSavings) {
      p.program.clear();
      p.fund_source = 0;
    }
    delta.push_back(p);
  }
  // A repayment from savings: the money goes back to the savings account,
  // which is left as if the repayment had never happened, interest included.
  std::optional<savings::Account> account;
  std::optional<store::SavingsTxn> repayment;
  std::optional<SavingsReversal> savings_reversal;
  if (target->kind == "pay_savings") {
    store.db().LockKey("savings:" + std::to_string(loan.terms.borrower_id));
    account = store.LoadSavings(loan.terms.borrower_id);
    TDCS_CHECK(account.has_value());
    // The account may have moved on (a month's interest credited) since the
    // loan last did: a reversal dated before that would undo the credit.
    if (date < account->accrued_to) return SavingsBackdated(*account);
    const auto txns = store.SavingsTxns(account->id);
    for (const auto& t : txns)
      if (t.kind == "repay" && t.entry_id == target->entry_id && t.reversed_by == 0) repayment = t;
    if (!repayment)
      return MakeError(LoanActionRejection::kReversalNotAllowed, "loan",
                       "Không hủy được: khoản trả nợ từ tiết kiệm này không có trong sổ tiết kiệm",
                       "Cannot reverse: this repayment from savings is not in the savings records");
    batch::AdvanceSavings(store, *account, date);
    store.SaveSavings(*account);
    auto r = ReverseSavingsMovement(store, *account, txns, repayment->id, date);
    if (!r.ok()) return r.error();
    savings_reversal = std::move(r).value();
    Append(delta, savings_reversal->postings);
    for (auto& p : delta)
      if (p.account == ledger::account::kMemberSavings && p.loan_id != 0)
        p.office_id = account->office_id;
  }
  store::LoanTxn reversal;
  reversal.loan_id = loan.terms.loan_id;
  reversal.date = date;
  reversal.kind = "reverse";
  reversal.reverses = target->id;
  ledger::Entry reversal_entry = ledger::BuildEntry(date, "reverse", std::move(delta));
  reversal_entry.undoes = target->kind;
  store.RecordTxn(reversal, reversal_entry, target->entry_id);
  store.MarkReversed(target->id, reversal.id);
  if (savings_reversal) {
    const int64_t txn = store.AddSavingsTxn(account->id, date, "reverse", repayment->amount,
                                            reversal.entry_id, repayment->id);
    store.MarkSavingsReversed(repayment->id, txn);
    store.SaveSavings(savings_reversal->account);
  }
  if (fresh.terms.borrower_id != loan.terms.borrower_id)
    store.SetLoanBorrower(fresh.terms.loan_id, fresh.terms.borrower_id);
  loan = fresh;
  store.UpdateLoan(loan);
  return ActionResult{reversal.id, reversal.entry_id, false};
}

// Months of grace after the study for students' loans: the dated setting
// 'student.grace_after_study_months' in force on `on`, 12 by default.
int GraceAfterStudyMonths(store::Database& db, Date on) {
  const std::string text =
      store::SettingOn(db, "student.grace_after_study_months", on).value_or("12");
  int months = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), months);
  TDCS_CHECK_MSG(error == std::errc() && end == text.data() + text.size() && months >= 0,
                 "the setting student.grace_after_study_months is not a number of months");
  return months;
}

}  // namespace

std::optional<Error> CheckLoanCode(const std::string& code) {
  const bool ok =
      !code.empty() && code.size() <= 32 && std::all_of(code.begin(), code.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
      });
  if (ok) return std::nullopt;
  return MakeError(LoanApplicationRejection::kLoanCodeFormat, "code",
                   "Số khế ước gồm 1–32 ký tự chữ, số, '-' hoặc '_'",
                   "A loan number is 1–32 letters, digits, '-' or '_'");
}

namespace {

// What Approve does with an application: record it only (tdcs loan apply),
// decide one recorded before (tdcs loan approve), or both at once.
enum class Decision { kApplyOnly, kDecideRecorded, kApplyAndDecide };

AuditState ApplicationState(const LoanApplicationRequest& r, const char* status) {
  AuditState s;
  s.Add("status", status)
      .Add("borrower", r.borrower_code)
      .Add("program", r.program)
      .Add("fund_source", static_cast<int64_t>(r.fund_source))
      .Add("amount_dong", r.amount.dong())
      .Add("term_months", static_cast<int64_t>(r.term_months))
      .Add("date", r.date.ToIso());
  return s;
}

Result<int64_t> Approve(store::Database& db, store::Transaction& tx, const Context& context,
                        const LoanApplicationRequest& r, Decision mode = Decision::kApplyAndDecide,
                        int64_t recorded_id = 0) {
  store::NetworkStore network(db);
  store::LoanStore store(db);
  // Two approvals of one loan number, or against one office's capital plan,
  // run one after the other.
  db.LockKey("loan-code:" + r.code);
  auto borrower = network.FindBorrowerIdByCode(r.borrower_code);
  if (!borrower || !ScopeCheck(db, context.actor).Borrower(*borrower, ScopeDate(db, r.date)))
    return Unknown(LoanApplicationRejection::kBorrowerUnknown, "borrower", "Hộ vay", "Borrower",
                   r.borrower_code);
  if (mode != Decision::kDecideRecorded && store.FindLoanId(r.code))
    return MakeError(LoanApplicationRejection::kLoanCodeDuplicate, "code",
                     "Số khế ước '" + r.code + "' đã tồn tại",
                     "Loan number '" + r.code + "' already exists");
  if (auto bad = CheckLoanCode(r.code)) return *bad;
  auto programs = store::ReadPrograms(db);
  auto it = programs.find(r.program);
  if (it == programs.end())
    return Unknown(LoanApplicationRejection::kProgramUnknown, "program", "Chương trình", "Program",
                   r.program);
  const programs::ProgramVersion* version = programs::VersionOn(it->second, r.date);
  if (version == nullptr)
    return MakeError(
        LoanApplicationRejection::kProgramNotInForce, "program",
        "Chương trình " + r.program + " chưa có hiệu lực vào ngày " + r.date.ToVietnamese(),
        "Program " + r.program + " is not in force on " + r.date.ToIso());
  auto placement = network.PlacementOn(*borrower, r.date);
  if (!placement)
    return MakeError(LoanApplicationRejection::kBorrowerNotInGroup, "borrower",
                     "Hộ vay không thuộc tổ TK&VV nào vào ngày " + r.date.ToVietnamese(),
                     "The borrower is in no savings-and-loan group on " + r.date.ToIso());
  // What the loan is to achieve (RULES §9.9): as stated, or the program's own.
  // (The program's own is recorded once unless stated: a water loan that
  // states jobs=2 also builds one work.)
  programs::OutcomeCounts outcomes = programs::DefaultOutcomes(*version);
  for (const auto& [kind, count] : r.outcomes) outcomes[kind] = count;
  for (const auto& [kind, count] : r.outcomes)
    if (auto problem = programs::OutcomeProblem(*version, kind, count))
      return MakeError(LoanApplicationRejection::kOutcomeInvalid, "outcome", problem->first,
                       problem->second);
  loans::Loan loan;
  auto& t = loan.terms;
  t.loan_id = mode == Decision::kDecideRecorded
                  ? recorded_id
                  : store::InRangeOf(*borrower, store.ReserveIds("loan", 1));
  t.borrower_id = *borrower;
  t.office_id = placement->office_id;
  t.program = r.program;
  t.fund_source = r.fund_source;
  t.approved = r.amount;
  t.term_months = r.term_months;
  t.every_months = r.every_months > 0 ? r.every_months : version->installment_months;
  // Students' loans: the limit is per month of study left, and no principal
  // falls due during the study and the grace after it (a dated setting, 12
  // months by default), so the grace is at least that and the term longer.
  const bool per_month_of_study = version->max_amount_basis == "per_month_of_study";
  int study_and_grace = 0;
  if (per_month_of_study && r.study_months > 0)
    study_and_grace = r.study_months + GraceAfterStudyMonths(db, r.date);
  t.grace_months = r.grace_months == 0 ? study_and_grace : r.grace_months;
  t.session_day = placement->session_day;
  t.point_id = placement->point_id;
  t.group_id = placement->group_id;
  t.association = placement->association;
  t.charge_at_month_end = r.charge_at_month_end.value_or(
      store::SettingOn(db, "interest.charge", r.date).value_or("collection") == "month_end");
  if (mode == Decision::kApplyOnly) {
    loan.status = loans::LoanStatus::kApplied;
    store.InsertLoan(
        loan, {r.code, r.date, r.group_reviewed_on, r.commune_certified_on, std::nullopt, ""});
    if (r.study_months > 0) store.SaveStudyMonths(t.loan_id, r.study_months);
    store.SaveOutcomes(t.loan_id, outcomes);
    RecordAudit(db, context, "loan.apply", "loan:" + r.code, {}, ApplicationState(r, "applied"));
    tx.Commit();
    return t.loan_id;
  }

  // The rules of approval, in order; the first broken one is the reason.
  std::optional<Error> reason;
  const Money limit = per_month_of_study
                          ? version->max_amount.MultiplyBy(std::max(0, r.study_months))
                          : version->max_amount;
  const auto categories = network.CategoriesOn(*borrower, r.date).value_or("");
  bool eligible = version->eligible_categories.empty();
  for (const auto& c : version->eligible_categories)
    if ((";" + categories + ";").find(";" + c + ";") != std::string::npos) eligible = true;
  db.LockKey("capital-plan:" + std::to_string(t.office_id) + ":" + r.program + ":" +
             std::to_string(r.date.year()));
  const auto plan = store.CapitalPlan(t.office_id, r.program, r.date.year());
  const std::string months = std::to_string(study_and_grace);
  if (auto bad = CheckAmount(r.amount)) {
    reason = *bad;
  } else if (per_month_of_study && r.study_months < 1) {
    reason = MakeError(LoanApplicationRejection::kStudyMonthsMissing, "study_months",
                       "Đơn vay học sinh sinh viên phải ghi số tháng học còn lại (từ 1 tháng)",
                       "A student loan application must state the months of study left (1 or "
                       "more)");
  } else if (!per_month_of_study && r.study_months != 0) {
    reason = MakeError(LoanApplicationRejection::kStudyMonthsNotApplicable, "study_months",
                       "Số tháng học chỉ áp dụng cho chương trình cho vay học sinh sinh viên",
                       "Months of study apply to students' loans only");
  } else if (r.amount > limit) {
    const std::string basis_vi = per_month_of_study
                                     ? " (" + version->max_amount.ToVietnamese() + " đ × " +
                                           std::to_string(r.study_months) + " tháng học)"
                                     : "";
    const std::string basis_en = per_month_of_study
                                     ? " (" + version->max_amount.ToVietnamese() + " × " +
                                           std::to_string(r.study_months) + " months of study)"
                                     : "";
    reason =
        MakeError(LoanApplicationRejection::kAmountOverLimit, "amount",
                  "Số tiền vượt mức cho vay tối đa " + limit.ToVietnamese() + " đ" + basis_vi,
                  "The amount exceeds the program's limit of " + limit.ToVietnamese() + basis_en);
  } else if (r.term_months < 1 || r.term_months > version->max_term_months) {
    reason =
        MakeError(LoanApplicationRejection::kTermOverLimit, "term_months",
                  "Thời hạn phải từ 1 đến " + std::to_string(version->max_term_months) + " tháng",
                  "The term must be 1 to " + std::to_string(version->max_term_months) + " months");
  } else if (per_month_of_study && r.term_months <= study_and_grace) {
    reason =
        MakeError(LoanApplicationRejection::kTermMonthsTooShort, "term_months",
                  "Thời hạn cho vay phải dài hơn thời gian học và ân hạn (" + months + " tháng)",
                  "The term must be longer than the study and its grace (" + months + " months)");
  } else if (per_month_of_study && t.grace_months < study_and_grace) {
    reason =
        MakeError(LoanApplicationRejection::kGraceMonthsTooShort, "grace_months",
                  "Thời gian ân hạn phải ít nhất bằng thời gian học và ân hạn sau khi ra "
                  "trường (" +
                      months + " tháng)",
                  "The grace must cover the study and the grace after it (" + months + " months)");
  } else if (t.every_months < 1 || t.every_months > r.term_months || t.grace_months < 0 ||
             t.grace_months >= r.term_months) {
    reason = MakeError(LoanApplicationRejection::kScheduleInvalid, "every_months",
                       "Kỳ hạn trả nợ không hợp lệ",
                       "The installment interval or grace period is invalid");
  } else if (std::find(version->fund_sources.begin(), version->fund_sources.end(), r.fund_source) ==
             version->fund_sources.end()) {
    reason = MakeError(LoanApplicationRejection::kFundSourceInvalid, "fund_source",
                       "Nguồn vốn không áp dụng cho chương trình",
                       "The fund source does not fund this program");
  } else if (!eligible) {
    reason = MakeError(LoanApplicationRejection::kNotEligible, "borrower",
                       "Hộ vay không thuộc đối tượng của chương trình " + r.program,
                       "The household is not eligible for program " + r.program);
  } else if (plan &&
             store.ApprovedInYear(t.office_id, r.program, r.date.year()) + r.amount > *plan) {
    reason =
        MakeError(LoanApplicationRejection::kCapitalPlanExceeded, "amount",
                  "Vượt kế hoạch vốn năm " + std::to_string(r.date.year()) + " của phòng giao dịch",
                  "Exceeds the office's capital plan for " + std::to_string(r.date.year()));
  }
  store::LoanApplication application{
      r.code, r.date, r.group_reviewed_on.value_or(r.date), r.commune_certified_on.value_or(r.date),
      r.date, ""};
  if (reason) {
    loan.status = loans::LoanStatus::kRejected;
    application.rejection_reason = reason->code + ": " + reason->message_vi;
  }
  if (mode == Decision::kDecideRecorded) {
    store.RecordDecision(t.loan_id, loan.status, r.date, application.rejection_reason);
  } else {
    store.InsertLoan(loan, application);
    if (!reason) store.SaveOutcomes(t.loan_id, outcomes);
  }
  AuditState after = ApplicationState(r, reason ? "rejected" : "approved");
  if (reason) after.Add("reason", reason->code);
  RecordAudit(db, context,
              mode == Decision::kDecideRecorded ? "loan.decide" : "loan.apply_and_decide",
              "loan:" + r.code, {}, after);
  tx.Commit();  // a rejection is recorded with its reason
  if (reason) return *reason;
  return t.loan_id;
}

}  // namespace

Result<int64_t> ApproveLoan(Connection& connection, const Context& context,
                            const LoanApplicationRequest& r) {
  if (auto denied = Require(context.actor, Permission::kApprove); !denied.ok())
    return denied.error();
  store::Database& db = Db(connection);
  return store::RunTransaction(db,
                               [&](store::Transaction& tx) { return Approve(db, tx, context, r); });
}

Result<int64_t> ApplyForLoan(Connection& connection, const Context& context,
                             const LoanApplicationRequest& r) {
  if (auto denied = Require(context.actor, Permission::kLend); !denied.ok()) return denied.error();
  store::Database& db = Db(connection);
  return store::RunTransaction(db, [&](store::Transaction& tx) {
    return Approve(db, tx, context, r, Decision::kApplyOnly);
  });
}

namespace {

// The decision on a recorded application, in the caller's transaction
// (committed here, a rejection by the rules of approval too).
Result<int64_t> DecideRecorded(store::Database& db, store::Transaction& tx, const Context& context,
                               const LoanDecision& d) {
  {
    store::LoanStore store(db);
    db.LockKey("loan-code:" + d.loan_code);
    auto id = store.FindLoanId(d.loan_code);
    if (!id)
      return Unknown(LoanApplicationRejection::kLoanUnknown, "loan", "Khoản vay", "Loan",
                     d.loan_code);
    store.LockLoan(*id);
    const loans::Loan loan = *store.LoadLoan(*id);
    if (!ScopeCheck(db, context.actor)
             .Borrower(loan.terms.borrower_id, ScopeDate(db, d.date), loan.terms.office_id))
      return Unknown(LoanApplicationRejection::kLoanUnknown, "loan", "Khoản vay", "Loan",
                     d.loan_code);
    if (loan.status != loans::LoanStatus::kApplied)
      return MakeError(LoanApplicationRejection::kApplicationDecided, "loan",
                       "Hồ sơ vay " + d.loan_code + " đã được quyết định (" +
                           std::string(loans::LoanStatusKey(loan.status)) + ")",
                       "Loan application " + d.loan_code + " was already decided (" +
                           std::string(loans::LoanStatusKey(loan.status)) + ")");
    if (!d.approve) {
      if (d.reason.empty() || d.reason.size() > 500)
        return MakeError(LoanApplicationRejection::kRejectionReasonRequired, "reason",
                         "Từ chối cần ghi lý do (tối đa 500 ký tự)",
                         "A rejection needs its reason (at most 500 characters)");
      store.RecordDecision(*id, loans::LoanStatus::kRejected, d.date, "REJECTED: " + d.reason);
      AuditState after;
      after.Add("status", "rejected").Add("reason", d.reason).Add("date", d.date.ToIso());
      RecordAudit(db, context, "loan.decide", "loan:" + d.loan_code,
                  AuditState().Add("status", "applied"), after);
      tx.Commit();
      return *id;
    }
    // The recorded application, decided under the rules in force on the decision date.
    const auto& t = loan.terms;
    if (auto applied = store.AppliedOn(*id); applied && d.date < *applied)
      return MakeError(LoanApplicationRejection::kDecisionBeforeApplication, "date",
                       "Ngày quyết định trước ngày nhận hồ sơ " + applied->ToVietnamese(),
                       "The decision is dated before the application of " + applied->ToIso());
    // The application was made for the borrower's group and office then; if
    // they have moved, the office that decides is another: a new application.
    auto placement = store::NetworkStore(db).PlacementOn(t.borrower_id, d.date);
    if (!placement || placement->office_id != t.office_id ||
        placement->session_day != t.session_day)
      return MakeError(
          LoanApplicationRejection::kApplicationPlacementChanged, "loan",
          "Hộ vay đã chuyển tổ hoặc phòng giao dịch sau khi nộp hồ sơ: hãy lập hồ sơ mới",
          "The borrower moved group or office after applying: make a new application");
    LoanApplicationRequest r;
    r.code = d.loan_code;
    r.borrower_code = store::NetworkStore(db).BorrowerCode(t.borrower_id);
    r.program = t.program;
    r.amount = t.approved;
    r.term_months = t.term_months;
    r.every_months = t.every_months;
    r.grace_months = t.grace_months;
    r.fund_source = t.fund_source;
    r.date = d.date;
    r.charge_at_month_end = t.charge_at_month_end;
    r.study_months = store.StudyMonths(*id);
    return Approve(db, tx, context, r, Decision::kDecideRecorded, *id);
  }
}

// Whether a signed-in user (not the console's operator, not batch work)
// makes the request: only they need a second person.
bool Personal(const Actor& actor) {
  return actor.login != "system" && actor.login.rfind("os:", 0) != 0;
}

// The officer's approval limit on `on` (setting approval.officer_limit).
Money OfficerLimit(store::Database& db, Date on) {
  const auto text = store::SettingOn(db, "approval.officer_limit", on);
  const auto parsed = text ? Money::Parse(*text) : std::nullopt;
  return parsed ? *parsed : Money::Dong(kOfficerLimitDefault);
}

// Who recorded the application (its audit record), if anyone did.
std::optional<std::string> Applicant(store::Database& db, const std::string& code) {
  return store::FirstActor(db, "loan:" + code, "loan.apply");
}

// What a request is about, as the audit trail names it: a loan
// (`loan:CODE`), or a rate change's `program:CODE` or `savings`.
std::string RequestSubject(const std::string& subject) {
  if (subject == "savings" || subject.rfind("program:", 0) == 0) return subject;
  return "loan:" + subject;
}

// A request the maker already made for this (the same Idempotency-Key, or
// one of the kind still open on the loan): its id; REQUEST_PENDING when
// another user's is waiting; IDEMPOTENCY_KEY_REUSED for the key given to
// another request.
Result<std::optional<int64_t>> HeldBefore(store::Database& db, const Context& context,
                                          const std::string& loan_code, const std::string& kind,
                                          const store::PendingRow* asked = nullptr) {
  // One request under a key at a time, whatever loan each names.
  if (!context.idempotency_key.empty())
    db.LockKey("request-key:" + context.actor.login + ":" + context.idempotency_key);
  if (auto same = store::FindRequestByKey(db, context.actor.login, context.idempotency_key)) {
    // The same key with other figures is another request, not a repeat.
    const bool other_figures =
        asked && (same->amount_dong != asked->amount_dong || same->months != asked->months ||
                  same->heir_code != asked->heir_code || same->action_date != asked->action_date);
    if (same->loan_code != loan_code || same->kind != kind || other_figures)
      return MakeError(LoanActionRejection::kIdempotencyKeyReused, "Idempotency-Key",
                       "Khóa này đã dùng cho yêu cầu khác (số " + std::to_string(same->id) + ")",
                       "This key was used for another request (" + std::to_string(same->id) + ")");
    return std::optional<int64_t>(same->id);
  }
  if (auto open = store::FindOpenRequest(db, loan_code, kind)) {
    if (open->maker == context.actor.login) return std::optional<int64_t>(open->id);
    return MakeError(ApprovalRejection::kRequestPending, kind == "rate" ? "program" : "loan",
                     "Đã có yêu cầu số " + std::to_string(open->id) + " của " + open->maker +
                         " chờ phê duyệt cho " + loan_code,
                     "Request " + std::to_string(open->id) + " by " + open->maker +
                         " is already waiting for " + loan_code);
  }
  return std::optional<int64_t>();
}

// Records a request for a checker and its audit record; the caller commits.
int64_t HoldForChecker(store::Database& db, const Context& context, store::PendingRow row,
                       const AuditState& before) {
  row.idempotency_key = context.idempotency_key;
  row.maker = context.actor.login;
  row.maker_role = context.actor.role;
  row.made_at = context.now_micros != 0 ? context.now_micros : SystemClock().NowMicros();
  store::AddPending(db, row);
  AuditState after;
  after.Add("request", row.id)
      .Add("kind", row.kind)
      .Add("date", row.action_date.ToIso())
      .Add("amount_dong", row.amount_dong)
      .Add("status", "pending");
  if (row.months) after.Add("months", row.months);
  if (!row.note.empty()) after.Add("note", row.note);
  RecordAudit(db, context, "approval.request", RequestSubject(row.loan_code), before, after);
  return row.id;
}

}  // namespace

namespace {

// DecideOnLoan; `own_application`: the actor made the application (in this
// transaction, before its audit record is written).
Result<DecisionResult> Decide(Connection& connection, const Context& context, const LoanDecision& d,
                              bool own_application) {
  const bool approves = Allows(context.actor, Permission::kApprove);
  if (!approves && !Allows(context.actor, Permission::kLend))
    return Require(context.actor, Permission::kApprove).error();
  store::Database& db = Db(connection);
  return store::RunTransaction(db, [&](store::Transaction& tx) -> Result<DecisionResult> {
    // An officer approves alone up to their limit; above it, a checker — as
    // for an approver deciding an application they made themselves.
    if (d.approve && Personal(context.actor)) {
      store::LoanStore store(db);
      db.LockKey("loan-code:" + d.loan_code);
      const auto id = store.FindLoanId(d.loan_code);
      const auto facts = id ? ReadLoanFacts(db, *id) : std::nullopt;
      const Date on = ScopeDate(db, d.date);
      const bool decidable =
          facts && facts->status == "applied" && ScopeCheck(db, context.actor).Loan(*facts, on);
      // The limit is the household's: this loan with what it already owes
      // or has been approved, so that one loan split into two under the
      // limit still needs the second person. Decisions on one household's
      // loans are taken one at a time.
      if (decidable) db.LockKey("household:" + std::to_string(facts->borrower_id));
      const int64_t household =
          decidable ? store.HouseholdExposure(facts->borrower_id, *id).dong() : 0;
      const bool above =
          decidable && facts->approved_dong + household > OfficerLimit(db, on).dong();
      if (above &&
          (!approves || own_application || Applicant(db, d.loan_code) == context.actor.login)) {
        auto held = HeldBefore(db, context, d.loan_code, "approve");
        if (!held.ok()) return held.error();
        if (held.value()) return DecisionResult{*id, *held.value()};
        store::PendingRow row;
        row.kind = "approve";
        row.loan_code = d.loan_code;
        row.action_date = d.date;
        row.amount_dong = facts->approved_dong;
        const int64_t pending =
            HoldForChecker(db, context, row,
                           AuditState().Add("status", "applied").Add("household_dong", household));
        tx.Commit();
        return DecisionResult{*id, pending};
      }
    }
    auto decided = DecideRecorded(db, tx, context, d);
    if (!decided.ok()) return decided.error();
    return DecisionResult{decided.value(), 0};
  });
}

}  // namespace

Result<DecisionResult> DecideOnLoan(Connection& connection, const Context& context,
                                    const LoanDecision& d) {
  return Decide(connection, context, d, false);
}

Result<DecisionResult> ApplyAndDecide(Connection& connection, const Context& context,
                                      const LoanApplicationRequest& r) {
  store::Database& db = Db(connection);
  // One transaction: the application and its decision (each a savepoint of
  // it) are recorded together, or not at all — but for a refusal by the
  // rules of approval, recorded with its reason as ApproveLoan records it.
  return store::RunTransaction(db, [&](store::Transaction& tx) -> Result<DecisionResult> {
    // Sent again after its approval was held: the request is the answer.
    if (auto held = store::FindRequestByKey(db, context.actor.login, context.idempotency_key);
        held && held->loan_code == r.code && held->kind == "approve") {
      const auto id = store::LoanStore(db).FindLoanId(r.code);
      return DecisionResult{id.value_or(0), held->id};
    }
    auto applied = ApplyForLoan(connection, context, r);
    if (!applied.ok()) return applied.error();
    auto decided = Decide(connection, context, {r.code, true, r.date, ""}, true);
    if (!decided.ok()) {
      const auto facts = ReadLoanFacts(db, applied.value());
      if (facts && facts->status == "rejected") tx.Commit();
      return decided.error();
    }
    tx.Commit();
    return decided;
  });
}

namespace {

// Cash at a commune point on a day is its session's (RULES §6.3): once the
// session is closed, nothing more moves cash there that day. The point's
// session lock for the day is taken shared (a closing takes it alone, and
// a session's batch before its loans): whether the session is closed. An
// open answer holds to the transaction's end (nobody closes it meanwhile)
// and is asked of the server once.
bool SessionClosedOn(store::Database& db, int64_t point_id, Date date) {
  if (point_id == 0) return false;
  const std::string name = SessionLockName(point_id, date);
  const std::string open = "open " + name;
  if (db.HeldInTransaction(open)) return false;
  db.LockKeyShared(name);
  const auto status = store::SessionStatus(db, point_id, date);
  if (status && *status == "closed") return true;
  db.NoteHeldInTransaction(open);
  return false;
}

template <typename Code>
Error SessionClosedError(Code code, Date date) {
  return MakeError(code, "date",
                   "Phiên giao dịch ngày " + date.ToVietnamese() +
                       " tại điểm của khoản này đã đóng: tiền mặt của ngày đó không nhận thêm "
                       "(ghi vào ngày làm việc sau)",
                   "The session of " + date.ToIso() +
                       " at its commune point is closed: no more cash moves there that day "
                       "(post it on the next business day)");
}

// The loan's transaction a reversal would reverse now (0: none).
int64_t LastUnreversedTxn(store::LoanStore& store, int64_t loan_id) {
  int64_t target = 0;
  for (const auto& t : store.Txns(loan_id))
    if (t.kind != "reverse" && t.reversed_by == 0) target = t.id;
  return target;
}

// Whether reversing the loan's last transaction moves cash: a disbursement
// or a cash payment (not a payment from savings, a freeze, …).
bool LastTxnMovedCash(store::LoanStore& store, int64_t loan_id) {
  const store::LoanTxn* target = nullptr;
  const auto txns = store.Txns(loan_id);
  for (const auto& t : txns)
    if (t.kind != "reverse" && t.reversed_by == 0) target = &t;
  return target != nullptr && (target->kind == LoanActionKey(LoanActionKind::kDisburse) ||
                               target->kind == LoanActionKey(LoanActionKind::kPay));
}

}  // namespace

std::string SessionLockName(int64_t point_id, Date date) {
  return "session:" + std::to_string(point_id) + ":" + date.ToIso();
}

void NoteSessionClosed(store::Database& db, int64_t point_id, Date date) {
  db.ForgetHeldInTransaction("open " + SessionLockName(point_id, date));
}

namespace {

// A loan action inside the caller's transaction; on a rejection nothing was
// written. `session_held`: the caller holds the session's lock alone and
// found it open (a session's own batch).
// `as_locked`, when given, is the loan as stored when its lock was taken
// (before this action; the audit trail's "before"). `expected_txn`: a
// reversal's transaction, checked under the lock (an approved request).
Result<ActionResult> ApplyLoanAction(store::Database& db, store::LoanStore& store,
                                     const std::string& actor, const std::string& key,
                                     const LoanAction& a, bool session_held = false,
                                     loans::Loan* as_locked = nullptr, int64_t expected_txn = 0) {
  const std::string request = RequestText(a);
  const store::LoanStore::IdempotencyKey idempotency{actor, "loan", key};
  if (auto seen = SeenBefore(store, idempotency, request)) return *seen;
  auto loan_id = store.FindLoanId(a.loan_code);
  if (!loan_id)
    return Unknown(LoanActionRejection::kLoanUnknown, "loan", "Khoản vay", "Loan", a.loan_code);
  // Cash moves at the loan's point: its session's lock before the loan's,
  // the order a session's batch takes them in.
  const bool cash =
      !session_held && (a.kind == LoanActionKind::kDisburse || a.kind == LoanActionKind::kPay ||
                        a.kind == LoanActionKind::kReverseLast);
  int64_t point = 0;
  bool closed = false;
  if (cash) {
    point = store.LoanPoint(*loan_id).value_or(0);
    closed = SessionClosedOn(db, point, a.date);
  }
  store.LockLoan(*loan_id);
  auto loaded = store.LoadLoan(*loan_id);
  if (!loaded)
    return Unknown(LoanActionRejection::kLoanUnknown, "loan", "Khoản vay", "Loan", a.loan_code);
  loans::Loan loan = std::move(*loaded);
  if (as_locked != nullptr) *as_locked = loan;
  // (A loan moved to another point meanwhile: that point's session.)
  if (cash && loan.terms.point_id != point)
    closed = SessionClosedOn(db, loan.terms.point_id, a.date);
  // Interest is computed on the program's rates: a rate change waits for
  // this action, and this action for a rate change (RATES_LOCK).
  db.LockKeyShared("program:" + loan.terms.program);
  // The savings account is locked before anything is posted (the journal's
  // head is locked by the first entry), in the order a deposit takes them.
  if (a.kind == LoanActionKind::kPayFromSavings || a.kind == LoanActionKind::kReverseLast)
    db.LockKey("savings:" + std::to_string(loan.terms.borrower_id));
  if (closed &&
      (a.kind != LoanActionKind::kReverseLast || LastTxnMovedCash(store, loan.terms.loan_id)))
    return SessionClosedError(LoanActionRejection::kSessionClosed, a.date);
  if (loan.disbursed_on && a.date < loan.processed_to)
    return MakeError(
        LoanActionRejection::kActionBackdated, "date",
        "Ngày giao dịch trước ngày đã xử lý của khoản vay (" + loan.processed_to.ToVietnamese() +
            ")",
        "The date is before the loan's processed date (" + loan.processed_to.ToIso() + ")");
  // Events dated up to the action take effect first; when they moved money
  // they are saved at once, so that a rejected action in a batch leaves the
  // loan and its postings in step.
  if (loan.disbursed_on && batch::AdvanceLoan(store, loan, a.date)) store.UpdateLoan(loan);
  ActionResult result;
  if (a.kind == LoanActionKind::kReverseLast) {
    auto r = ReverseLast(store, loan, a.date, expected_txn);
    if (!r.ok()) return r.error();
    result = r.value();
  } else {
    store::LoanTxn txn;
    txn.loan_id = loan.terms.loan_id;
    txn.date = a.date;
    txn.kind = LoanActionKey(a.kind);
    txn.amount = a.amount;
    txn.months = a.months;
    if (a.kind == LoanActionKind::kDisburse && a.amount.IsZero())
      txn.amount = loan.terms.approved - loan.disbursed;
    if (a.kind == LoanActionKind::kInherit) {
      auto heir = store::NetworkStore(db).FindBorrowerIdByCode(a.heir_code);
      if (!heir)
        return Unknown(LoanActionRejection::kBorrowerUnknown, "heir", "Người thừa kế", "Heir",
                       a.heir_code);
      txn.party_id = *heir;
    }
    std::vector<ledger::Posting> postings;
    std::optional<savings::Account> account;
    if (a.kind == LoanActionKind::kPayFromSavings) {
      db.LockKey("savings:" + std::to_string(loan.terms.borrower_id));
      account = store.LoadSavings(loan.terms.borrower_id);
      if (!account)
        return MakeError(LoanActionRejection::kSavingsInsufficient, "amount",
                         "Hộ vay chưa có tài khoản tiết kiệm",
                         "The borrower has no savings account");
      if (a.date < account->accrued_to) return SavingsBackdated(*account);
      // Credits due by the date are posted and saved at once (like the loan's
      // events), so that a rejection below leaves the account in step.
      batch::AdvanceSavings(store, *account, a.date);
      store.SaveSavings(*account);
      auto taken = savings::Repay(*account, txn.amount, a.date, store.SavingsRates());
      if (!taken.ok()) return taken.error();
      Append(postings, std::move(taken).value().postings);  // interest, if it closes the account
    }
    auto outcome = ApplyTxn(store, loan, txn);
    if (!outcome.ok()) return outcome.error();
    // The savings leg belongs to the savings account's office.
    if (account)
      for (auto& p : outcome.value().postings)
        if (p.account == ledger::account::kMemberSavings) p.office_id = account->office_id;
    Append(postings, std::move(outcome).value().postings);
    store.RecordTxn(txn, ledger::BuildEntry(a.date, txn.kind, std::move(postings)));
    if (account) {
      store.SaveSavings(*account);
      store.AddSavingsTxn(account->id, a.date, "repay", txn.amount, txn.entry_id);
    }
    store.UpdateLoan(loan);
    if (a.kind == LoanActionKind::kInherit) store.SetLoanBorrower(loan.terms.loan_id, txn.party_id);
    result = ActionResult{txn.id, txn.entry_id, false};
  }
  if (!key.empty()) store.SaveIdempotencyKey(idempotency, request, ResultText(result));
  return result;
}

// Locks, before any line runs, every idempotency key, then (unless the
// caller holds its session) the session of every point the batch's loans are
// held at, shared, and then every loan, each in one order (keys, points and
// loans by id): two batches, or a batch and a session's own batch, over the
// same loans wait for each other instead of deadlocking. Then reads the
// batch's loans and keys ahead, a few queries for the whole batch.
void LockBatch(store::Database& db, store::LoanStore& store, const std::string& actor,
               const std::vector<Collection>& lines, Date date, bool session_held) {
  std::set<std::string> lock_names;
  std::vector<store::LoanStore::IdempotencyKey> keys;
  std::vector<std::string> codes;
  for (const auto& line : lines) {
    codes.push_back(line.loan_code);
    if (line.idempotency_key.empty()) continue;
    store::LoanStore::IdempotencyKey key{actor, "loan", line.idempotency_key};
    if (lock_names.insert(store::LoanStore::IdempotencyLockName(key)).second)
      keys.push_back(std::move(key));
  }
  std::vector<int64_t> loans = store.FindLoanIds(codes);
  std::sort(loans.begin(), loans.end());
  for (const auto& name : lock_names) db.LockKey(name);
  if (!session_held) {
    std::set<int64_t> points;
    for (const auto& [loan, point] : store.LoanPoints(loans)) points.insert(point);
    for (int64_t point : points) SessionClosedOn(db, point, date);  // (the answer is kept)
  }
  store.LockLoans(loans);
  store.ReadAheadIdempotencyKeys(keys);
  store.ReadAheadLoans(loans);
}

AuditState LoanState(const loans::Loan& loan) {
  AuditState s;
  s.Add("status", loans::LoanStatusKey(loan.status))
      .Add("disbursed_dong", loan.disbursed.dong())
      .Add("normal_dong", loan.normal.dong())
      .Add("overdue_dong", loan.overdue.dong())
      .Add("frozen_dong", loan.frozen.dong())
      .Add("interest_unpaid_dong", loan.interest_unpaid.dong());
  return s;
}

}  // namespace

Result<ActionResult> ActOnLoan(Connection& connection, const Context& context,
                               const LoanAction& a) {
  if (auto denied = Require(context.actor, Permission::kLend); !denied.ok()) return denied.error();
  store::Database& db = Db(connection);
  return store::RunTransaction(db, [&](store::Transaction& tx) -> Result<ActionResult> {
    store::LoanStore store(db);
    // The area by the loan's borrower where they are now (no LoadLoan before
    // the action's lock: a write's first load is the reports' baseline).
    const auto id = store.FindLoanId(a.loan_code);
    std::optional<LoanFacts> facts = id ? ReadLoanFacts(db, *id) : std::nullopt;
    ScopeCheck scope(db, context.actor);
    const Date scope_on = ScopeDate(db, a.date);
    if (facts && !scope.Loan(*facts, scope_on))
      return Unknown(LoanActionRejection::kLoanUnknown, "loan", "Khoản vay", "Loan", a.loan_code);
    if (a.kind == LoanActionKind::kInherit && !a.heir_code.empty()) {
      const auto heir = store::NetworkStore(db).FindBorrowerIdByCode(a.heir_code);
      if (heir && !scope.Borrower(*heir, scope_on))
        return Unknown(LoanActionRejection::kBorrowerUnknown, "heir", "Người thừa kế", "Heir",
                       a.heir_code);
    }
    // A write-off, a freeze, a reversal made by a signed-in user waits for a
    // second person (app/approvals.h); sent again, the request still open is
    // the answer.
    if (facts && Personal(context.actor) &&
        (a.kind == LoanActionKind::kWriteOff || a.kind == LoanActionKind::kFreeze ||
         a.kind == LoanActionKind::kReverseLast)) {
      const std::string kind = LoanActionKey(a.kind);
      db.LockKey("loan-code:" + a.loan_code);
      store::PendingRow row;
      row.kind = kind;
      row.loan_code = a.loan_code;
      row.action_date = a.date;
      row.amount_dong = a.amount.dong();
      row.months = a.months;
      row.heir_code = a.heir_code;
      auto held = HeldBefore(db, context, a.loan_code, kind, &row);
      if (!held.ok()) return held.error();
      if (held.value()) {
        const auto request = store::FindPending(db, *held.value());
        return ActionResult{0, 0, true, *held.value(), request ? request->status : "pending"};
      }
      if (a.kind == LoanActionKind::kReverseLast) {
        row.target_txn_id = LastUnreversedTxn(store, *id);
        if (row.target_txn_id == 0)
          return MakeError(LoanActionRejection::kNothingToReverse, "loan",
                           "Không còn giao dịch nào để hủy",
                           "There is no transaction left to reverse");
      }
      const int64_t pending =
          HoldForChecker(db, context, row, AuditState().Add("status", facts->status));
      tx.Commit();
      return ActionResult{0, 0, false, pending};
    }
    loans::Loan before;
    auto result =
        ApplyLoanAction(db, store, context.actor.login, context.idempotency_key, a, false, &before);
    if (!result.ok()) return result;
    if (id && !result.value().repeated) {
      AuditState after = LoanState(*store.LoadLoan(*id));
      after.Add("date", a.date.ToIso())
          .Add("amount_dong", a.amount.dong())
          .Add("txn_id", result.value().txn_id)
          .Add("entry_id", result.value().entry_id);
      if (a.months) after.Add("months", static_cast<int64_t>(a.months));
      if (!a.heir_code.empty()) after.Add("heir", a.heir_code);
      RecordAudit(db, context, std::string("loan.") + LoanActionKey(a.kind), "loan:" + a.loan_code,
                  LoanState(before), after);
    }
    tx.Commit();
    return result;
  });
}

Result<ActionPreview> PreviewLoanAction(Connection& connection, const Context& context,
                                        const LoanAction& a) {
  if (auto denied = Require(context.actor, Permission::kLend); !denied.ok()) return denied.error();
  store::Database& db = Db(connection);
  store::Transaction rolled_back(db);  // never committed
  store::LoanStore store(db);
  // The loan's entries before; what is new after the action is what it
  // wrote (entry ids are not in order across connections: blocks per branch
  // on PostgreSQL). No lock is taken ahead of the action's own, in their
  // order: another action on the loan committed in between would show in
  // the preview too — it is a preview, and nothing of it stays.
  const auto id = store.FindLoanId(a.loan_code);
  const std::vector<int64_t> before = id ? store.EntryIdsOfLoan(*id) : std::vector<int64_t>{};
  Context run = context;
  run.idempotency_key.clear();  // never answered from an earlier request
  run.audit = false;
  auto result = ActOnLoan(connection, run, a);
  if (!result.ok()) return result.error();
  ActionPreview preview;
  if (result.value().pending_request != 0) {
    // The area and the action's rules were checked; as the checker's
    // approval posts it (the same role and area, not held).
    preview.held = true;
    run.actor.login = "system";
    auto approved = ActOnLoan(connection, run, a);
    if (!approved.ok()) return approved.error();
  }
  if (id) preview.postings = store.PostingsOfNewEntries(*id, before);
  return preview;
}

CollectionReport PostCollections(Connection& connection, const Context& context, Date date,
                                 const std::vector<Collection>& lines) {
  if (lines.size() > kCollectionLinesMax) {
    CollectionReport report;
    report.rejected.push_back({0, MakeError(LoanActionRejection::kCollectionTooLarge, "lines",
                                            "Một phiên giao dịch tối đa 20.000 dòng",
                                            "A session posts at most 20,000 lines")});
    return report;
  }
  store::Database& db = Db(connection);
  return store::RunTransaction(db, [&](store::Transaction& tx) {
    CollectionReport report;
    store::LoanStore store(db);
    LockBatch(db, store, context.actor.login, lines, date, false);
    store.DeferBalances();
    for (size_t i = 0; i < lines.size(); ++i) {
      LoanAction a;
      a.kind = LoanActionKind::kPay;
      a.loan_code = lines[i].loan_code;
      a.amount = lines[i].amount;
      a.date = date;
      auto r = ApplyLoanAction(db, store, context.actor.login, lines[i].idempotency_key, a);
      if (r.ok()) {
        ++report.posted;
        report.amount += lines[i].amount;
      } else {
        report.rejected.push_back({static_cast<int>(i + 1), r.error()});
      }
    }
    store.FlushBalances();
    tx.Commit();
    return report;
  });
}

namespace {

// `session_held`: as for ApplyLoanAction.
Result<ActionResult> ApplySavingsAction(store::Database& db, store::Transaction& tx,
                                        const Context& context, const SavingsAction& a,
                                        bool session_held = false) {
  const SavingsActionKind kind = a.kind;
  const Money amount = a.amount;
  const Date date = a.date;
  store::LoanStore store(db);
  const char* kind_key = SavingsKindKey(kind);
  const std::string request = CanonicalRequest()
                                  .Add("kind", kind_key)
                                  .Add("borrower", a.borrower_code)
                                  .Add("date", date.ToIso())
                                  .Add("amount_dong", amount.dong())
                                  .text();
  const store::LoanStore::IdempotencyKey idempotency{context.actor.login, "savings",
                                                     context.idempotency_key};
  if (auto seen = SeenBefore(store, idempotency, request)) return *seen;
  store::NetworkStore network(db);
  auto borrower = network.FindBorrowerIdByCode(a.borrower_code);
  if (!borrower || !ScopeCheck(db, context.actor).Borrower(*borrower, ScopeDate(db, date)))
    return Unknown(SavingsActionRejection::kBorrowerUnknown, "borrower", "Hộ vay", "Borrower",
                   a.borrower_code);
  // Savings move cash at the member's point: its session's lock first (the
  // order a session's batch takes them in), then the account's.
  const auto placement = network.PlacementOn(*borrower, date);
  if (!session_held && placement && SessionClosedOn(db, placement->point_id, date))
    return SessionClosedError(SavingsActionRejection::kSessionClosed, date);
  db.LockKey("savings:" + std::to_string(*borrower));
  db.LockKeyShared("savings-rate");
  auto account = store.LoadSavings(*borrower);
  if (!account && kind == SavingsActionKind::kReverseLast)
    return MakeError(SavingsActionRejection::kNothingToReverse, "borrower",
                     "Hộ vay chưa có tài khoản tiết kiệm", "The borrower has no savings account");
  if (!account) {
    if (!placement)
      return MakeError(SavingsActionRejection::kBorrowerNotInGroup, "borrower",
                       "Hộ vay không thuộc tổ TK&VV nào vào ngày " + date.ToVietnamese(),
                       "The borrower is in no savings-and-loan group on " + date.ToIso());
    account = savings::Account{};
    account->borrower_id = *borrower;
    account->office_id = placement->office_id;
    account->accrued_to = date;
  } else {
    if (date < account->accrued_to) return SavingsBackdated(*account);
    batch::AdvanceSavings(store, *account, date);  // the month's credits first
  }
  const int64_t balance_before = account->balance.dong();
  ActionResult result;
  if (kind == SavingsActionKind::kReverseLast) {
    auto r = ReverseLastSavings(store, *account, date);
    if (!r.ok()) return r.error();
    result = r.value();
  } else {
    const auto& rates = store.SavingsRates();
    auto outcome = kind == SavingsActionKind::kDeposit
                       ? savings::Deposit(*account, amount, date, rates)
                       : savings::Withdraw(*account, amount, date, rates);
    if (!outcome.ok()) return outcome.error();
    store.SaveSavings(*account);
    // The entry names its savings transaction, as loan entries name theirs.
    const int64_t txn = store::InRangeOf(account->id, store.ReserveIds("savings_txn", 1));
    const int64_t entry = store.PostEntry(
        ledger::BuildEntry(date, kind_key, std::move(outcome).value().postings), 0, txn);
    store.AddSavingsTxn(account->id, date, kind_key, amount, entry, 0, txn);
    result = ActionResult{txn, entry, false};
  }
  if (!idempotency.key.empty()) store.SaveIdempotencyKey(idempotency, request, ResultText(result));
  // A session's lines are not recorded one by one (RULES §15: sessions'
  // batches get their record with their route).
  if (!session_held)
    RecordAudit(db, context, std::string("savings.") + kind_key, "borrower:" + a.borrower_code,
                AuditState().Add("balance_dong", balance_before),
                AuditState()
                    .Add("balance_dong", store.LoadSavings(*borrower)->balance.dong())
                    .Add("date", date.ToIso())
                    .Add("amount_dong", amount.dong())
                    .Add("txn_id", result.txn_id)
                    .Add("entry_id", result.entry_id));
  tx.Commit();
  return result;
}

}  // namespace

std::vector<RowError> ApplySessionLines(store::Database& db, const Context& context, Date date,
                                        const std::vector<SessionLineToApply>& lines) {
  std::vector<RowError> errors;
  store::LoanStore store(db);
  std::vector<Collection> loans;
  for (const auto& l : lines)
    if (!l.loan_code.empty() && l.loan_paid.dong() > 0) loans.push_back({l.loan_code, {}, ""});
  LockBatch(db, store, context.actor.login, loans, date, true);
  store.DeferBalances();
  // Then every saver's savings, by ascending id, before the first entry
  // takes the journal's head (the order of a loan action's locks).
  std::vector<std::string> savers;
  for (const auto& l : lines)
    if (l.savings_paid.dong() > 0) savers.push_back(l.borrower_code);
  std::vector<int64_t> saver_ids;
  for (const auto& [code, id] : store::NetworkStore(db).FindBorrowerIdsByCode(savers))
    saver_ids.push_back(id);
  std::sort(saver_ids.begin(), saver_ids.end());
  for (int64_t id : saver_ids) db.LockKey("savings:" + std::to_string(id));
  Context quiet = context;
  quiet.idempotency_key.clear();  // the batch has its key; its lines have none
  for (const auto& l : lines) {
    if (!l.loan_code.empty() && l.loan_paid.dong() > 0) {
      LoanAction a;
      a.kind = LoanActionKind::kPay;
      a.loan_code = l.loan_code;
      a.amount = l.loan_paid;
      a.date = date;
      auto r = ApplyLoanAction(db, store, context.actor.login, "", a, true);
      if (!r.ok()) errors.push_back({l.line, r.error()});
    }
  }
  // The payments' balances and the journal's head written once. Then the
  // deposits: each is written by a store of its own, which reads the
  // journal's head as the payments left it (one store's cached head would
  // not know of another's entries).
  store.FlushBalances();
  for (const auto& l : lines) {
    if (l.savings_paid.dong() > 0) {
      SavingsAction a;
      a.kind = SavingsActionKind::kDeposit;
      a.borrower_code = l.borrower_code;
      a.amount = l.savings_paid;
      a.date = date;
      store::Transaction deposit(db);  // a savepoint: a refused deposit leaves nothing
      auto r = ApplySavingsAction(db, deposit, quiet, a, true);
      if (!r.ok()) errors.push_back({l.line, r.error()});
    }
  }
  return errors;
}

Result<ActionResult> ActOnSavings(Connection& connection, const Context& context,
                                  const SavingsAction& action) {
  if (auto denied = Require(context.actor, Permission::kLend); !denied.ok()) return denied.error();
  store::Database& db = Db(connection);
  return store::RunTransaction(
      db, [&](store::Transaction& tx) { return ApplySavingsAction(db, tx, context, action); });
}

namespace {

// The loan as of `on` (see ViewLoan), or the rejection of a replay that no
// longer holds.
Result<loans::Loan> ReplayedTo(store::LoanStore& store, int64_t loan_id, Date on) {
  loans::Loan loan = *store.LoadLoan(loan_id);
  const auto& rates = store.Rates(loan.terms.program);
  if (!loan.disbursed_on) return loan;
  if (on >= loan.processed_to) {
    loans::Advance(loan, on, rates);
    return loan;
  }
  const auto txns = store.Txns(loan_id);
  std::map<int64_t, Date> reversal_dates;
  for (const auto& t : txns)
    if (t.kind == "reverse") reversal_dates[t.id] = t.date;
  loans::Loan fresh;
  fresh.terms = loan.terms;
  fresh.terms.borrower_id = store.ApprovedBorrower(loan_id);
  std::vector<loans::RecordedAction> actions;
  for (const auto& t : txns) {
    if (t.kind == "reverse" || t.date > on) continue;
    const auto reversed = reversal_dates.find(t.reversed_by);
    if (t.reversed_by != 0 && reversed != reversal_dates.end() && reversed->second <= on) continue;
    actions.push_back(store::ActionOf(t));
  }
  if (actions.empty()) {
    fresh.status = loans::LoanStatus::kApproved;
    return fresh;
  }
  auto replay = loans::Replay(fresh, actions, on, rates, store.Holidays());
  if (!replay.ok()) return replay.error();
  return fresh;
}

}  // namespace

Result<loans::Loan> LoanAsOf(store::LoanStore& store, int64_t loan_id, Date on) {
  if (auto applied = store.AppliedOn(loan_id); applied && on < *applied)
    return MakeError(LoanViewRejection::kLoanNotYetApplied, "on",
                     "Ngày " + on.ToVietnamese() + " khoản vay chưa có hồ sơ (nộp ngày " +
                         applied->ToVietnamese() + ")",
                     "On " + on.ToIso() + " the loan had not been applied for (applied on " +
                         applied->ToIso() + ")");
  // A loan taken over from another system has no history here before its
  // opening balance.
  for (const auto& t : store.Txns(loan_id))
    if (t.kind == "open" && on < t.date)
      return MakeError(LoanViewRejection::kLoanNotYetTakenOver, "on",
                       "Khoản vay được chuyển sang TDCS ngày " + t.date.ToVietnamese() +
                           ": chưa có số liệu trước ngày đó",
                       "The loan was taken over on " + t.date.ToIso() +
                           ": TDCS holds nothing of it before that day");
  auto loan = ReplayedTo(store, loan_id, on);
  if (loan.ok())
    if (auto decided = store.DecidedOn(loan_id); decided && on < *decided)
      loan.value().status = loans::LoanStatus::kApplied;
  return loan;
}

namespace {

LoanView ViewOf(store::Database& db, store::LoanStore& store, const std::string& code,
                const loans::Loan& loan, Date on) {
  const auto& rates = store.Rates(loan.terms.program);
  LoanView v;
  v.code = code;
  v.status = std::string(loans::LoanStatusKey(loan.status));
  v.borrower_code = store::NetworkStore(db).BorrowerCode(loan.terms.borrower_id);
  v.principal = loan.Principal();
  v.overdue = loan.overdue;
  v.frozen = loan.frozen;
  v.principal_due = loans::PrincipalDue(loan);
  v.interest_due = loan.disbursed_on ? loans::InterestDue(loan, on, rates) : Money::Zero();
  v.next_due = loans::NextDueDate(loan);
  return v;
}

const char* InstallmentStateKey(loans::InstallmentState s) {
  switch (s) {
    case loans::InstallmentState::kFuture:
      return "future";
    case loans::InstallmentState::kDue:
      return "due";
    case loans::InstallmentState::kOverdue:
      return "overdue";
    case loans::InstallmentState::kPaid:
      return "paid";
  }
  return "";
}

}  // namespace

std::map<int64_t, SessionDue> SessionDuesOnBusinessDate(store::Database& db,
                                                        const std::vector<int64_t>& loan_ids,
                                                        Date date) {
  store::LoanStore store(db);
  std::map<int64_t, SessionDue> out;
  for (auto& loan : store.LoadLoans(loan_ids)) {
    const auto& rates = store.Rates(loan.terms.program);
    loans::Advance(loan, date, rates);
    SessionDue d;
    d.principal = loan.Principal();
    d.overdue = loan.overdue;
    d.principal_due = loans::PrincipalDue(loan);
    d.interest_due = loan.disbursed_on ? loans::InterestDue(loan, date, rates) : Money::Zero();
    out.emplace(loan.terms.loan_id, d);
  }
  return out;
}

namespace {

// The loan of `code` when it exists and lies in the actor's area (the
// borrower's group on `on`, or the loan's office): else nothing, as for a
// loan that does not exist.
std::optional<int64_t> LoanInScope(store::Database& db, store::LoanStore& store,
                                   const Context& context, const std::string& code, Date on) {
  auto id = store.FindLoanId(code);
  if (!id) return std::nullopt;
  ScopeCheck scope(db, context.actor);
  if (scope.national()) return id;
  const auto facts = ReadLoanFacts(db, *id);
  if (!facts || !scope.Loan(*facts, ScopeDate(db, on))) return std::nullopt;
  return id;
}

// The borrower of `code` when it exists and lies in the actor's area (where
// they are now: ScopeDate).
std::optional<int64_t> BorrowerInScope(store::Database& db, const Context& context,
                                       const std::string& code, Date on) {
  auto id = store::NetworkStore(db).FindBorrowerIdByCode(code);
  if (!id || !ScopeCheck(db, context.actor).Borrower(*id, ScopeDate(db, on))) return std::nullopt;
  return id;
}

}  // namespace

Result<LoanView> ViewLoan(Connection& connection, const Context& context,
                          const std::string& loan_code, Date on) {
  store::Database& db = Db(connection);
  store::LoanStore store(db);
  auto id = LoanInScope(db, store, context, loan_code, on);
  if (!id) return Unknown(LoanViewRejection::kLoanUnknown, "loan", "Khoản vay", "Loan", loan_code);
  auto loan = LoanAsOf(store, *id, on);
  if (!loan.ok()) return loan.error();
  return ViewOf(db, store, loan_code, loan.value(), on);
}

Result<std::vector<UpcomingInstallment>> UpcomingInstallments(Connection& connection,
                                                              const Context& context,
                                                              const std::string& loan_code,
                                                              Date from, Date to) {
  store::Database& db = Db(connection);
  store::LoanStore store(db);
  auto id = LoanInScope(db, store, context, loan_code, from);
  if (!id) return Unknown(LoanViewRejection::kLoanUnknown, "loan", "Khoản vay", "Loan", loan_code);
  auto loan = LoanAsOf(store, *id, from);
  if (!loan.ok()) return loan.error();
  std::vector<UpcomingInstallment> out;
  loans::Loan ahead = loan.value();
  // (A freeze that ends before `to` moves its installments after its end.)
  if (ahead.status != loans::LoanStatus::kActive) return out;
  const auto& rates = store.Rates(ahead.terms.program);
  loans::Advance(ahead, to, rates);
  for (const auto& i : ahead.installments)
    if (i.due > from && i.due <= to && i.shares > 0 && !i.amount.IsZero())
      out.push_back({i.due, i.amount});
  return out;
}

Result<LoanDetails> ShowLoan(Connection& connection, const Context& context,
                             const std::string& loan_code, Date on) {
  store::Database& db = Db(connection);
  // One snapshot: the loan and its transactions as of one moment.
  store::ReadTransaction snapshot(db);
  store::LoanStore store(db);
  auto id = LoanInScope(db, store, context, loan_code, on);
  if (!id) return Unknown(LoanViewRejection::kLoanUnknown, "loan", "Khoản vay", "Loan", loan_code);
  auto as_of = LoanAsOf(store, *id, on);
  if (!as_of.ok()) return as_of.error();
  const loans::Loan& loan = as_of.value();
  LoanDetails d;
  d.view = ViewOf(db, store, loan_code, loan, on);
  const auto& t = loan.terms;
  d.program = t.program;
  d.fund_source = t.fund_source;
  d.approved = t.approved;
  d.disbursed = loan.disbursed;
  d.interest_unpaid = loan.interest_unpaid;
  d.term_months = t.term_months;
  d.every_months = t.every_months;
  d.grace_months = t.grace_months;
  d.session_day = t.session_day;
  d.disbursed_on = loan.disbursed_on;
  if (loan.disbursed_on) d.maturity = loan.Maturity();
  d.on = on;
  for (const auto& i : loan.installments)
    d.schedule.push_back({i.due, i.shares, i.amount, i.paid, InstallmentStateKey(i.state)});
  // As of `on`: a reversal dated later had not happened yet.
  MovementsAsOf(store.Txns(*id), on, [&](const store::LoanTxn& x, int64_t reversed_by) {
    d.transactions.push_back(
        {x.id, x.date, x.kind, x.amount, x.months, x.entry_id, x.reverses, reversed_by});
    return true;
  });
  return d;
}

Result<std::vector<LoanListItem>> ListLoans(Connection& connection, const Context& context,
                                            const LoanListFilter& f) {
  store::Database& db = Db(connection);
  const int given = !f.borrower_code.empty() + !f.group_code.empty() + !f.office_code.empty();
  if (given != 1)
    return MakeError(LoanViewRejection::kLoanFilterRequired, "filter",
                     "Cần đúng một điều kiện: hộ vay, tổ hoặc phòng giao dịch",
                     "Give exactly one of borrower, group or office");
  if (!f.status.empty() && !loans::ParseLoanStatus(f.status))
    return MakeError(LoanViewRejection::kLoanStatusUnknown, "status",
                     "Trạng thái khoản vay không có: " + f.status +
                         " (applied, approved, active, settled, written_off, rejected)",
                     "No such loan status: " + f.status +
                         " (applied, approved, active, settled, written_off, rejected)");
  store::LoanStore store(db);
  store::LoanStore::LoanFilter filter;
  filter.status = f.status;
  ScopeCheck scope(db, context.actor);
  const Date today = context.on ? *context.on : store.BusinessDate().value_or(Date());
  if (!f.borrower_code.empty()) {
    auto id = BorrowerInScope(db, context, f.borrower_code, today);
    if (!id)
      return Unknown(LoanViewRejection::kBorrowerUnknown, "borrower", "Hộ vay", "Borrower",
                     f.borrower_code);
    filter.borrower_id = *id;
  } else if (!f.group_code.empty()) {
    auto unit = store::NetworkStore(db).FindUnit("savings_group", f.group_code);
    const Date on = unit && unit->period.Contains(today) ? today : unit ? unit->period.from : today;
    if (!unit || !scope.Group(unit->id, on))
      return Unknown(LoanViewRejection::kGroupUnknown, "group", "Tổ", "Group", f.group_code);
    filter.group_id = unit->id;
    filter.on = on;
  } else {
    auto unit = store::NetworkStore(db).FindUnit("office", f.office_code);
    if (!unit || !scope.Office(unit->id, unit->period.Contains(today) ? today : unit->period.from))
      return Unknown(LoanViewRejection::kOfficeUnknown, "office", "Phòng giao dịch", "Office",
                     f.office_code);
    filter.office_id = unit->id;
  }
  std::vector<LoanListItem> out;
  for (const auto& row : store.ListLoans(filter, std::clamp(f.limit, 1, 5000)))
    out.push_back(
        {row.code, row.borrower_code, row.program, row.status, row.approved, row.principal});
  return out;
}

Result<Money> SavingsBalance(Connection& connection, const Context& context,
                             const std::string& borrower_code, Date on) {
  store::Database& db = Db(connection);
  auto borrower = BorrowerInScope(db, context, borrower_code, on);
  if (!borrower)
    return Unknown(LoanViewRejection::kBorrowerUnknown, "borrower", "Hộ vay", "Borrower",
                   borrower_code);
  store::LoanStore store(db);
  auto account = store.LoadSavings(*borrower);
  if (!account) return Money::Zero();
  return savings::BalanceOn(*account, on, store.SavingsRates());
}

Result<Money> SavingsCredited(Connection& connection, const Context& context,
                              const std::string& borrower_code, Date on) {
  store::Database& db = Db(connection);
  auto borrower = BorrowerInScope(db, context, borrower_code, on);
  if (!borrower)
    return Unknown(LoanViewRejection::kBorrowerUnknown, "borrower", "Hộ vay", "Borrower",
                   borrower_code);
  store::LoanStore store(db);
  auto account = store.LoadSavings(*borrower);
  if (!account) return Money::Zero();
  return savings::CreditedOn(*account, on, store.SavingsRates());
}

namespace {

// Saves a new version of `program` from `from`: the version in force then,
// changed by `change` (a rate, a limit), inside the caller's transaction.
Status SaveProgramChange(store::Database& db, const std::string& program, Date from,
                         const std::function<void(programs::ProgramVersion&)>& change) {
  auto programs = store::ReadPrograms(db);
  auto it = programs.find(program);
  if (it == programs.end())
    return Unknown(ProgramChangeRejection::kProgramUnknown, "program", "Chương trình", "Program",
                   program);
  const programs::ProgramVersion* base = programs::VersionOn(it->second, from);
  if (base == nullptr) base = &it->second.front();
  programs::ProgramVersion v = *base;
  v.valid_from = from;
  change(v);
  store::SaveProgramVersions(db, {v});
  return Status::Ok();
}

}  // namespace

Status SetProgramLimit(Connection& connection, const Context& context, const std::string& program,
                       Date from, Money max_amount) {
  if (auto denied = Require(context.actor, Permission::kSettings); !denied.ok())
    return denied.error();
  store::Database& db = Db(connection);
  store::Transaction tx(db);
  db.LockKey("program:" + program);
  if (auto bad = CheckAmount(max_amount, "max_amount")) return *bad;
  auto saved = SaveProgramChange(db, program, from, [&](programs::ProgramVersion& v) {
    v.max_amount = max_amount;
    v.note = "limit change";
  });
  if (!saved.ok()) return saved;
  RecordAudit(db, context, "program.limit", "program:" + program, {},
              AuditState().Add("from", from.ToIso()).Add("max_amount_dong", max_amount.dong()));
  tx.Commit();
  return saved;
}

std::optional<Date> BusinessDate(Connection& connection) {
  return store::LoanStore(Db(connection)).BusinessDate();
}

Status SetProgramRate(Connection& connection, const Context& context, const std::string& program,
                      Date from, Rate rate) {
  if (auto denied = Require(context.actor, Permission::kSettings); !denied.ok())
    return denied.error();
  store::Database& db = Db(connection);
  store::Transaction tx(db);
  db.LockKey("program:" + program);
  // Nor before a day some loan of the program has already accrued interest
  // for (an end of day or a payment dated after the business date).
  if (auto accrued = store::LoanStore(db).MaxAccruedTo(program); accrued && from < *accrued)
    return MakeError(ProgramChangeRejection::kRateChangeBackdated, "from",
                     "Ngày hiệu lực lãi suất " + from.ToVietnamese() +
                         " trước ngày đã tính lãi của khoản vay (" + accrued->ToVietnamese() + ")",
                     "The rate's effective date " + from.ToIso() +
                         " is before the date loans have accrued interest to (" + accrued->ToIso() +
                         ")");
  // Interest already charged or accrued is never recomputed: a rate change
  // takes effect from today or a later date, not in the past.
  if (auto today = store::LoanStore(db).BusinessDate(); today && from < *today)
    return MakeError(ProgramChangeRejection::kRateChangeBackdated, "from",
                     "Ngày hiệu lực lãi suất " + from.ToVietnamese() +
                         " trước ngày làm việc hiện tại " + today->ToVietnamese(),
                     "The rate's effective date " + from.ToIso() + " is before the business date " +
                         today->ToIso());
  auto saved = SaveProgramChange(db, program, from, [&](programs::ProgramVersion& v) {
    v.rate = rate;
    v.note = "rate change";
  });
  if (!saved.ok()) return saved;
  RecordAudit(
      db, context, "program.rate", "program:" + program, {},
      AuditState().Add("from", from.ToIso()).Add("rate_millionths", rate.per_month_millionths()));
  tx.Commit();
  return saved;
}

Result<RateChange> ChangeRate(Connection& connection, const Context& context,
                              const std::string& program, Date from, Rate rate) {
  if (auto denied = Require(context.actor, Permission::kSettings); !denied.ok())
    return denied.error();
  if (!Personal(context.actor)) {
    const Status s = program.empty() ? SetSavingsRate(connection, context, from, rate)
                                     : SetProgramRate(connection, context, program, from, rate);
    if (!s.ok()) return s.error();
    return RateChange{};
  }
  store::Database& db = Db(connection);
  return store::RunTransaction(db, [&](store::Transaction& tx) -> Result<RateChange> {
    if (!program.empty() && !store::ReadPrograms(db).count(program))
      return Unknown(ProgramChangeRejection::kProgramUnknown, "program", "Chương trình", "Program",
                     program);
    // What the change would be refused for now is refused at once.
    if (auto today = store::LoanStore(db).BusinessDate(); today && from < *today)
      return MakeError(ProgramChangeRejection::kRateChangeBackdated, "from",
                       "Ngày hiệu lực lãi suất " + from.ToVietnamese() +
                           " trước ngày làm việc hiện tại " + today->ToVietnamese(),
                       "The rate's effective date " + from.ToIso() +
                           " is before the business date " + today->ToIso());
    const std::string subject = program.empty() ? "savings" : "program:" + program;
    db.LockKey("loan-code:" + subject);
    auto held = HeldBefore(db, context, subject, "rate");
    if (!held.ok()) return held.error();
    if (held.value()) return RateChange{*held.value(), true};
    store::PendingRow row;
    row.kind = "rate";
    row.loan_code = subject;
    row.action_date = from;
    row.amount_dong = rate.per_month_millionths();
    row.note = rate.ToPercentVietnamese() + " %/tháng";
    const int64_t id = HoldForChecker(db, context, row, AuditState());
    tx.Commit();
    return RateChange{id, false};
  });
}

// The wire string of each rejection code (docs/API.md "Error codes").
#define TDCS_APPROVAL_REJECTIONS(X)              \
  X(kRequestUnknown, "REQUEST_UNKNOWN")          \
  X(kRequestDecided, "REQUEST_DECIDED")          \
  X(kSameUser, "SAME_USER")                      \
  X(kReasonRequired, "DECISION_REASON_REQUIRED") \
  X(kRequestPending, "REQUEST_PENDING")          \
  X(kRequestStale, "REQUEST_STALE")
TDCS_DEFINE_REJECTIONS(ApprovalRejection, TDCS_APPROVAL_REJECTIONS)
#undef TDCS_APPROVAL_REJECTIONS

namespace {

PendingRequest ViewOf(const store::PendingRow& r) {
  PendingRequest p;
  p.id = r.id;
  p.kind = r.kind;
  p.loan_code = r.loan_code;
  p.date = r.action_date;
  p.amount = Money::Dong(r.amount_dong);
  p.months = static_cast<int>(r.months);
  p.heir_code = r.heir_code;
  p.note = r.note;
  p.maker = r.maker;
  p.maker_role = r.maker_role;
  p.made_at = r.made_at;
  p.status = r.status;
  p.checker = r.checker.value_or("");
  p.decision_reason = r.decision_reason.value_or("");
  p.decided_at = r.decided_at.value_or(0);
  p.txn_id = r.txn_id.value_or(0);
  return p;
}

// Whether the request's loan lies in the actor's area (as of the action's date).
bool RequestInScope(store::Database& db, const Context& context, const store::PendingRow& r) {
  // A rate change is the whole bank's: for the settings roles only.
  if (r.kind == "rate")
    return Allows(context.actor, Permission::kSettings) && ScopeCheck(db, context.actor).national();
  store::LoanStore store(db);
  return LoanInScope(db, store, context, r.loan_code, r.action_date).has_value();
}

}  // namespace

Result<std::vector<PendingRequest>> ListRequests(Connection& connection, const Context& context,
                                                 const std::string& status, int limit) {
  store::Database& db = Db(connection);
  store::ReadTransaction snapshot(db);
  // Filtered by the area in the query itself, then checked one by one.
  // (Before the books have a business date, the check one by one alone.)
  const auto today = store::LoanStore(db).BusinessDate();
  const auto area = today ? ScopeCheck(db, context.actor).SearchArea(*today) : std::nullopt;
  std::vector<PendingRequest> out;
  for (const auto& r :
       store::ListPending(db, status, std::clamp(limit, 1, 1000), area ? &*area : nullptr))
    if (RequestInScope(db, context, r)) out.push_back(ViewOf(r));
  return out;
}

Result<PendingRequest> DecideRequest(Connection& connection, const Context& context, int64_t id,
                                     bool approve, const std::string& reason) {
  if (auto denied = Require(context.actor, Permission::kApprove); !denied.ok())
    return denied.error();
  if (!approve && (reason.empty() || reason.size() > 500))
    return MakeError(ApprovalRejection::kReasonRequired, "reason",
                     "Từ chối cần ghi lý do (tối đa 500 ký tự)",
                     "A rejection needs its reason (at most 500 characters)");
  store::Database& db = Db(connection);
  return store::RunTransaction(db, [&](store::Transaction& tx) -> Result<PendingRequest> {
    const auto unknown =
        MakeError(ApprovalRejection::kRequestUnknown, "request",
                  "Không có yêu cầu số " + std::to_string(id), "No request " + std::to_string(id));
    auto found = store::FindPending(db, id);
    if (!found || !RequestInScope(db, context, *found)) return unknown;
    db.LockKey("loan-code:" + found->loan_code);  // the order the maker's side takes
    auto row = store::LockPending(db, id);
    if (!row) return unknown;
    if (row->status != "pending")
      return MakeError(
          ApprovalRejection::kRequestDecided, "request",
          "Yêu cầu số " + std::to_string(id) + " đã được xử lý (" + row->status + ")",
          "Request " + std::to_string(id) + " was decided already (" + row->status + ")");
    // Neither the request's maker nor the application's may check it.
    if (row->maker == context.actor.login ||
        (row->kind == "approve" && Applicant(db, row->loan_code) == context.actor.login))
      return MakeError(ApprovalRejection::kSameUser, "request",
                       "Người lập yêu cầu không tự phê duyệt được: cần người thứ hai",
                       "The maker cannot check their own request: a second person is needed");
    const int64_t now = context.now_micros != 0 ? context.now_micros : SystemClock().NowMicros();
    AuditState before;
    before.Add("request", id).Add("status", "pending").Add("maker", row->maker);
    if (!approve) {
      store::DecidePending(db, id, "rejected", context.actor.login, now, reason, std::nullopt);
      RecordAudit(db, context, "approval.reject", RequestSubject(row->loan_code), before,
                  AuditState().Add("request", id).Add("status", "rejected").Add("reason", reason));
      auto view = ViewOf(*store::FindPending(db, id));
      tx.Commit();
      return view;
    }
    // The checker's approval runs the action now, on the business date, as
    // the checker, under the request's own key: nothing of it posted before.
    Context checker = context;
    checker.idempotency_key = "approval:" + std::to_string(id);
    const Date today = store::LoanStore(db).BusinessDate().value_or(row->action_date);
    std::optional<int64_t> txn;
    if (row->kind == "rate") {
      // The change is made now, under the rules in force: refused (a date
      // now behind the business date, say), the request waits.
      const std::string& subject = row->loan_code;
      const Rate rate = Rate::PerMonthMillionths(row->amount_dong);
      const Status applied =
          subject == "savings"
              ? SetSavingsRate(connection, checker, row->action_date, rate)
              : SetProgramRate(connection, checker, subject.substr(8), row->action_date, rate);
      if (!applied.ok()) return applied.error();
      store::DecidePending(db, id, "approved", context.actor.login, now, reason, std::nullopt);
      RecordAudit(db, context, "approval.approve", subject, before,
                  AuditState()
                      .Add("request", id)
                      .Add("status", "approved")
                      .Add("from", row->action_date.ToIso())
                      .Add("rate_millionths", row->amount_dong));
      auto view = ViewOf(*store::FindPending(db, id));
      tx.Commit();
      return view;
    }
    if (row->kind == "approve") {
      // Decided in a savepoint: a refusal by the rules of approval rejects
      // the application (recorded on the loan) and closes the request; any
      // other refusal changes nothing and the request waits.
      Result<int64_t> decided = Error{};
      {
        // The household's decisions one at a time, in Decide's order
        // (loan-code, held above, then household).
        if (const auto held_id = store::LoanStore(db).FindLoanId(row->loan_code))
          if (const auto held_facts = ReadLoanFacts(db, *held_id))
            db.LockKey("household:" + std::to_string(held_facts->borrower_id));
        store::Transaction inner(db);
        decided = DecideRecorded(db, inner, checker, {row->loan_code, true, today, ""});
      }
      const auto loan_id = store::LoanStore(db).FindLoanId(row->loan_code);
      const auto facts = loan_id ? ReadLoanFacts(db, *loan_id) : std::nullopt;
      const bool rejected = !decided.ok() && facts && facts->status == "rejected";
      if (!decided.ok() && !rejected) return decided.error();
      const std::string status = rejected ? "rejected" : "approved";
      const std::string why = rejected ? decided.error().code : reason;
      store::DecidePending(db, id, status, context.actor.login, now, why, std::nullopt);
      RecordAudit(db, context, "approval." + std::string(rejected ? "refused" : "approve"),
                  "loan:" + row->loan_code, before,
                  AuditState().Add("request", id).Add("status", status).Add("reason", why));
      auto view = ViewOf(*store::FindPending(db, id));
      tx.Commit();
      if (rejected) return decided.error();
      return view;
    }
    const auto kind = ParseLoanActionKind(row->kind);
    TDCS_CHECK_MSG(kind.has_value(), "a pending request of an unknown kind");
    LoanAction a;
    a.kind = *kind;
    a.loan_code = row->loan_code;
    a.date = today;
    a.amount = Money::Dong(row->amount_dong);
    a.months = static_cast<int>(row->months);
    a.heir_code = row->heir_code;
    store::LoanStore store(db);
    const auto loan_id = store.FindLoanId(a.loan_code);
    // A reversal reverses what the maker saw last, or nothing (checked under
    // the loan's lock).
    loans::Loan locked;
    auto result = ApplyLoanAction(db, store, checker.actor.login, checker.idempotency_key, a, false,
                                  &locked, row->target_txn_id);
    if (!result.ok()) return result.error();
    const AuditState loan_before = LoanState(locked);
    txn = result.value().txn_id;
    store::DecidePending(db, id, "approved", context.actor.login, now, reason, txn);
    RecordAudit(db, context, "approval.approve", "loan:" + row->loan_code, before,
                AuditState().Add("request", id).Add("status", "approved").Add("txn_id", *txn));
    AuditState after = LoanState(*store.LoadLoan(*loan_id));
    after.Add("date", a.date.ToIso())
        .Add("txn_id", result.value().txn_id)
        .Add("entry_id", result.value().entry_id)
        .Add("maker", row->maker)
        .Add("request", id);
    RecordAudit(db, checker, std::string("loan.") + row->kind, "loan:" + row->loan_code,
                loan_before, after);
    auto view = ViewOf(*store::FindPending(db, id));
    tx.Commit();
    return view;
  });
}

}  // namespace tdcs::app
