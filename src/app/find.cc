#include "app/find.h"

#include <algorithm>

#include "app/access.h"
#include "app/internal/access.h"
#include "app/internal/loan_history.h"
#include "app/internal/scope.h"
#include "store/loan_store.h"
#include "store/network_store.h"
#include "store/oversight_store.h"
#include "text/text.h"

namespace tdcs::app {

FindResult FindBorrowers(Connection& connection, const Context& context, const std::string& query,
                         int limit) {
  store::Database& db = Db(connection);
  store::NetworkStore store(db);
  std::string folded = text::Fold(query);
  // Only letters, digits and spaces take part in a name match (no LIKE wildcards).
  folded.erase(std::remove_if(folded.begin(), folded.end(),
                              [](char c) { return c == '%' || c == '_' || c == '\\'; }),
               folded.end());
  std::string digits = query;
  digits.erase(std::remove(digits.begin(), digits.end(), ' '), digits.end());
  const bool is_number = !digits.empty() && std::all_of(digits.begin(), digits.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
  FindResult out;
  if (folded.empty() && !is_number) return out;
  std::vector<store::BorrowerRow> rows;
  using Mode = store::NetworkStore::SearchMode;
  // Only the borrowers of the actor's area: members of its groups on the
  // date asked (default: the business date), filtered by the query itself.
  const ScopeCheck scope(db, context.actor);
  const Date on = context.on ? *context.on : store::LoanStore(db).BusinessDate().value_or(Date());
  const auto area = scope.SearchArea(ScopeDate(db, on));  // where they are now
  const auto* filter = area ? &*area : nullptr;
  // Up to kFindSortMax matches are read and sorted, so the page shown is the
  // first in Vietnamese order; beyond that the caller is asked to narrow.
  if (is_number) {
    rows = store.SearchBorrowers(digits, Mode::kNumberPrefix, kFindSortMax + 1, filter);
  } else {
    // The index answers names typed from the start ("nguyen van a"); only when
    // nothing starts so is every name searched for the text inside it ("lan").
    rows = store.SearchBorrowers(folded, Mode::kNamePrefix, kFindSortMax + 1, filter);
    if (rows.empty())
      rows = store.SearchBorrowers(folded, Mode::kNameContains, kFindSortMax + 1, filter);
  }
  text::Collator collator;
  std::stable_sort(rows.begin(), rows.end(),
                   [&](const store::BorrowerRow& a, const store::BorrowerRow& b) {
                     const int c = collator.Compare(a.name, b.name);
                     return c != 0 ? c < 0 : a.code < b.code;
                   });
  if (static_cast<int>(rows.size()) > limit) {
    out.more = true;
    rows.resize(static_cast<size_t>(limit));
  }
  for (auto& row : rows)
    out.borrowers.push_back({std::move(row.code), std::move(row.name), std::move(row.citizen_id),
                             row.birth_date, std::move(row.sex)});
  return out;
}

std::string MaskCitizenId(const std::string& id) {
  // Only the last three digits show: the first six follow from the province,
  // the sex and the birth year, so showing more would give the number away.
  if (id.size() <= 3) return std::string(id.size(), '*');
  return std::string(id.size() - 3, '*') + id.substr(id.size() - 3);
}

Result<BorrowerDetails> ShowBorrower(Connection& connection, const Context& context,
                                     const std::string& code, Date on) {
  store::Database& db = Db(connection);
  store::ReadTransaction snapshot(db);  // the borrower, loans and savings of one moment
  store::NetworkStore network(db);
  const auto unknown = [&] {
    return MakeError(LoanViewRejection::kBorrowerUnknown, "borrower",
                     "Hộ vay '" + code + "' không tồn tại",
                     "Borrower '" + code + "' does not exist");
  };
  const bool digits =
      !code.empty() && code.size() <= 32 &&
      std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits) return unknown();
  const auto id = network.FindBorrowerIdByCode(code);
  ScopeCheck scope(db, context.actor);
  if (!id || !scope.Borrower(*id, on)) return unknown();
  // The version in force on the date (its name and address), else the
  // first one (a date before the borrower was recorded).
  std::optional<store::BorrowerRow> row = network.LoadBorrower(*id, on);
  if (!row) row = network.LoadBorrower(*id);
  if (!row) return unknown();
  BorrowerDetails d;
  d.code = row->code;
  d.name = row->name;
  d.citizen_id = SeesCitizenIds(context.actor) ? row->citizen_id : MaskCitizenId(row->citizen_id);
  d.sex = row->sex;
  d.address = row->address;
  d.birth_date = row->birth_date;
  d.on = on;
  if (const auto p = network.PlacementOn(*id, on)) {
    d.group_code = network.UnitCode("savings_group", p->group_id);
    d.point_code = network.UnitCode("commune_point", p->point_id);
    d.office_code = network.UnitCode("office", p->office_id);
    d.association = p->association;
  }
  LoanListFilter filter;
  filter.borrower_code = code;
  Context at = context;
  at.on = on;
  auto loans = ListLoans(connection, at, filter);
  if (loans.ok()) d.loans = std::move(loans).value();
  // Before the business date, each loan as it stood then (the stored state
  // is today's): one applied for later is not there yet.
  store::LoanStore loans_store(db);
  if (const auto today = loans_store.BusinessDate(); today && on < *today) {
    std::vector<LoanListItem> then;
    for (auto& item : d.loans) {
      const auto loan_id = loans_store.FindLoanId(item.code);
      if (!loan_id) continue;
      auto loan = LoanAsOf(loans_store, *loan_id, on);
      if (!loan.ok()) continue;
      item.status = std::string(loans::LoanStatusKey(loan.value().status));
      item.principal = loan.value().Principal();
      then.push_back(std::move(item));
    }
    d.loans = std::move(then);
  }
  auto savings = SavingsBalance(connection, at, code, on);
  if (savings.ok()) d.savings = savings.value();
  if (const auto account = loans_store.LoadSavings(*id)) {
    auto txns = loans_store.SavingsTxns(account->id);
    std::reverse(txns.begin(), txns.end());  // the latest first
    MovementsAsOf(txns, on, [&](const store::SavingsTxn& x, int64_t reversed_by) {
      if (d.savings_movements.size() == kSavingsShown) {
        d.more_savings_movements = true;
        return false;
      }
      d.savings_movements.push_back({x.id, x.date, x.kind, x.amount, x.entry_id, reversed_by});
      return true;
    });
  }
  // The lines of the actor's area (a line is its group's, as the campaign's
  // own list shows it), of campaigns opened by then.
  const Date scope_on = ScopeDate(db, on);
  for (const auto& r : store::ReconcileLinesOfBorrower(db, *id)) {
    if (r.as_of > on || r.opened_on > on) continue;
    if (!scope.national() && !scope.Group(r.line.group_id, scope_on)) continue;
    const auto& l = r.line;
    // As it stood on `on`: an answer or a resolution given later is not there yet.
    const bool answered = l.answered_on && *l.answered_on <= on;
    const bool resolved = l.resolved_on && *l.resolved_on <= on;
    d.reconciliations.push_back(
        {r.campaign_code, r.as_of, l.principal, l.interest, l.savings,
         answered ? l.answer : std::string(), answered ? l.note : std::string(),
         resolved ? l.resolution : std::string(), answered ? l.answered_on : std::nullopt,
         resolved ? l.resolved_on : std::nullopt});
  }
  return d;
}

}  // namespace tdcs::app
