#include "cli/oversight_commands.h"

#include <fmt/core.h>

#include <iostream>
#include <map>

#include "app/connection.h"
#include "app/context.h"
#include "app/inspect.h"
#include "app/reconcile.h"
#include "base/csv.h"
#include "base/date.h"
#include "cli/command_line.h"

namespace tdcs::cli {

constexpr int kExitUsage = 2;

struct OversightCommands {
  CLI::App *reconcile = nullptr, *reconcile_open = nullptr, *reconcile_list = nullptr,
           *reconcile_answer = nullptr, *reconcile_resolve = nullptr, *reconcile_progress = nullptr;
  CLI::App *inspect = nullptr, *inspect_new = nullptr, *inspect_dormant = nullptr,
           *inspect_plan = nullptr, *inspect_plan_list = nullptr, *inspect_record = nullptr;
  std::string unit, date, code, campaign, group, association,
      format = "text", borrower, discrepancy, resolution, by = "office", office, loan, result, note;
  bool confirmed = false;
  CLI::Option* discrepancy_option = nullptr;
  int year = 0;
};

namespace {

const app::Context kContext = cli::OperatorContext();

Date CheckedDate(const std::string& text) { return *Date::Parse(text); }

std::string Dong(Money m) { return std::to_string(m.dong()); }
std::string Day(const std::optional<Date>& d) { return d ? d->ToIso() : ""; }

const char* AnswerVi(const std::string& answer) {
  if (answer == "confirmed") return "xác nhận đúng / confirmed";
  if (answer == "discrepancy") return "chênh lệch / discrepancy";
  return "chưa trả lời / not yet";
}

// --association given as 11–14 or a key; empty for all.
std::optional<int> Association(const std::string& text, int& out) {
  out = 0;
  if (text.empty()) return std::nullopt;
  auto parsed = app::ParseAssociationCode(text, "association");
  if (!parsed.ok()) return Rejected(parsed.error());
  out = parsed.value();
  return std::nullopt;
}

int RunOpen(app::Connection& db, const OversightCommands& c) {
  auto r = app::OpenReconciliation(db, kContext, {c.unit, CheckedDate(c.date), c.code});
  if (!r.ok()) return Rejected(r.error());
  const auto& o = r.value();
  fmt::print(
      "Đã mở đợt đối chiếu / opened reconciliation {}: {} {}, ngày/as of {}: {} hộ/households in "
      "{} tổ/groups, dư nợ/principal {} đ, lãi/interest {} đ, tiết kiệm/savings {} đ\n",
      o.code, o.unit_kind, o.unit_code, o.as_of.ToVietnamese(), o.households, o.groups,
      o.principal.ToVietnamese(), o.interest.ToVietnamese(), o.savings.ToVietnamese());
  return 0;
}

int RunList(app::Connection& db, const OversightCommands& c) {
  int association = 0;
  if (auto status = Association(c.association, association)) return *status;
  auto r = app::ListReconciliation(db, kContext, c.campaign, c.group, association);
  if (!r.ok()) return Rejected(r.error());
  const auto& list = r.value();
  if (c.format == "csv") {
    csv::WriteRow(std::cout, {"campaign", "as_of", "office_code", "point_code", "group_code",
                              "association", "borrower_code", "borrower_name", "principal",
                              "interest", "savings", "answer", "note", "answered_on", "answered_by",
                              "resolution", "resolved_on", "resolved_by"});
    for (const auto& l : list.lines)
      csv::WriteRow(std::cout, {list.code, list.as_of.ToIso(), l.office_code, l.point_code,
                                l.group_code, std::to_string(l.association), l.borrower_code,
                                l.borrower_name, Dong(l.principal), Dong(l.interest),
                                Dong(l.savings), l.answer, l.note, Day(l.answered_on),
                                l.answered_by, l.resolution, Day(l.resolved_on), l.resolved_by});
    return 0;
  }
  fmt::print(
      "Danh sách 15/TD / list 15/TD: đợt/campaign {}, {} {}, số liệu ngày/figures as of {}\n",
      list.code, list.unit_kind, list.unit_code, list.as_of.ToVietnamese());
  std::string group;
  Money principal, interest, savings;
  auto total = [&] {
    if (!group.empty())
      fmt::print("  Cộng tổ / group total {}: dư nợ {} đ, lãi {} đ, tiết kiệm {} đ\n", group,
                 principal.ToVietnamese(), interest.ToVietnamese(), savings.ToVietnamese());
  };
  for (const auto& l : list.lines) {
    if (l.group_code != group) {
      total();
      group = l.group_code;
      principal = interest = savings = Money::Zero();
      fmt::print("Tổ / group {} (hội/association {}, điểm/point {})\n", group, l.association,
                 l.point_code);
    }
    principal += l.principal;
    interest += l.interest;
    savings += l.savings;
    std::string answer = AnswerVi(l.answer);
    if (!l.note.empty()) answer += ": " + l.note;
    if (l.resolved_on)
      answer += "; đã xử lý / resolved " + l.resolved_on->ToVietnamese() + ": " + l.resolution;
    fmt::print("  {} {:<28} dư nợ {:>14}  lãi {:>11}  tiết kiệm {:>12}  {}\n", l.borrower_code,
               l.borrower_name, l.principal.ToVietnamese(), l.interest.ToVietnamese(),
               l.savings.ToVietnamese(), answer);
  }
  total();
  fmt::print("{} hộ / households\n", list.lines.size());
  return 0;
}

int RunAnswer(app::Connection& db, const OversightCommands& c) {
  auto s =
      app::AnswerReconciliation(db, kContext, {c.campaign, c.borrower, c.confirmed, c.discrepancy});
  if (!s.ok()) return Rejected(s.error());
  fmt::print("Đã ghi / recorded: hộ/borrower {} {}\n", c.borrower,
             c.confirmed ? "xác nhận đúng / confirmed" : "chênh lệch / discrepancy");
  return 0;
}

int RunResolve(app::Connection& db, const OversightCommands& c) {
  auto s = app::ResolveReconciliation(db, kContext, c.campaign, c.borrower, c.resolution);
  if (!s.ok()) return Rejected(s.error());
  fmt::print("Đã xử lý chênh lệch / discrepancy resolved: hộ/borrower {}\n", c.borrower);
  return 0;
}

int RunProgress(app::Connection& db, const OversightCommands& c) {
  auto r = app::ReconciliationProgress(db, kContext, c.campaign, c.by);
  if (!r.ok()) return Rejected(r.error());
  const auto& p = r.value();
  auto row_of = [](const app::ReconcileProgressRow& row) {
    return std::vector<std::string>{row.unit,
                                    std::to_string(row.households),
                                    std::to_string(row.answered),
                                    std::to_string(row.percent),
                                    std::to_string(row.confirmed),
                                    std::to_string(row.discrepancies - row.resolved),
                                    std::to_string(row.resolved)};
  };
  if (c.format == "csv") {
    csv::WriteRow(std::cout, {c.by, "households", "answered", "percent", "confirmed",
                              "discrepancies_open", "discrepancies_resolved"});
    for (const auto& row : p.rows) csv::WriteRow(std::cout, row_of(row));
    csv::WriteRow(std::cout, row_of(p.total));
    return 0;
  }
  fmt::print("Tiến độ đối chiếu / reconciliation progress {}, ngày/as of {}, theo/by {}\n", p.code,
             p.as_of.ToVietnamese(), c.by);
  auto print = [](const app::ReconcileProgressRow& row, const std::string& unit) {
    fmt::print(
        "  {:<32} {}; chênh lệch / discrepancies: {} chưa xử lý / open, {} đã xử lý / "
        "resolved\n",
        unit, row.text, row.discrepancies - row.resolved, row.resolved);
  };
  for (const auto& row : p.rows) print(row, row.unit);
  print(p.total, "Cộng / total");
  return 0;
}

int RunNewLoans(app::Connection& db, const OversightCommands& c) {
  int association = 0;
  if (auto status = Association(c.association, association)) return *status;
  auto r = app::NewLoansToInspect(db, kContext, c.office, CheckedDate(c.date), association);
  if (!r.ok()) return Rejected(r.error());
  if (c.format == "csv") {
    csv::WriteRow(std::cout, {"association", "group_code", "loan_code", "borrower_code", "program",
                              "disbursed_on", "deadline", "days_left", "inspected_on"});
    for (const auto& l : r.value())
      csv::WriteRow(std::cout,
                    {std::to_string(l.association), l.group_code, l.loan_code, l.borrower_code,
                     l.program, l.disbursed_on.ToIso(), l.deadline.ToIso(),
                     std::to_string(l.days_left), Day(l.inspected_on)});
    return 0;
  }
  fmt::print(
      "Khoản vay mới cần kiểm tra (06/TD, trong 30 ngày từ giải ngân) / new loans to inspect "
      "within 30 days: PGD/office {}, ngày/on {}\n",
      c.office, CheckedDate(c.date).ToVietnamese());
  int left = 0;
  for (const auto& l : r.value()) {
    fmt::print("  hội/assoc. {:>2}  tổ {:<8} {:<20} {}  giải ngân {}  hạn/deadline {}  {}\n",
               l.association, l.group_code.empty() ? "-" : l.group_code, l.loan_code,
               l.borrower_code, l.disbursed_on.ToVietnamese(), l.deadline.ToVietnamese(),
               l.inspected_on ? "đã kiểm tra / inspected " + l.inspected_on->ToVietnamese()
                              : fmt::format("chưa / not yet ({} ngày / days left)", l.days_left));
    if (!l.inspected_on) ++left;
  }
  fmt::print("{} khoản vay / loans, {} chưa kiểm tra / not inspected\n", r.value().size(), left);
  return 0;
}

int RunDormant(app::Connection& db, const OversightCommands& c) {
  int association = 0;
  if (auto status = Association(c.association, association)) return *status;
  auto r = app::DormantLoans(db, kContext, c.office, CheckedDate(c.date), association);
  if (!r.ok()) return Rejected(r.error());
  if (c.format == "csv") {
    csv::WriteRow(std::cout, {"association", "group_code", "loan_code", "borrower_code", "program",
                              "disbursed_on", "last_transaction", "principal", "inspected_on"});
    for (const auto& l : r.value())
      csv::WriteRow(std::cout, {std::to_string(l.association), l.group_code, l.loan_code,
                                l.borrower_code, l.program, l.disbursed_on.ToIso(),
                                Day(l.last_transaction), Dong(l.principal), Day(l.inspected_on)});
    return 0;
  }
  fmt::print(
      "Khoản vay 3 tháng không phát sinh giao dịch / loans with no transaction for 3 months: "
      "PGD/office {}, ngày/on {}\n",
      c.office, CheckedDate(c.date).ToVietnamese());
  for (const auto& l : r.value())
    fmt::print(
        "  hội/assoc. {:>2}  tổ {:<8} {:<20} {}  giao dịch cuối / last {}  dư nợ {:>14} đ{}\n",
        l.association, l.group_code.empty() ? "-" : l.group_code, l.loan_code, l.borrower_code,
        l.last_transaction ? l.last_transaction->ToVietnamese() : std::string("-"),
        l.principal.ToVietnamese(),
        l.inspected_on ? "  đã kiểm tra / inspected " + l.inspected_on->ToVietnamese()
                       : std::string());
  fmt::print("{} khoản vay / loans\n", r.value().size());
  return 0;
}

int RunPlan(app::Connection& db, const OversightCommands& c) {
  auto r = app::PlanInspections(db, kContext, {c.unit, c.year});
  if (!r.ok()) return Rejected(r.error());
  fmt::print(
      "Kế hoạch kiểm tra năm {} / inspection plan {}: {}: {} tổ thêm vào / groups added, {} tổ đã "
      "có trong kế hoạch / already planned\n",
      c.year, c.year, c.unit, r.value().added, r.value().already);
  return 0;
}

int RunPlanList(app::Connection& db, const OversightCommands& c) {
  int association = 0;
  if (auto status = Association(c.association, association)) return *status;
  auto r = app::InspectionPlan(db, kContext, c.year, association);
  if (!r.ok()) return Rejected(r.error());
  if (c.format == "csv") {
    csv::WriteRow(std::cout, {"association", "month", "group_code", "group_name", "done_on"});
    for (const auto& e : r.value())
      csv::WriteRow(std::cout, {std::to_string(e.association), std::to_string(e.month),
                                e.group_code, e.group_name, Day(e.done_on)});
    return 0;
  }
  fmt::print("Kế hoạch kiểm tra năm {} / inspection plan {}\n", c.year, c.year);
  int current = -1, done = 0;
  for (const auto& e : r.value()) {
    if (e.association != current) {
      current = e.association;
      fmt::print("Hội / association {}\n", current);
    }
    fmt::print("  tháng/month {:>2}  tổ {:<8} {}  {}\n", e.month, e.group_code, e.group_name,
               e.done_on ? "đã kiểm tra / done " + e.done_on->ToVietnamese()
                         : std::string("chưa / not yet"));
    if (e.done_on) ++done;
  }
  fmt::print("{} tổ / groups, {} đã kiểm tra / done\n", r.value().size(), done);
  return 0;
}

int RunRecord(app::Connection& db, const OversightCommands& c) {
  auto r =
      app::RecordInspection(db, kContext, {c.loan, c.group, CheckedDate(c.date), c.result, c.note});
  if (!r.ok()) return Rejected(r.error());
  fmt::print("Đã ghi kết quả kiểm tra / inspection recorded: {} {}, {}: {}\n",
             c.loan.empty() ? "tổ/group" : "khoản vay/loan", c.loan.empty() ? c.group : c.loan,
             CheckedDate(c.date).ToVietnamese(), c.result);
  return 0;
}

}  // namespace

std::shared_ptr<OversightCommands> AddOversightCommands(
    CLI::App& app, const std::function<void(CLI::App*)>& add_db) {
  auto c = std::make_shared<OversightCommands>();
  auto format = [&](CLI::App* sub) {
    sub->add_option("--format", c->format, "text | csv")->check(CLI::IsMember({"text", "csv"}));
  };
  auto association = [&](CLI::App* sub) {
    sub->add_option("--association", c->association,
                    "one association: 11 farmers, 12 women, 13 veterans, 14 youth");
  };
  c->reconcile = app.add_subcommand("reconcile", "Debt reconciliation, list 15/TD / đối chiếu nợ");
  c->reconcile->require_subcommand(1);
  c->reconcile_open = c->reconcile->add_subcommand(
      "open", "Open a campaign: the area's figures on a date / mở đợt đối chiếu");
  c->reconcile_open
      ->add_option("--unit", c->unit,
                   "a branch, office, commune point or group code (kind:CODE if ambiguous), or "
                   "national")
      ->required();
  c->reconcile_open->add_option("--date", c->date, "the figures' date (YYYY-MM-DD)")
      ->required()
      ->check(IsDate());
  c->reconcile_open->add_option("--code", c->code, "campaign code (default DC-UNIT-YYYYMMDD)");
  add_db(c->reconcile_open);
  c->reconcile_list =
      c->reconcile->add_subcommand("list", "List 15/TD per group / danh sách đối chiếu");
  c->reconcile_list->add_option("--campaign", c->campaign, "campaign code")->required();
  c->reconcile_list->add_option("--group", c->group, "one group's code");
  association(c->reconcile_list);
  format(c->reconcile_list);
  add_db(c->reconcile_list);
  c->reconcile_answer =
      c->reconcile->add_subcommand("answer", "A household's answer / ghi xác nhận của hộ vay");
  c->reconcile_answer->add_option("--campaign", c->campaign, "campaign code")->required();
  c->reconcile_answer->add_option("--borrower", c->borrower, "customer code")->required();
  auto* confirmed = c->reconcile_answer->add_flag("--confirmed", c->confirmed,
                                                  "the household confirms the figures");
  c->discrepancy_option = c->reconcile_answer->add_option(
      "--discrepancy", c->discrepancy, "the household disputes them: what it says");
  confirmed->excludes(c->discrepancy_option);
  add_db(c->reconcile_answer);
  c->reconcile_resolve =
      c->reconcile->add_subcommand("resolve", "Resolve a discrepancy / xử lý chênh lệch");
  c->reconcile_resolve->add_option("--campaign", c->campaign, "campaign code")->required();
  c->reconcile_resolve->add_option("--borrower", c->borrower, "customer code")->required();
  c->reconcile_resolve->add_option("--resolution", c->resolution, "how it was resolved")
      ->required();
  add_db(c->reconcile_resolve);
  c->reconcile_progress =
      c->reconcile->add_subcommand("progress", "How far a campaign has come / tiến độ đối chiếu");
  c->reconcile_progress->add_option("--campaign", c->campaign, "campaign code")->required();
  c->reconcile_progress->add_option("--by", c->by, "office | point | group | association");
  format(c->reconcile_progress);
  add_db(c->reconcile_progress);

  c->inspect = app.add_subcommand("inspect", "Inspections, form 06/TD / kiểm tra");
  c->inspect->require_subcommand(1);
  c->inspect_new = c->inspect->add_subcommand(
      "new-loans", "Loans to inspect within 30 days of disbursement / khoản vay mới");
  c->inspect_dormant = c->inspect->add_subcommand(
      "dormant", "Loans with no transaction for 3 months / khoản vay không phát sinh");
  for (auto* sub : {c->inspect_new, c->inspect_dormant}) {
    sub->add_option("--office", c->office, "office code")->required();
    sub->add_option("--date", c->date, "the date (YYYY-MM-DD)")->required()->check(IsDate());
    association(sub);
    format(sub);
    add_db(sub);
  }
  c->inspect_plan = c->inspect->add_subcommand(
      "plan", "Plan a year's inspections of every group of an area / lập kế hoạch kiểm tra");
  c->inspect_plan
      ->add_option("--unit", c->unit,
                   "a branch, office, commune point or group code (kind:CODE if ambiguous), or "
                   "national")
      ->required();
  c->inspect_plan->add_option("--year", c->year, "the year")
      ->required()
      ->check(CLI::Range(1900, 2999));
  add_db(c->inspect_plan);
  c->inspect_plan_list =
      c->inspect->add_subcommand("plan-list", "A year's plan per association / xem kế hoạch");
  c->inspect_plan_list->add_option("--year", c->year, "the year")
      ->required()
      ->check(CLI::Range(1900, 2999));
  association(c->inspect_plan_list);
  format(c->inspect_plan_list);
  add_db(c->inspect_plan_list);
  c->inspect_record =
      c->inspect->add_subcommand("record", "Record an inspection's result / ghi kết quả kiểm tra");
  auto* loan = c->inspect_record->add_option("--loan", c->loan, "the loan inspected");
  auto* group = c->inspect_record->add_option("--group", c->group, "the group inspected");
  loan->excludes(group);
  c->inspect_record->add_option("--date", c->date, "the inspection's date (YYYY-MM-DD)")
      ->required()
      ->check(IsDate());
  c->inspect_record->add_option("--result", c->result, "ok | issue")->required();
  c->inspect_record->add_option("--note", c->note, "what was found");
  add_db(c->inspect_record);
  return c;
}

std::optional<int> RunOversightCommand(const OversightCommands& c, const std::string& db_target) {
  if (!*c.reconcile && !*c.inspect) return std::nullopt;
  if (*c.reconcile_answer && c.confirmed == (c.discrepancy_option->count() > 0)) {
    fmt::print(stderr,
               "Cần đúng một trong --confirmed, --discrepancy GHI_CHÚ / exactly one of "
               "--confirmed, --discrepancy NOTE is required\n");
    return kExitUsage;
  }
  if (*c.inspect_record && c.loan.empty() && c.group.empty()) {
    fmt::print(stderr, "Cần --loan hoặc --group / --loan or --group is required\n");
    return kExitUsage;
  }
  auto db = app::Connection::OpenInitialised(db_target);
  if (*c.reconcile_open) return RunOpen(*db, c);
  if (*c.reconcile_list) return RunList(*db, c);
  if (*c.reconcile_answer) return RunAnswer(*db, c);
  if (*c.reconcile_resolve) return RunResolve(*db, c);
  if (*c.reconcile_progress) return RunProgress(*db, c);
  if (*c.inspect_new) return RunNewLoans(*db, c);
  if (*c.inspect_dormant) return RunDormant(*db, c);
  if (*c.inspect_plan) return RunPlan(*db, c);
  if (*c.inspect_plan_list) return RunPlanList(*db, c);
  if (*c.inspect_record) return RunRecord(*db, c);
  return std::nullopt;
}

}  // namespace tdcs::cli
