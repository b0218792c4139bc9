// tdcs import loans: every row checked (all bad fields listed), then every
// loan written in the import's one transaction, or none.
#include "app/internal/import_loans.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "app/internal/loan_rules.h"
#include "batch/close.h"
#include "network/network.h"
#include "programs/outcomes.h"
#include "programs/program.h"
#include "store/network_store.h"
#include "store/partition.h"
#include "store/program_store.h"

namespace tdcs::app {
namespace {

// A whole number of months in [min, max]; empty text is `if_empty` when given.
std::optional<int> ParseMonths(LineErrors& e, const Line& l, const char* column, int min, int max,
                               std::optional<int> if_empty = std::nullopt) {
  const std::string& text = l[column];
  if (text.empty() && if_empty) return if_empty;
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < min ||
      value > max) {
    e.Add(MakeError(ImportRejection::kMonthsInvalid, column,
                    "Số tháng phải là số nguyên từ " + std::to_string(min) + " đến " +
                        std::to_string(max) + " ('" + text + "')",
                    "Months must be a whole number from " + std::to_string(min) + " to " +
                        std::to_string(max) + " ('" + text + "')"));
    return std::nullopt;
  }
  return value;
}

// A fund source number, 1 when empty.
std::optional<int> ParseFundSource(LineErrors& e, const Line& l) {
  const std::string& text = l["fund_source"];
  if (text.empty()) return 1;
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error == std::errc() && end == text.data() + text.size() && value >= 1 && value <= 99)
    return value;
  e.Add(MakeError(ImportRejection::kFundSourceInvalid, "fund_source",
                  "Nguồn vốn phải là số từ 1 đến 99 ('" + text.substr(0, 20) + "')",
                  "The fund source is a number from 1 to 99 ('" + text.substr(0, 20) + "')"));
  return std::nullopt;
}

// Whole đồng (RULES §1: digits, optionally grouped by dots); empty is 0 when
// the column is optional.
std::optional<Money> ParseAmount(LineErrors& e, const Line& l, const char* column, bool optional) {
  const std::string& text = l[column];
  if (text.empty() && optional) return Money::Zero();
  auto amount = Money::ParseAmount(text);
  if (!amount)
    e.Add(
        MakeError(ImportRejection::kAmountFormat, column,
                  "Số tiền phải là số đồng nguyên, không âm, tối đa 1.000 tỷ ('" + text + "')",
                  "An amount is whole đồng, not negative, at most 1,000 billion ('" + text + "')"));
  return amount;
}

std::optional<Date> ParseDate(LineErrors& e, const Line& l, const char* column, bool optional) {
  const std::string& text = l[column];
  if (text.empty() && optional) return std::nullopt;
  return e.Take(network::ParseDateField(text, column));
}

Error Unknown(ImportRejection code, const char* field, const std::string& what_vi,
              const std::string& what_en, const std::string& value) {
  return MakeError(code, field, what_vi + " '" + value + "' không tồn tại",
                   what_en + " '" + value + "' does not exist");
}

}  // namespace

