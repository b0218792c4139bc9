#include "cli/report_commands.h"

#include <fmt/core.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "app/connection.h"
#include "app/context.h"
#include "app/entrusted_work.h"
#include "app/loans.h"
#include "app/reports.h"
#include "base/date.h"
#include "base/fault.h"
#include "cli/command_line.h"
#include "cli/rejections.h"
#include "http/json_views.h"
#include "http/report_forms.h"

namespace tdcs::cli {

struct ReportCommands {
  CLI::App* report = nullptr;
  CLI::App *plan = nullptr, *plan_set = nullptr, *plan_show = nullptr;
  app::PlanTargetRequest plan_request;
  std::string plan_at, plan_format = "text";
  std::string name, unit = "national", at, from, to, structure, association, program, fund,
                    format = "json", out;
  bool force = false, english = false;
  int year = 0;
};

namespace {

const app::Context kContext = cli::OperatorContext();

int Run(const ReportCommands& c, const std::string& db_target) {
  if (auto bad = http::CheckReportName(c.name, c.format); !bad.ok()) return Rejected(bad.error());
  const bool to_stdout = c.out.empty() || c.out == "-";
  if (c.format == "xlsx" && to_stdout)
    return Rejected(MakeError(CommandRejection::kOutputRequired, "out",
                              "Tệp Excel cần --out TỆP.xlsx", "A workbook needs --out FILE.xlsx"));
  std::error_code ignored;
  if (!to_stdout && !c.force && std::filesystem::exists(c.out, ignored))
    return Rejected(MakeError(CommandRejection::kExportTargetExists, "out",
                              "Tệp " + c.out + " đã có; thêm --force để ghi đè",
                              "File " + c.out + " exists; pass --force to overwrite it"));
  auto db = app::Connection::OpenInitialised(db_target);
  app::ReportRequest r;
  r.unit = c.unit;
  const std::string& at = !c.to.empty() ? c.to : c.at;
  if (c.year != 0) {
    // A year: from 1 January to 31 December, or to the business date in
    // the year still running.
    r.at = *Date::FromCivil(c.year, 12, 31);
    r.from = *Date::FromCivil(c.year, 1, 1);
    // (A year after the business date's: its start is after that date,
    // refused as PERIOD_INVALID.)
    if (auto today = app::BusinessDate(*db); today && *today < r.at) r.at = *today;
  } else if (!at.empty()) {
    r.at = *Date::Parse(at);
  } else {
    auto today = app::BusinessDate(*db);
    if (!today)
      return Rejected(MakeError(app::ReportRejection::kBusinessDateMissing, "at",
                                "Chưa có ngày làm việc: hãy cho biết ngày (--at YYYY-MM-DD)",
                                "No business date yet: give the date (--at YYYY-MM-DD)"));
    r.at = *today;
  }
  if (!c.from.empty()) r.from = *Date::Parse(c.from);
  if (!c.structure.empty()) r.structure_on = *Date::Parse(c.structure);
  r.association = c.association;
  r.program = c.program;
  if (!c.fund.empty()) {
    if (c.fund != "1" && c.fund != "2")
      return Rejected(MakeError(app::ReportRejection::kFundSourceUnknown, "fund",
                                "Nguồn vốn là 1 (trung ương) hoặc 2 (ngân sách địa phương)",
                                "A fund source is 1 (central) or 2 (local budget)"));
    r.fund_source = c.fund == "1" ? 1 : 2;
  }
  auto produced = http::ProduceReport(*db, kContext, c.name, r, c.english);
  if (!produced.ok()) return Rejected(produced.error());
  const std::string& json = produced.value().json;
  const app::ReportLayout& layout = produced.value().layout;
  if (const auto& text = produced.value().narrative) {
    if (to_stdout) {
      std::cout << *text;
    } else {
      std::ofstream out(c.out, std::ios::binary);
      out << *text;
      if (!out.flush()) throw StorageFault("cannot write " + c.out);
    }
    return 0;
  }
  if (c.format == "xlsx") {
    const std::string error = http::WriteReportXlsx(layout, c.out);
    if (!error.empty()) throw StorageFault("cannot write " + c.out + ": " + error);
    fmt::print(stderr, "Đã ghi / wrote {}\n", c.out);
    return 0;
  }
  auto write = [&](std::ostream& out) {
    if (c.format == "json")
      out << json;
    else if (c.format == "csv")
      http::WriteReportCsv(layout, out);
    else
      http::WriteReportHtml(layout, out);
  };
  if (to_stdout) {
    write(std::cout);
  } else {
    std::ofstream out(c.out, std::ios::binary);
    write(out);
    if (!out.flush()) throw StorageFault("cannot write " + c.out);
    fmt::print(stderr, "Đã ghi / wrote {}\n", c.out);
  }
  return 0;
}

int RunPlan(const ReportCommands& c, const std::string& db_target) {
  auto db = app::Connection::OpenInitialised(db_target);
  Result<app::PlanReport> report = Error{};
  if (*c.plan_set) {
    report = app::SetPlan(*db, kContext, c.plan_request);
  } else {
    app::ReportRequest r;
    r.unit = c.plan_request.unit;
    if (!c.plan_at.empty()) {
      r.at = *Date::Parse(c.plan_at);
    } else {
      // The year's end, or the business date in the year running.
      r.at = *Date::FromCivil(c.plan_request.year, 12, 31);
      if (auto today = app::BusinessDate(*db); today && *today < r.at) r.at = *today;
    }
    report = app::Plan(*db, kContext, c.plan_request.year, r);
  }
  if (!report.ok()) return Rejected(report.error());
  const auto& p = report.value();
  if (c.plan_format == "csv") {
    http::WriteReportCsv(app::LayoutOf(p), std::cout);
    return 0;
  }
  fmt::print("Kế hoạch năm / plan of {} — {} ({}), dư nợ ngày / outstanding on {}\n", p.year,
             p.heading.unit_name.empty() ? p.heading.unit_code : p.heading.unit_name,
             p.heading.unit_kind, p.heading.at.ToVietnamese());
  for (const auto& l : p.lines)
    fmt::print(
        "  {} {}: kế hoạch/target {} đ, đã giao/allocated {} đ, dư nợ/outstanding {} đ, "
        "đạt/attained {}\n",
        l.program, l.program_name, Money::Dong(l.target).ToVietnamese(),
        Money::Dong(l.allocated).ToVietnamese(), Money::Dong(l.outstanding).ToVietnamese(),
        l.target ? app::PercentVietnamese(l.AttainmentBp()) : std::string("—"));
  fmt::print("  Cộng / total: {} đ, đạt/attained {}\n", Money::Dong(p.total.target).ToVietnamese(),
             p.total.target ? app::PercentVietnamese(p.total.AttainmentBp()) : std::string("—"));
  return 0;
}

}  // namespace

std::shared_ptr<ReportCommands> AddReportCommands(CLI::App& app,
                                                  const std::function<void(CLI::App*)>& add_db) {
  auto c = std::make_shared<ReportCommands>();
  c->report = app.add_subcommand(
      "report", "Reports for any unit and date / báo cáo theo đơn vị và ngày (RULES §9)");
  c->report
      ->add_option("name", c->name,
                   "headline | by-commune (BCDHTD 01.1) | by-program (BCDHTD 01.2) | by-group "
                   "(LEN_31) | ratings (BC0437) | narrative")
      ->required();
  c->report->add_option("--unit", c->unit,
                        "national; a branch, office, commune point or group code (kind:CODE); "
                        "commune:CODE, commune:L:CODE, commune:N:CODE");
  auto* at =
      c->report
          ->add_option("--at", c->at, "balances at the end of this day (default: business date)")
          ->check(IsDate());
  auto* from =
      c->report->add_option("--from", c->from, "turnover from this day (default: 1 January)")
          ->check(IsDate());
  auto* to = c->report->add_option("--to", c->to, "the period's last day (the same as --at)")
                 ->check(IsDate())
                 ->excludes(at);
  c->report
      ->add_option("--structure", c->structure,
                   "the network's structure of this date (default: --at)")
      ->check(IsDate());
  c->report->add_option("--association", c->association,
                        "farmers | women | veterans | youth (or 11–14)");
  c->report->add_option("--program", c->program, "a program code");
  c->report->add_option("--fund", c->fund, "1 central | 2 local budget");
  c->report->add_option("--format", c->format, "json (default) | csv | xlsx | html");
  c->report
      ->add_option("--year", c->year,
                   "a calendar year: 1 January to 31 December (or to the business date)")
      ->check(CLI::Range(1995, 2100))
      ->excludes(at)
      ->excludes(from)
      ->excludes(to);
  c->report->add_flag("--english", c->english, "narrative: in English / bằng tiếng Anh");
  c->report->add_option("--out", c->out, "output file (default: standard output)");
  c->report->add_flag("--force", c->force, "overwrite the output file / ghi đè tệp đã có");
  add_db(c->report);

  c->plan = app.add_subcommand("plan", "The year's plan / kế hoạch năm (RULES §9.8)");
  c->plan->require_subcommand(1);
  c->plan_set = c->plan->add_subcommand(
      "set", "Set a unit's target outstanding of a program / giao chỉ tiêu dư nợ");
  c->plan_show =
      c->plan->add_subcommand("show", "A unit's plan and its attainment / kế hoạch và mức đạt");
  for (auto* sub : {c->plan_set, c->plan_show}) {
    sub->add_option("--year", c->plan_request.year, "the plan's year")->required();
    sub->add_option("--unit", c->plan_request.unit, "national, a branch or an office code");
    add_db(sub);
  }
  c->plan_set->add_option("--program", c->plan_request.program, "a program code")->required();
  c->plan_set
      ->add_option("--amount", c->plan_request.amount,
                   "the outstanding to reach by 31 December, đồng (5.171.000.000.000)")
      ->required();
  c->plan_show
      ->add_option("--at", c->plan_at,
                   "attainment on this day (default: 31 December or the business date)")
      ->check(IsDate());
  c->plan_show->add_option("--format", c->plan_format, "text (default) | csv")
      ->check(CLI::IsMember({"text", "csv"}));
  return c;
}

std::optional<int> RunReportCommand(const ReportCommands& c, const std::string& db_target) {
  if (*c.plan) return RunPlan(c, db_target);
  if (!*c.report) return std::nullopt;
  return Run(c, db_target);
}

}  // namespace tdcs::cli
