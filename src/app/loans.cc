#include "app/loans.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "loans/loan.h"
#include "savings/savings.h"
#include "store/loan_store.h"
#include "store/network_store.h"
#include "store/program_store.h"

namespace tdcs::app {
namespace {

Error Unknown(const char* code, const char* field, const std::string& what_vi,
              const std::string& what_en, const std::string& value) {
  return MakeError(code, field, what_vi + " '" + value + "' không tồn tại",
                   what_en + " '" + value + "' does not exist");
}

const char* KindKey(LoanActionKind kind) {
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

std::string RequestText(const LoanAction& a) {
  return std::string(KindKey(a.kind)) + "|" + a.loan_code + "|" + a.date.ToIso() + "|" +
         std::to_string(a.amount.dong()) + "|" + std::to_string(a.months) + "|" + a.heir_code;
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
std::optional<Result<ActionResult>> SeenBefore(store::LoanStore& store, const std::string& key,
                                               const std::string& request) {
  if (key.empty()) return std::nullopt;
  auto seen = store.FindIdempotencyKey(key);
  if (!seen) return std::nullopt;
  if (seen->first != request)
    return Result<ActionResult>(MakeError("IDEMPOTENCY_KEY_REUSED", "idempotency_key",
                                          "Khóa chống trùng đã dùng cho một yêu cầu khác",
                                          "The idempotency key was used for a different request"));
  return Result<ActionResult>(ParseResultText(seen->second));
}

void Append(std::vector<ledger::Posting>& to, std::vector<ledger::Posting> more) {
  for (auto& p : more) to.push_back(std::move(p));
}

loans::RecordedAction ToAction(const store::LoanTxn& t) {
  return loans::RecordedAction{t.kind, t.date, t.amount, t.months, t.party_id};
}

Result<loans::Outcome> ApplyTxn(loans::Loan& loan, const store::LoanTxn& t,
                                const loans::RateTimeline& rates) {
  return loans::ApplyAction(loan, ToAction(t), rates);
}

// Brings a loan to `date` and posts what its events moved.
// Returns whether anything was posted.
bool AdvanceAndPost(store::LoanStore& store, loans::Loan& loan, Date date) {
  auto events = loans::Advance(loan, date, store.Rates(loan.terms.program));
  if (events.postings.empty()) return false;
  store.PostEntry(ledger::BuildEntry(date, "events", std::move(events.postings)),
                  loan.terms.loan_id, 0);
  return true;
}

Result<ActionResult> ReverseLast(store::LoanStore& store, loans::Loan& loan, Date date) {
  const auto txns = store.Txns(loan.terms.loan_id);
  const store::LoanTxn* target = nullptr;
  for (const auto& t : txns)
    if (t.kind != "reverse" && t.reversed_by == 0) target = &t;
  if (target == nullptr)
    return MakeError("NOTHING_TO_REVERSE", "loan", "Không còn giao dịch nào để hủy",
                     "There is no transaction left to reverse");
  if (target->kind == "open")
    return MakeError("REVERSAL_NOT_ALLOWED", "loan", "Không hủy được số dư chuyển từ hệ thống cũ",
                     "An opening balance cannot be reversed");
  const auto& rates = store.Rates(loan.terms.program);
  // Replay every transaction but the reversed one from the approved loan.
  loans::Loan fresh;
  fresh.terms = loan.terms;
  fresh.terms.borrower_id = store.ApprovedBorrower(loan.terms.loan_id);
  std::vector<loans::RecordedAction> actions;
  for (const auto& t : txns)
    if (t.kind != "reverse" && t.reversed_by == 0 && t.id != target->id)
      actions.push_back(ToAction(t));
  auto replay = loans::Replay(fresh, actions, std::max(date, loan.processed_to), rates);
  if (!replay.ok())
    return MakeError("REVERSAL_BREAKS_LATER", "loan",
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
  Money savings_delta;
  for (const auto& a : accounts) {
    ledger::Posting p = loans::LoanDimensions(fresh);
    p.account = a;
    const auto before = posted.count(a) ? posted.at(a) : Money::Zero();
    const auto after = target_totals.count(a) ? target_totals.at(a) : Money::Zero();
    p.amount = after - before;
    if (a == ledger::account::kMemberSavings) {
      p.program.clear();
      p.fund_source = 0;
      savings_delta = p.amount;
    }
    delta.push_back(p);
  }
  if (!savings_delta.IsZero()) {
    // Interest is credited up to today on the balance as it was, then the
    // money comes back: the same rule as every other savings movement.
    auto account = store.LoadSavings(loan.terms.borrower_id);
    TDCS_CHECK(account.has_value());
    Append(delta, savings::CreditInterest(*account, date, store.SavingsRates()).postings);
    account->balance -= savings_delta;  // a credit (negative) to savings raises the balance
    store.SaveSavings(*account);
    for (auto& p : delta)
      if (p.account == ledger::account::kMemberSavings && p.loan_id != 0)
        p.office_id = account->office_id;
  }
  store::LoanTxn reversal;
  reversal.loan_id = loan.terms.loan_id;
  reversal.date = date;
  reversal.kind = "reverse";
  reversal.reverses = target->id;
  reversal.id = store.ReserveIds("loan_txn", 1);
  reversal.entry_id = store.PostEntry(ledger::BuildEntry(date, "reverse", std::move(delta)),
                                      loan.terms.loan_id, reversal.id, target->entry_id);
  store.AddTxn(reversal);
  store.MarkReversed(target->id, reversal.id);
  if (fresh.terms.borrower_id != loan.terms.borrower_id)
    store.SetLoanBorrower(fresh.terms.loan_id, fresh.terms.borrower_id);
  loan = fresh;
  store.UpdateLoan(loan);
  return ActionResult{reversal.id, reversal.entry_id, false};
}

}  // namespace

Result<int64_t> ApproveLoan(store::Database& db, const LoanApplicationRequest& r) {
  store::Transaction tx(db);
  store::NetworkStore network(db);
  store::LoanStore store(db);
  auto borrower = network.FindBorrowerIdByCode(r.borrower_code);
  if (!borrower)
    return Unknown("BORROWER_UNKNOWN", "borrower", "Hộ vay", "Borrower", r.borrower_code);
  if (store.FindLoanId(r.code))
    return MakeError("LOAN_CODE_DUPLICATE", "code", "Số khế ước '" + r.code + "' đã tồn tại",
                     "Loan number '" + r.code + "' already exists");
  auto programs = store::ReadPrograms(db);
  auto it = programs.find(r.program);
  if (it == programs.end())
    return Unknown("PROGRAM_UNKNOWN", "program", "Chương trình", "Program", r.program);
  const programs::ProgramVersion* version = programs::VersionOn(it->second, r.date);
  if (version == nullptr)
    return MakeError(
        "PROGRAM_NOT_IN_FORCE", "program",
        "Chương trình " + r.program + " chưa có hiệu lực vào ngày " + r.date.ToVietnamese(),
        "Program " + r.program + " is not in force on " + r.date.ToIso());
  auto placement = network.PlacementOn(*borrower, r.date);
  if (!placement)
    return MakeError("BORROWER_NOT_IN_GROUP", "borrower",
                     "Hộ vay không thuộc tổ TK&VV nào vào ngày " + r.date.ToVietnamese(),
                     "The borrower is in no savings-and-loan group on " + r.date.ToIso());
  loans::Loan loan;
  auto& t = loan.terms;
  t.loan_id = store.ReserveIds("loan", 1);
  t.borrower_id = *borrower;
  t.office_id = placement->office_id;
  t.program = r.program;
  t.fund_source = r.fund_source;
  t.approved = r.amount;
  t.term_months = r.term_months;
  t.every_months = r.every_months > 0 ? r.every_months : version->installment_months;
  t.grace_months = r.grace_months;
  t.session_day = placement->session_day;
  t.charge_at_month_end = r.charge_at_month_end.value_or(
      store::SettingOn(db, "interest.charge", r.date).value_or("collection") == "month_end");

  // The rules of approval, in order; the first broken one is the reason.
  std::optional<Error> reason;
  const Money limit = version->max_amount_basis == "per_month_of_study"
                          ? version->max_amount.MultiplyBy(std::max(1, r.term_months))
                          : version->max_amount;
  const auto categories = network.CategoriesOn(*borrower, r.date).value_or("");
  bool eligible = version->eligible_categories.empty();
  for (const auto& c : version->eligible_categories)
    if ((";" + categories + ";").find(";" + c + ";") != std::string::npos) eligible = true;
  const auto plan = store.CapitalPlan(t.office_id, r.program, r.date.year());
  if (auto bad = NonPositiveAmount(r.amount)) {
    reason = *bad;
  } else if (r.amount > limit) {
    reason = MakeError("AMOUNT_OVER_LIMIT", "amount",
                       "Số tiền vượt mức cho vay tối đa " + limit.ToVietnamese() + " đ",
                       "The amount exceeds the program's limit of " + limit.ToVietnamese());
  } else if (r.term_months < 1 || r.term_months > version->max_term_months) {
    reason =
        MakeError("TERM_OVER_LIMIT", "term_months",
                  "Thời hạn phải từ 1 đến " + std::to_string(version->max_term_months) + " tháng",
                  "The term must be 1 to " + std::to_string(version->max_term_months) + " months");
  } else if (t.every_months < 1 || t.every_months > r.term_months || r.grace_months < 0 ||
             r.grace_months >= r.term_months) {
    reason = MakeError("SCHEDULE_INVALID", "every_months", "Kỳ hạn trả nợ không hợp lệ",
                       "The installment interval or grace period is invalid");
  } else if (std::find(version->fund_sources.begin(), version->fund_sources.end(), r.fund_source) ==
             version->fund_sources.end()) {
    reason =
        MakeError("FUND_SOURCE_INVALID", "fund_source", "Nguồn vốn không áp dụng cho chương trình",
                  "The fund source does not fund this program");
  } else if (!eligible) {
    reason = MakeError("NOT_ELIGIBLE", "borrower",
                       "Hộ vay không thuộc đối tượng của chương trình " + r.program,
                       "The household is not eligible for program " + r.program);
  } else if (plan &&
             store.ApprovedInYear(t.office_id, r.program, r.date.year()) + r.amount > *plan) {
    reason =
        MakeError("CAPITAL_PLAN_EXCEEDED", "amount",
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
  store.InsertLoan(loan, application);
  tx.Commit();  // a rejection is recorded with its reason
  if (reason) return *reason;
  return t.loan_id;
}

namespace {

// The action inside the caller's transaction; on a rejection nothing was written.
Result<ActionResult> ApplyLoanAction(store::Database& db, store::LoanStore& store,
                                     const LoanAction& a) {
  const std::string request = RequestText(a);
  if (auto seen = SeenBefore(store, a.idempotency_key, request)) return *seen;
  auto loan_id = store.FindLoanId(a.loan_code);
  if (!loan_id) return Unknown("LOAN_UNKNOWN", "loan", "Khoản vay", "Loan", a.loan_code);
  loans::Loan loan = *store.LoadLoan(*loan_id);
  if (loan.disbursed_on && a.date < loan.processed_to)
    return MakeError(
        "ACTION_BACKDATED", "date",
        "Ngày giao dịch trước ngày đã xử lý của khoản vay (" + loan.processed_to.ToVietnamese() +
            ")",
        "The date is before the loan's processed date (" + loan.processed_to.ToIso() + ")");
  // Events dated up to the action take effect first; when they moved money
  // they are saved at once, so that a rejected action in a batch leaves the
  // loan and its postings in step.
  if (loan.disbursed_on && AdvanceAndPost(store, loan, a.date)) store.UpdateLoan(loan);
  ActionResult result;
  if (a.kind == LoanActionKind::kReverseLast) {
    auto r = ReverseLast(store, loan, a.date);
    if (!r.ok()) return r.error();
    result = r.value();
  } else {
    store::LoanTxn txn;
    txn.loan_id = loan.terms.loan_id;
    txn.date = a.date;
    txn.kind = KindKey(a.kind);
    txn.amount = a.amount;
    txn.months = a.months;
    if (a.kind == LoanActionKind::kDisburse && a.amount.IsZero())
      txn.amount = loan.terms.approved - loan.disbursed;
    if (a.kind == LoanActionKind::kInherit) {
      auto heir = store::NetworkStore(db).FindBorrowerIdByCode(a.heir_code);
      if (!heir) return Unknown("BORROWER_UNKNOWN", "heir", "Người thừa kế", "Heir", a.heir_code);
      txn.party_id = *heir;
    }
    std::vector<ledger::Posting> postings;
    std::optional<savings::Account> account;
    if (a.kind == LoanActionKind::kPayFromSavings) {
      account = store.LoadSavings(loan.terms.borrower_id);
      if (!account)
        return MakeError("SAVINGS_INSUFFICIENT", "amount", "Hộ vay chưa có tài khoản tiết kiệm",
                         "The borrower has no savings account");
      Append(postings, savings::CreditInterest(*account, a.date, store.SavingsRates()).postings);
      if (account->balance < txn.amount)
        return MakeError(
            "SAVINGS_INSUFFICIENT", "amount",
            "Số dư tiết kiệm " + account->balance.ToVietnamese() + " đ không đủ",
            "The savings balance of " + account->balance.ToVietnamese() + " is not enough");
    }
    auto outcome = ApplyTxn(loan, txn, store.Rates(loan.terms.program));
    if (!outcome.ok()) return outcome.error();
    // The savings leg belongs to the savings account's office.
    if (account)
      for (auto& p : outcome.value().postings)
        if (p.account == ledger::account::kMemberSavings) p.office_id = account->office_id;
    Append(postings, std::move(outcome).value().postings);
    if (account) {
      account->balance -= txn.amount;
      store.SaveSavings(*account);
    }
    txn.id = store.ReserveIds("loan_txn", 1);
    txn.entry_id = store.PostEntry(ledger::BuildEntry(a.date, txn.kind, std::move(postings)),
                                   loan.terms.loan_id, txn.id);
    store.AddTxn(txn);
    store.UpdateLoan(loan);
    if (a.kind == LoanActionKind::kInherit) store.SetLoanBorrower(loan.terms.loan_id, txn.party_id);
    result = ActionResult{txn.id, txn.entry_id, false};
  }
  if (!a.idempotency_key.empty())
    store.SaveIdempotencyKey(a.idempotency_key, request, ResultText(result));
  return result;
}

}  // namespace

Result<ActionResult> ActOnLoan(store::Database& db, const LoanAction& a) {
  store::Transaction tx(db);
  store::LoanStore store(db);
  auto result = ApplyLoanAction(db, store, a);
  if (result.ok()) tx.Commit();
  return result;
}

CollectionReport PostCollections(store::Database& db, Date date,
                                 const std::vector<Collection>& lines) {
  CollectionReport report;
  if (lines.size() > kCollectionLinesMax) {
    report.rejected.push_back(
        {0, MakeError("COLLECTION_TOO_LARGE", "lines", "Một phiên giao dịch tối đa 20.000 dòng",
                      "A session posts at most 20,000 lines")});
    return report;
  }
  store::Transaction tx(db);
  store::LoanStore store(db);
  store.DeferBalances();
  for (size_t i = 0; i < lines.size(); ++i) {
    LoanAction a;
    a.kind = LoanActionKind::kPay;
    a.loan_code = lines[i].loan_code;
    a.amount = lines[i].amount;
    a.date = date;
    a.idempotency_key = lines[i].idempotency_key;
    auto r = ApplyLoanAction(db, store, a);
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
}

Result<ActionResult> ActOnSavings(store::Database& db, SavingsActionKind kind,
                                  const std::string& borrower_code, Money amount, Date date,
                                  const std::string& idempotency_key) {
  store::Transaction tx(db);
  store::LoanStore store(db);
  const std::string request =
      std::string(kind == SavingsActionKind::kDeposit ? "deposit" : "withdraw") + "|" +
      borrower_code + "|" + date.ToIso() + "|" + std::to_string(amount.dong());
  if (auto seen = SeenBefore(store, idempotency_key, request)) return *seen;
  store::NetworkStore network(db);
  auto borrower = network.FindBorrowerIdByCode(borrower_code);
  if (!borrower)
    return Unknown("BORROWER_UNKNOWN", "borrower", "Hộ vay", "Borrower", borrower_code);
  auto account = store.LoadSavings(*borrower);
  if (!account) {
    auto placement = network.PlacementOn(*borrower, date);
    if (!placement)
      return MakeError("BORROWER_NOT_IN_GROUP", "borrower",
                       "Hộ vay không thuộc tổ TK&VV nào vào ngày " + date.ToVietnamese(),
                       "The borrower is in no savings-and-loan group on " + date.ToIso());
    account = savings::Account{};
    account->borrower_id = *borrower;
    account->office_id = placement->office_id;
  }
  const auto& rates = store.SavingsRates();
  auto outcome = kind == SavingsActionKind::kDeposit
                     ? savings::Deposit(*account, amount, date, rates)
                     : savings::Withdraw(*account, amount, date, rates);
  if (!outcome.ok()) return outcome.error();
  store.SaveSavings(*account);
  const char* kind_key = kind == SavingsActionKind::kDeposit ? "deposit" : "withdraw";
  // The entry names its savings transaction, as loan entries name theirs.
  const int64_t txn = store.ReserveIds("savings_txn", 1);
  const int64_t entry = store.PostEntry(
      ledger::BuildEntry(date, kind_key, std::move(outcome).value().postings), 0, txn);
  store.AddSavingsTxn(account->id, date, kind_key, amount, entry, txn);
  ActionResult result{txn, entry, false};
  if (!idempotency_key.empty())
    store.SaveIdempotencyKey(idempotency_key, request, ResultText(result));
  tx.Commit();
  return result;
}

Result<LoanView> ViewLoan(store::Database& db, const std::string& loan_code, Date on) {
  store::LoanStore store(db);
  auto id = store.FindLoanId(loan_code);
  if (!id) return Unknown("LOAN_UNKNOWN", "loan", "Khoản vay", "Loan", loan_code);
  loans::Loan loan = *store.LoadLoan(*id);
  const auto& rates = store.Rates(loan.terms.program);
  if (loan.disbursed_on && on > loan.processed_to) loans::Advance(loan, on, rates);
  LoanView v;
  v.code = loan_code;
  v.status = std::string(loans::LoanStatusKey(loan.status));
  v.borrower_code = store::NetworkStore(db).BorrowerCode(loan.terms.borrower_id);
  v.principal = loan.Principal();
  v.overdue = loan.overdue;
  v.frozen = loan.frozen;
  v.principal_due = loans::PrincipalDue(loan);
  v.interest_due = loan.disbursed_on ? loans::InterestDue(loan, on, rates) : Money::Zero();
  for (const auto& i : loan.installments)
    if (i.shares > 0 && i.state == loans::InstallmentState::kFuture &&
        (!v.next_due || i.due < *v.next_due))
      v.next_due = i.due;
  return v;
}

Result<Money> SavingsBalance(store::Database& db, const std::string& borrower_code, Date on) {
  store::NetworkStore network(db);
  auto borrower = network.FindBorrowerIdByCode(borrower_code);
  if (!borrower)
    return Unknown("BORROWER_UNKNOWN", "borrower", "Hộ vay", "Borrower", borrower_code);
  store::LoanStore store(db);
  auto account = store.LoadSavings(*borrower);
  if (!account) return Money::Zero();
  return savings::BalanceOn(*account, on, store.SavingsRates());
}

Status SetProgramRate(store::Database& db, const std::string& program, Date from, Rate rate) {
  store::Transaction tx(db);
  // Interest already charged or accrued is never recomputed: a rate change
  // takes effect from today or a later date, not in the past.
  if (auto today = store::LoanStore(db).BusinessDate(); today && from < *today)
    return MakeError("RATE_CHANGE_BACKDATED", "from",
                     "Ngày hiệu lực lãi suất " + from.ToVietnamese() +
                         " trước ngày làm việc hiện tại " + today->ToVietnamese(),
                     "The rate's effective date " + from.ToIso() + " is before the business date " +
                         today->ToIso());
  auto programs = store::ReadPrograms(db);
  auto it = programs.find(program);
  if (it == programs.end())
    return Unknown("PROGRAM_UNKNOWN", "program", "Chương trình", "Program", program);
  const programs::ProgramVersion* base = programs::VersionOn(it->second, from);
  if (base == nullptr) base = &it->second.front();
  programs::ProgramVersion v = *base;
  v.valid_from = from;
  v.rate = rate;
  v.note = "rate change";
  store::SaveProgramVersions(db, {v});
  tx.Commit();
  return Status::Ok();
}

}  // namespace tdcs::app