std::vector<LoanImport> CheckLoans(store::Database& db, const std::vector<Line>& lines,
                                   ImportReport& report, const ProgressFn& progress) {
  store::NetworkStore network(db);
  store::LoanStore loans_store(db);
  const auto programs = store::ReadPrograms(db);
  const auto business_date = loans_store.BusinessDate();
  std::set<std::string> codes;
  std::vector<LoanImport> plan;
  int64_t done = 0;
  for (const Line& l : lines) {
    if (progress && ++done % 1000 == 0) progress(done, static_cast<int64_t>(lines.size()), "check");
    LineErrors e(report, l.line);
    const size_t errors_before = report.errors.size();
    const std::string& code = l["code"];
    if (auto bad = CheckLoanCode(code)) {
      e.Add(*bad);
    } else if (!codes.insert(code).second || loans_store.FindLoanId(code)) {
      e.Add(MakeError(ImportRejection::kLoanCodeDuplicate, "code",
                      "Số khế ước '" + code + "' đã tồn tại",
                      "Loan number '" + code + "' already exists"));
    }
    const auto borrower = network.FindBorrowerIdByCode(l["borrower_code"]);
    if (!borrower)
      e.Add(Unknown(ImportRejection::kBorrowerUnknown, "borrower_code", "Hộ vay", "Borrower",
                    l["borrower_code"]));
    const auto program = programs.find(l["program"]);
    if (program == programs.end())
      e.Add(Unknown(ImportRejection::kProgramUnknown, "program", "Chương trình", "Program",
                    l["program"]));
    const auto approved = ParseAmount(e, l, "approved_dong", false);
    const auto disbursed = ParseAmount(e, l, "disbursed_dong", true);
    const auto normal = ParseAmount(e, l, "normal_dong", true);
    const auto overdue = ParseAmount(e, l, "overdue_dong", true);
    const auto frozen = ParseAmount(e, l, "frozen_dong", true);
    const auto principal_due = ParseAmount(e, l, "principal_due_dong", true);
    const auto interest_owed = ParseAmount(e, l, "interest_owed_dong", true);
    const auto frozen_overdue = ParseAmount(e, l, "frozen_overdue_dong", true);
    const auto extension = ParseMonths(e, l, "extension_months", 0, 300, 0);
    const auto term = ParseMonths(e, l, "term_months", 1, 600);
    const auto grace = ParseMonths(e, l, "grace_months", 0, 599, 0);
    const auto every = ParseMonths(e, l, "every_months", 1, 600, 0);
    const auto fund_source = ParseFundSource(e, l);
    const auto disbursed_on = ParseDate(e, l, "disbursed_on", false);
    const auto balance_on = ParseDate(e, l, "balance_on", false);
    const auto next_due = ParseDate(e, l, "next_due", true);
    const auto frozen_from = ParseDate(e, l, "frozen_from", true);
    const auto frozen_until = ParseDate(e, l, "frozen_until", true);
    const std::string& charge = l["interest_charge"];
    if (!charge.empty() && charge != "collection" && charge != "month_end")
      e.Add(MakeError(ImportRejection::kInterestChargeInvalid, "interest_charge",
                      "Cách tính lãi phải là collection (khi thu) hoặc month_end (cuối tháng)",
                      "Interest charging is collection or month_end"));
    // The balances are those of the days just closed: on or before the
    // business date, at most kBalanceDaysBeforeBusinessDate before it (older
    // balances would replay weeks of events with none of the payments the old
    // system took meanwhile).
    if (balance_on && !business_date)
      e.Add(MakeError(ImportRejection::kBusinessDateMissing, "balance_on",
                      "Chưa có ngày làm việc: đặt ngày nhận số dư trước bằng tdcs close --to "
                      "NGÀY",
                      "There is no business date yet: set the take-over date first with tdcs "
                      "close --to DATE"));
    if (balance_on && business_date && *balance_on > *business_date)
      e.Add(MakeError(
          ImportRejection::kBalanceDateAfterBusinessDate, "balance_on",
          "Ngày số dư sau ngày làm việc của ngân hàng (" + business_date->ToVietnamese() + ")",
          "The balance date is after the bank's business date (" + business_date->ToIso() + ")"));
    if (balance_on && business_date &&
        balance_on->AddDays(kBalanceDaysBeforeBusinessDate) < *business_date)
      e.Add(MakeError(
          ImportRejection::kBalanceDateTooOld, "balance_on",
          "Ngày số dư cách ngày làm việc (" + business_date->ToVietnamese() + ") quá 31 ngày",
          "The balance date is more than 31 days before the business date (" +
              business_date->ToIso() + ")"));
    const programs::ProgramVersion* version = nullptr;
    if (program != programs.end() && balance_on) {
      version = programs::VersionOn(program->second, *balance_on);
      if (version == nullptr)
        e.Add(
            MakeError(ImportRejection::kProgramNotInForce, "balance_on",
                      "Chương trình " + program->first + " chưa có hiệu lực vào ngày " +
                          balance_on->ToVietnamese(),
                      "Program " + program->first + " is not in force on " + balance_on->ToIso()));
      else if (fund_source && std::find(version->fund_sources.begin(), version->fund_sources.end(),
                                        *fund_source) == version->fund_sources.end())
        e.Add(MakeError(ImportRejection::kFundSourceInvalid, "fund_source",
                        "Nguồn vốn không áp dụng cho chương trình",
                        "The fund source does not fund this program"));
    }
    std::optional<store::NetworkStore::Placement> placement;
    if (borrower && balance_on) {
      placement = network.PlacementOn(*borrower, *balance_on);
      if (!placement)
        e.Add(MakeError(ImportRejection::kBorrowerNotInGroup, "borrower_code",
                        "Hộ vay không thuộc tổ TK&VV nào vào ngày " + balance_on->ToVietnamese(),
                        "The borrower is in no savings-and-loan group on " + balance_on->ToIso()));
    }
    bool interval_bad = false;
    if (term && grace && every) {
      const int interval = *every > 0 ? *every : (version ? version->installment_months : 12);
      interval_bad = interval > *term || *grace >= *term;
      if (interval_bad)
        e.Add(MakeError(ImportRejection::kScheduleInvalid, "every_months",
                        "Kỳ hạn trả nợ không hợp lệ",
                        "The installment interval or grace period is invalid"));
    }
    // The balance is checked against the loan's terms whenever they could
    // be read, whatever else is wrong with the row, so all is listed at once.
    if (!approved || !disbursed || !normal || !overdue || !frozen || !principal_due ||
        !interest_owed || !frozen_overdue || !extension || !term || !grace || !every ||
        !fund_source || !disbursed_on || !balance_on)
      continue;
    LoanImport row;
    row.line = l.line;
    auto& t = row.loan.terms;
    t.borrower_id = borrower.value_or(0);
    t.office_id = placement ? placement->office_id : 0;
    t.session_day = placement ? placement->session_day : 1;
    t.point_id = placement ? placement->point_id : 0;
    t.group_id = placement ? placement->group_id : 0;
    t.association = placement ? placement->association : 0;
    loans_store.AttachSessionMoves(row.loan);  // its point's moved sessions
    t.program = l["program"];
    t.fund_source = *fund_source;
    t.approved = *approved;
    t.term_months = *term;
    t.every_months = *every > 0 ? *every : (version ? version->installment_months : 12);
    t.grace_months = *grace;
    t.charge_at_month_end =
        charge.empty()
            ? store::SettingOn(db, "interest.charge", *balance_on).value_or("collection") ==
                  "month_end"
            : charge == "month_end";
    row.loan.status = loans::LoanStatus::kApproved;
    if (version) row.outcomes = programs::DefaultOutcomes(*version);
    auto& b = row.balance;
    b.on = *balance_on;
    b.disbursed_on = *disbursed_on;
    b.disbursed = disbursed->IsZero() && l["disbursed_dong"].empty() ? *approved : *disbursed;
    b.normal = *normal;
    b.overdue = *overdue;
    b.frozen = *frozen;
    b.principal_due = *principal_due;
    b.interest_owed = *interest_owed;
    b.next_due = next_due;
    b.frozen_from = frozen_from;
    b.frozen_until = frozen_until;
    b.frozen_overdue = *frozen_overdue;
    b.extension_months = *extension;
    if (interval_bad) continue;
    auto opened = loans::OpenBalance(row.loan, b);
    if (!opened.ok()) {
      e.Add(opened.error());
      continue;
    }
    if (report.errors.size() != errors_before) continue;
    row.opened = std::move(opened).value();
    row.application = {code, *disbursed_on, *disbursed_on, *disbursed_on, *disbursed_on, ""};
    plan.push_back(std::move(row));
  }
  return plan;
}

