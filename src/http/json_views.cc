#include "http/json_views.h"

#include <nlohmann/json.hpp>

#include "entrusted/rating.h"
#include "programs/outcomes.h"

namespace tdcs::http {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

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

namespace {
// Every outcome kind with its count (0 when none).
ordered_json Counts(const std::map<std::string, int64_t>& counts) {
  ordered_json out = ordered_json::object();
  for (auto kind : programs::kOutcomeKinds) {
    const auto it = counts.find(std::string(kind));
    out[std::string(kind)] = it == counts.end() ? 0 : it->second;
  }
  return out;
}
}  // namespace

std::string HeadlineJson(const app::HeadlineReport& r) {
  const int64_t outstanding = r.end.Outstanding();
  ordered_json by_association = {{"farmers", 0}, {"women", 0}, {"veterans", 0}, {"youth", 0}};
  for (const auto& [a, amount] : r.by_association)
    by_association[app::AssociationReportKey(a)] = amount;
  ordered_json by_program = ordered_json::object();
  for (const auto& [p, amount] : r.by_program) by_program[p] = amount;
  ordered_json overdue_by_program = ordered_json::object();
  for (const auto& [p, amount] : r.overdue_by_program) overdue_by_program[p] = amount;
  ordered_json frozen_by_program = ordered_json::object();
  for (const auto& [p, amount] : r.frozen_by_program) frozen_by_program[p] = amount;
  ordered_json by_fund = ordered_json::object();
  for (const auto& [f, amount] : r.by_fund_source) by_fund[app::FundSourceKey(f)] = amount;
  ordered_json ratings = {
      {"month", r.rating_month.empty() ? ordered_json(nullptr) : ordered_json(r.rating_month)}};
  for (const char* k : {"tot", "kha", "trung_binh", "yeu"}) {
    const auto it = r.ratings.find(k);
    ratings[k] = it == r.ratings.end() ? 0 : it->second;
  }
  ordered_json filters = ordered_json::object();
  if (!r.association.empty()) filters["association"] = r.association;
  if (!r.program.empty()) filters["program"] = r.program;
  if (r.fund_source) filters["fund_source"] = *r.fund_source;
  ordered_json out = {
      {"report", "headline"},
      {"unit", r.unit_kind == "national" ? std::string("national") : r.unit_code},
      {"unit_kind", r.unit_kind},
      {"unit_name", r.unit_name},
      {"at", r.at.ToIso()},
      {"from", r.from.ToIso()},
      {"structure_on", r.structure_on.ToIso()},
      {"filters", filters},
      {"outstanding_dong", outstanding},
      {"normal_dong", r.end.normal},
      {"overdue_dong", r.end.overdue},
      {"frozen_dong", r.end.frozen},
      {"overdue_ratio_bp", r.OverdueBp()},
      {"frozen_ratio_bp", r.FrozenBp()},
      {"outstanding_before_dong", r.start.Outstanding()},
      {"growth_dong", r.GrowthDong()},
      {"plan_dong", r.plan ? ordered_json(*r.plan) : ordered_json(nullptr)},
      {"plan_attainment_bp", r.plan ? ordered_json(*r.PlanAttainmentBp()) : ordered_json(nullptr)},
      {"interest_receivable_dong", r.end.interest_receivable},
      {"lent_dong", r.lent},
      {"collected_dong", r.collected},
      {"interest_collected_dong", r.interest_collected},
      {"written_off_dong", r.written_off},
      // Customers are households: not split by program or fund source.
      {"customers",
       r.program.empty() && !r.fund_source ? ordered_json(r.end.customers) : ordered_json(nullptr)},
      {"loans", r.end.loans},
      {"groups", r.groups},
      {"households", r.households},
      {"points", r.points},
      {"by_association", by_association},
      {"by_program", by_program},
      {"overdue_by_program", overdue_by_program},
      {"frozen_by_program", frozen_by_program},
      {"by_fund_source", by_fund},
      {"by_term",
       {{"short", r.end.short_term}, {"medium", r.end.medium_term}, {"long", r.end.long_term}}},
      {"outcomes", Counts(r.outcomes)},
      {"outcomes_to_date", Counts(r.end.outcomes)},
      {"averages",
       {{"per_customer_dong",
         !r.program.empty() || r.fund_source
             ? ordered_json(nullptr)
             : ordered_json(r.end.customers ? outstanding / r.end.customers : 0)},
        {"per_group_dong", r.groups ? outstanding / r.groups : 0},
        {"per_point_dong", r.points ? outstanding / r.points : 0}}},
      {"ratings", ratings}};
  return out.dump(2) + "\n";
}

namespace {

ordered_json Filters(const app::HeadlineReport& r) {
  ordered_json filters = ordered_json::object();
  if (!r.association.empty()) filters["association"] = r.association;
  if (!r.program.empty()) filters["program"] = r.program;
  if (r.fund_source) filters["fund_source"] = *r.fund_source;
  return filters;
}

ordered_json RowJson(const app::BreakdownRow& row) {
  const int64_t outstanding = row.end.Outstanding();
  return {
      {"code", row.code},
      {"name", row.name},
      {"outstanding_before_dong", row.start.Outstanding()},
      {"lent_dong", row.lent},
      {"collected_dong", row.collected},
      {"interest_collected_dong", row.interest_collected},
      {"outstanding_dong", outstanding},
      {"overdue_dong", row.end.overdue},
      {"frozen_dong", row.end.frozen},
      {"overdue_ratio_bp",
       outstanding == 0 ? 0
                        : static_cast<int64_t>(
                              (static_cast<__int128>(row.end.overdue) * 10'000 + outstanding / 2) /
                              outstanding)},
      {"loans", row.end.loans},
      {"customers", row.end.customers}};
}

}  // namespace

std::string BreakdownJson(const app::BreakdownReport& r) {
  const auto& h = r.heading;
  ordered_json rows = ordered_json::array();
  for (const auto& row : r.rows) rows.push_back(RowJson(row));
  ordered_json out = {{"report", r.name},
                      {"unit", h.unit_kind == "national" ? std::string("national") : h.unit_code},
                      {"unit_kind", h.unit_kind},
                      {"unit_name", h.unit_name},
                      {"at", h.at.ToIso()},
                      {"from", h.from.ToIso()},
                      {"structure_on", h.structure_on.ToIso()},
                      {"filters", Filters(h)},
                      {"rows", rows},
                      {"total", RowJson(r.total)}};
  return out.dump(2) + "\n";
}

std::string RatingsJson(const app::RatingsReport& r) {
  const auto& h = r.heading;
  ordered_json groups = ordered_json::array();
  for (const auto& row : r.rows) {
    ordered_json criteria = ordered_json::object();
    for (size_t i = 0; i < entrusted::kAllCriteria.size(); ++i)
      criteria[std::string(entrusted::Key(entrusted::kAllCriteria[i]))] = {
          {"figure_bp", row.figure_bp[i]}, {"points", row.points[i]}};
    groups.push_back({{"commune", row.commune},
                      {"association", row.association},
                      {"group", row.group_code},
                      {"name", row.group_name},
                      {"criteria", criteria},
                      {"total", row.total},
                      {"class", row.class_key}});
  }
  ordered_json by_commune = ordered_json::object();
  for (const auto& [commune, counts] : r.by_commune) by_commune[commune] = counts;
  ordered_json out = {{"report", "ratings"},
                      {"unit", h.unit_kind == "national" ? std::string("national") : h.unit_code},
                      {"unit_kind", h.unit_kind},
                      {"unit_name", h.unit_name},
                      {"at", h.at.ToIso()},
                      {"structure_on", h.structure_on.ToIso()},
                      {"filters", Filters(h)},
                      {"month", r.month.empty() ? ordered_json(nullptr) : ordered_json(r.month)},
                      {"by_class", r.by_class},
                      {"by_commune", by_commune},
                      {"groups", groups}};
  return out.dump(2) + "\n";
}

}  // namespace tdcs::http
