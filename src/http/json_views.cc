#include "http/json_views.h"

#include <nlohmann/json.hpp>

namespace tdcs::http {
namespace {

using nlohmann::json;

json OptionalDate(const std::optional<Date>& d) { return d ? json(d->ToIso()) : json(nullptr); }

}  // namespace

std::string LoanDetailsJson(const app::LoanDetails& d) {
  const auto& v = d.view;
  json schedule = json::array();
  for (const auto& i : d.schedule)
    schedule.push_back({{"due", i.due.ToIso()},
                        {"shares", i.shares},
                        {"amount_dong", i.amount.dong()},
                        {"paid_dong", i.paid.dong()},
                        {"state", i.state}});
  json transactions = json::array();
  for (const auto& t : d.transactions)
    transactions.push_back({{"id", t.id},
                            {"date", t.date.ToIso()},
                            {"kind", t.kind},
                            {"amount_dong", t.amount.dong()},
                            {"months", t.months},
                            {"entry_id", t.entry_id},
                            {"reverses", t.reverses ? json(t.reverses) : json(nullptr)},
                            {"reversed_by", t.reversed_by ? json(t.reversed_by) : json(nullptr)}});
  return json{{"code", v.code},
              {"status", v.status},
              {"borrower_code", v.borrower_code},
              {"on", d.on.ToIso()},
              {"program", d.program},
              {"fund_source", d.fund_source},
              {"approved_dong", d.approved.dong()},
              {"disbursed_dong", d.disbursed.dong()},
              {"principal_dong", v.principal.dong()},
              {"overdue_dong", v.overdue.dong()},
              {"frozen_dong", v.frozen.dong()},
              {"principal_due_dong", v.principal_due.dong()},
              {"interest_due_dong", v.interest_due.dong()},
              {"interest_unpaid_dong", d.interest_unpaid.dong()},
              {"term_months", d.term_months},
              {"every_months", d.every_months},
              {"grace_months", d.grace_months},
              {"session_day", d.session_day},
              {"disbursed_on", OptionalDate(d.disbursed_on)},
              {"maturity", OptionalDate(d.maturity)},
              {"next_due", OptionalDate(v.next_due)},
              {"schedule", schedule},
              {"transactions", transactions}}
      .dump();
}

}  // namespace tdcs::http