void WriteLoans(store::Database& db, std::vector<LoanImport>& plan, const ProgressFn& progress) {
  store::LoanStore store(db);
  const auto business_date = store.BusinessDate();
  // The programs' rates stay as read for the whole import; they are locked
  // before the first entry locks the journal's head, in the order every
  // loan action takes them.
  std::set<std::string> programs;
  for (const auto& row : plan) programs.insert(row.loan.terms.program);
  for (const auto& program : programs) db.LockKeyShared("program:" + program);
  // The aggregates are written once at the end, not once per posting.
  store.DeferBalances();
  int64_t next_id = store.ReserveIds("loan", static_cast<int64_t>(plan.size()));
  int64_t done = 0;
  for (auto& row : plan) {
    loans::Loan& loan = row.loan;
    loan.terms.loan_id = store::InRangeOf(loan.terms.borrower_id, next_id++);
    for (auto& p : row.opened.postings) p.loan_id = loan.terms.loan_id;
    store.InsertLoan(loan, row.application);
    store.SaveOutcomes(loan.terms.loan_id, row.outcomes);  // before the opening counts them
    store::LoanTxn txn;
    txn.loan_id = loan.terms.loan_id;
    txn.date = row.balance.on;
    txn.kind = "open";
    // The whole amount taken over: principal in every state and interest owed.
    txn.amount =
        row.balance.normal + row.balance.overdue + row.balance.frozen + row.balance.interest_owed;
    txn.party_id = row.balance.disbursed_on.days();
    txn.opening = row.balance;
    store.RecordTxn(txn,
                    ledger::BuildEntry(row.balance.on, "open", std::move(row.opened.postings)));
    // Events between the balance date and the bank's business date run now.
    if (business_date && *business_date > row.balance.on)
      batch::AdvanceLoan(store, loan, *business_date);
    store.UpdateLoan(loan);
    store.DoneWithLoan(loan.terms.loan_id);
    if (progress && ++done % 1000 == 0) progress(done, static_cast<int64_t>(plan.size()), "write");
  }
  store.FlushBalances();
}

}  // namespace tdcs::app
