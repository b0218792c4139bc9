#include "batch/verify.h"

#include <map>

#include "loans/loan.h"
#include "savings/savings.h"
#include "store/loan_store.h"

namespace tdcs::batch {
namespace {

constexpr const char* kUnbalancedEntries =
    "SELECT entry_id, SUM(amount_dong) FROM posting GROUP BY entry_id HAVING SUM(amount_dong) <> 0";
constexpr const char* kLedgerTotal = "SELECT COALESCE(SUM(amount_dong), 0) FROM posting";
constexpr const char* kEntryCount = "SELECT COUNT(*) FROM journal_entry";
constexpr const char* kAggregateMismatch =
    "SELECT b.account_code, b.program_code, b.fund_source, b.office_id, b.balance_dong, "
    "COALESCE(p.total, 0) FROM ledger_balance b LEFT JOIN (SELECT account_code, program_code, "
    "fund_source, office_id, SUM(amount_dong) AS total FROM posting GROUP BY account_code, "
    "program_code, fund_source, office_id) p ON p.account_code = b.account_code AND "
    "p.program_code = b.program_code AND p.fund_source = b.fund_source AND "
    "p.office_id = b.office_id WHERE b.balance_dong <> COALESCE(p.total, 0)";
constexpr const char* kPostingsWithoutAggregate =
    "SELECT COUNT(*) FROM (SELECT DISTINCT account_code, program_code, fund_source, office_id "
    "FROM posting) p WHERE NOT EXISTS (SELECT 1 FROM ledger_balance b WHERE "
    "b.account_code = p.account_code AND b.program_code = p.program_code AND "
    "b.fund_source = p.fund_source AND b.office_id = p.office_id)";
// Each loan's state against its postings, account by account.
constexpr const char* kLoanMismatch =
    "SELECT l.code, l.normal_dong, l.overdue_dong, l.frozen_dong, l.interest_unpaid_dong, "
    "COALESCE(p.normal, 0), COALESCE(p.overdue, 0), COALESCE(p.frozen, 0), COALESCE(p.interest, 0) "
    "FROM loan l LEFT JOIN (SELECT loan_id, "
    "SUM(CASE WHEN account_code = 'LOAN_NORMAL' THEN amount_dong ELSE 0 END) AS normal, "
    "SUM(CASE WHEN account_code = 'LOAN_OVERDUE' THEN amount_dong ELSE 0 END) AS overdue, "
    "SUM(CASE WHEN account_code = 'LOAN_FROZEN' THEN amount_dong ELSE 0 END) AS frozen, "
    "SUM(CASE WHEN account_code = 'INTEREST_RECEIVABLE' THEN amount_dong ELSE 0 END) AS interest "
    "FROM posting WHERE loan_id <> 0 GROUP BY loan_id) p ON p.loan_id = l.id "
    "WHERE l.normal_dong <> COALESCE(p.normal, 0) OR l.overdue_dong <> COALESCE(p.overdue, 0) "
    "OR l.frozen_dong <> COALESCE(p.frozen, 0) OR l.interest_unpaid_dong <> COALESCE(p.interest, "
    "0)";
constexpr const char* kLoanCount = "SELECT COUNT(*) FROM loan";
constexpr const char* kUnknownAccounts =
    "SELECT DISTINCT account_code FROM posting WHERE account_code NOT IN "
    "(SELECT code FROM ledger_account)";
constexpr const char* kSavingsMismatch =
    "SELECT s.id, s.balance_dong, COALESCE(-p.total, 0) FROM savings_account s LEFT JOIN "
    "(SELECT borrower_id, SUM(amount_dong) AS total FROM posting WHERE account_code = "
    "'MEMBER_SAVINGS' GROUP BY borrower_id) p ON p.borrower_id = s.borrower_id "
    "WHERE s.balance_dong <> COALESCE(-p.total, 0)";
constexpr const char* kSavingsCount = "SELECT COUNT(*) FROM savings_account";

std::string Dong(int64_t v) { return Money::Dong(v).ToVietnamese(); }

void DeepCheck(store::Database& db, VerifyReport& report) {
  store::LoanStore store(db);
  std::vector<int64_t> ids;
  {
    auto st = db.Prepare("SELECT id FROM loan WHERE disbursed_on IS NOT NULL ORDER BY id");
    while (st->Step()) ids.push_back(st->GetInt(0));
  }
  for (int64_t id : ids) {
    const loans::Loan stored = *store.LoadLoan(id);
    loans::Loan fresh;
    fresh.terms = stored.terms;
    fresh.terms.borrower_id = store.ApprovedBorrower(id);
    std::vector<loans::RecordedAction> actions;
    for (const auto& t : store.Txns(id))
      if (t.kind != "reverse" && t.reversed_by == 0)
        actions.push_back({t.kind, t.date, t.amount, t.months, t.party_id});
    auto replay = loans::Replay(fresh, actions, stored.processed_to,
                                store.Rates(stored.terms.program), store.Holidays());
    const std::string code = store.LoanCode(id);
    if (!replay.ok()) {
      report.problems.push_back("loan " + code +
                                ": its transactions do not replay: " + replay.error().message_en);
      continue;
    }
    if (fresh.normal != stored.normal || fresh.overdue != stored.overdue ||
        fresh.frozen != stored.frozen || fresh.interest_unpaid != stored.interest_unpaid ||
        store::EncodeInstallments(fresh.installments) !=
            store::EncodeInstallments(stored.installments))
      report.problems.push_back("loan " + code +
                                ": stored state differs from the replay of its transactions");
  }
}

// Each savings account against the replay of its movements in force.
void DeepCheckSavings(store::Database& db, VerifyReport& report) {
  store::LoanStore store(db);
  for (int64_t borrower : store.SavingsBorrowers()) {
    const savings::Account stored = *store.LoadSavings(borrower);
    std::vector<savings::Movement> movements;
    for (const auto& t : store.SavingsTxns(stored.id))
      if (t.kind != "reverse" && t.reversed_by == 0)
        movements.push_back({t.kind, t.date, t.amount});
    savings::Account fresh = stored;
    auto replay = savings::Replay(fresh, movements, stored.accrued_to, store.SavingsRates());
    const std::string name = "savings account " + std::to_string(stored.id);
    if (!replay.ok()) {
      report.problems.push_back(name +
                                ": its movements do not replay: " + replay.error().message_en);
      continue;
    }
    if (fresh.balance != stored.balance || fresh.accrual != stored.accrual)
      report.problems.push_back(name + ": stored balance " + stored.balance.ToVietnamese() +
                                " differs from the replay of its movements (" +
                                fresh.balance.ToVietnamese() + ")");
  }
}

}  // namespace

VerifyReport Verify(store::Database& db, bool deep, const std::function<void(const char*)>& phase) {
  auto say = [&](const char* name) {
    if (phase) phase(name);
  };
  VerifyReport report;
  say("journal entries");
  report.entries = db.QueryInt(kEntryCount).value_or(0);
  report.loans = db.QueryInt(kLoanCount).value_or(0);
  report.savings_accounts = db.QueryInt(kSavingsCount).value_or(0);
  auto st = db.Prepare(kUnbalancedEntries);
  while (st->Step())
    report.problems.push_back("journal entry " + std::to_string(st->GetInt(0)) +
                              " does not balance: its postings sum to " + Dong(st->GetInt(1)));
  const int64_t total = db.QueryInt(kLedgerTotal).value_or(0);
  if (total != 0)
    report.problems.push_back("the ledger does not balance: postings sum to " + Dong(total));
  say("aggregates");
  st = db.Prepare(kAggregateMismatch);
  while (st->Step())
    report.problems.push_back("aggregate ledger_balance " + st->GetText(0) + "/" + st->GetText(1) +
                              "/fund " + std::to_string(st->GetInt(2)) + "/office " +
                              std::to_string(st->GetInt(3)) + " is " + Dong(st->GetInt(4)) +
                              " but its postings sum to " + Dong(st->GetInt(5)));
  if (db.QueryInt(kPostingsWithoutAggregate).value_or(0) > 0)
    report.problems.push_back("postings exist for dimensions missing from ledger_balance");
  say("accounts");
  st = db.Prepare(kUnknownAccounts);
  while (st->Step())
    report.problems.push_back("postings to " + st->GetText(0) + ", an account not in the chart");
  say("loans");
  st = db.Prepare(kLoanMismatch);
  while (st->Step()) {
    static const char* kNames[] = {"normal principal", "overdue principal", "frozen principal",
                                   "unpaid interest"};
    for (int k = 0; k < 4; ++k)
      if (st->GetInt(1 + k) != st->GetInt(5 + k))
        report.problems.push_back("loan " + st->GetText(0) + ": " + kNames[k] + " is " +
                                  Dong(st->GetInt(1 + k)) + " but its postings sum to " +
                                  Dong(st->GetInt(5 + k)));
  }
  say("savings");
  st = db.Prepare(kSavingsMismatch);
  while (st->Step())
    report.problems.push_back("savings account " + std::to_string(st->GetInt(0)) + ": balance " +
                              Dong(st->GetInt(1)) + " but its postings sum to " +
                              Dong(st->GetInt(2)));
  if (deep) {
    say("replay of every loan");
    DeepCheck(db, report);
    say("replay of every savings account");
    DeepCheckSavings(db, report);
  }
  return report;
}

}  // namespace tdcs::batch
