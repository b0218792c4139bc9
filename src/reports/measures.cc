#include "reports/measures.h"

#include "ledger/ledger.h"

namespace tdcs::reports {

char TermClass(int term_months) {
  if (term_months <= 12) return 's';
  if (term_months <= 60) return 'm';
  return 'l';
}

namespace {

bool IsPrincipal(const std::string& account) {
  return account == ledger::account::kLoanNormal || account == ledger::account::kLoanOverdue ||
         account == ledger::account::kLoanFrozen;
}

bool IsInterest(const std::string& account) {
  return account == ledger::account::kInterestIncome ||
         account == ledger::account::kInterestReceivable;
}

}  // namespace

bool IsReportedAccount(std::string_view account) {
  return IsPrincipal(std::string(account)) || account == ledger::account::kInterestReceivable ||
         account == ledger::account::kWriteOffPrincipal ||
         account == ledger::account::kWriteOffInterest;
}

EntryEffect LoanEntryEffect(const LoanPlace& place, LoanPosition& position,
                            const ledger::Entry& entry) {
  EntryEffect out;
  const std::string_view kind =
      entry.kind == "reverse" ? std::string_view(entry.undoes) : std::string_view(entry.kind);
  int64_t principal = 0, interest = 0;
  int64_t heir = 0, principal_borrower = 0;
  for (const auto& p : entry.postings) {
    const int64_t amount = p.amount.dong();
    if (IsReportedAccount(p.account))
      out.deltas.push_back(
          {std::string(kBalancePrefix) + p.account, place.program, place.fund_source, amount});
    if (IsPrincipal(p.account)) {
      principal += amount;
      if (principal_borrower == 0) principal_borrower = p.borrower_id;
    }
    if (IsInterest(p.account)) interest += amount;
    // An inheritance, or its reversal: the debt goes to the borrower its
    // postings name.
    if (kind == "inherit" && p.borrower_id != 0 && p.borrower_id != position.borrower_id)
      heir = p.borrower_id;
  }
  auto add = [&](std::string_view measure, int64_t delta) {
    if (delta != 0)
      out.deltas.push_back({std::string(measure), place.program, place.fund_source, delta});
  };
  if (kind == "disburse") add(kDisbursed, principal);
  if (kind == "disburse" || kind == "open") {
    const bool had = position.disbursed > 0;
    position.disbursed += principal;
    const bool has = position.disbursed > 0;
    if (had != has) out.reached = has ? 1 : -1;
  }
  if (kind == "pay" || kind == "pay_savings") {
    add(kRepaid, -principal);
    add(kInterestCollected, -interest);
  }
  add(std::string(kTermPrefix) + TermClass(place.term_months), principal);

  // A loan that owes nothing is owed, from its next principal, by whoever
  // the ledger names (an heir who took over a loan not yet disbursed).
  if (position.principal == 0 && principal_borrower != 0) position.borrower_id = principal_borrower;
  const int64_t before = position.principal;
  position.principal += principal;
  const bool owed = before > 0, owes = position.principal > 0;
  if (owed != owes) {
    add(kLoansOwing, owes ? 1 : -1);
    out.households.push_back({position.borrower_id, owes ? 1 : -1});
  }
  if (heir != 0 && heir != position.borrower_id) {
    // The heir owes the loan from now on: the household count moves with it.
    if (owes) {
      out.households.push_back({position.borrower_id, -1});
      out.households.push_back({heir, 1});
    }
    position.borrower_id = heir;
  }
  return out;
}

}  // namespace tdcs::reports
