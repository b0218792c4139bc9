// tdcs: the TDCS command line and server. Each subcommand parses its options,
// calls one use case of app/ and prints the outcome; exit status 0 on
// success, 1 on a business rejection (bad input), 2 on a usage error (an
// unknown option, a missing argument, a value of the wrong form: a date, a
// seed, an empty --db), 3 on an infrastructure fault (no such database,
// database unreachable, disk full). Faults are printed without SQL; with
// TDCS_DEBUG=1 the failing statement follows on stderr.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string_view>
#include <tuple>

#include "app/books.h"
#include "app/connection.h"
#include "app/context.h"
#include "app/entrusted_work.h"
#include "app/export.h"
#include "app/find.h"
#include "app/generate.h"
#include "app/import.h"
#include "app/loans.h"
#include "app/network_ops.h"
#include "app/reports.h"
#include "app/sessions.h"
#include "app/setup.h"
#include "app/simulate.h"
#include "app/users.h"
#include "base/check.h"
#include "base/csv.h"
#include "cli/command_line.h"
#include "cli/oversight_commands.h"
#include "cli/progress.h"
#include "cli/rejections.h"
#include "cli/report_commands.h"
#include "cli/session_forms.h"
#include "cli/user_commands.h"
#include "http/json_views.h"
#include "http/server.h"
#include "scenario/scenario.h"

namespace {

using namespace tdcs;

using cli::IsDate;
using cli::kExitRejected;
using cli::Rejected;
constexpr int kExitUsage = 2;
constexpr int kExitFault = 3;

// A close over more days than this at once asks for --yes first: a mistyped
// year would otherwise run the end of day for decades.
constexpr int kCloseDaysUnconfirmed = 31;
// The most database connections (and threads) `tdcs serve --db-pool` takes.
constexpr int kMaxPool = 256;
// The longest `tdcs find` query, as the server's `q` (docs/API.md).
constexpr size_t kFindQueryMaxBytes = 200;

// Option values checked while parsing, so that a bad one is a usage error
// (exit 2) naming the option: CLI11 puts the option's name before the message.

CLI::Validator IsMonth() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        if (app::ParseMonth(text, "month").ok()) return {};
        return "tháng không hợp lệ / not a month (YYYY-MM): '" + text + "'";
      },
      "MONTH");
}

// 1 to `max_digits` decimal digits, nothing else (no sign: "-1" is refused,
// not wrapped around).
bool IsDigits(const std::string& text, size_t max_digits) {
  return !text.empty() && text.size() <= max_digits &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

CLI::Validator IsWholeNumber() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        if (IsDigits(text, 19)) return {};
        return "cần số nguyên từ 0 trở lên / must be a whole number, 0 or more: '" + text + "'";
      },
      "0 OR MORE");
}

CLI::Validator IsPositive() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        if (IsDigits(text, 9) && std::stoi(text) >= 1) return {};
        return "cần số nguyên từ 1 trở lên / must be a whole number, 1 or more: '" + text + "'";
      },
      "1 OR MORE");
}

CLI::Validator IsNotEmpty() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        if (!text.empty()) return {};
        return "không được để trống / must not be empty";
      },
      "");
}

// A required option has no default to show (CLI11 would show the initial
// value of its variable).
void HideDefaultsOfRequired(CLI::App& command) {
  for (CLI::Option* option : command.get_options())
    if (option->get_required()) option->default_str("");
  for (CLI::App* sub : command.get_subcommands([](CLI::App*) { return true; }))
    HideDefaultsOfRequired(*sub);
}

// A date option CLI11 has checked with IsDate().
Date CheckedDate(const std::string& text) {
  const auto date = Date::Parse(text);
  TDCS_CHECK(date.has_value());
  return *date;
}

// TDCS_DEBUG=1: a storage fault's SQL statement is printed too.
bool DebugMode() {
  const char* value = std::getenv("TDCS_DEBUG");
  return value != nullptr && std::string_view(value) == "1";
}

std::unique_ptr<app::Connection> OpenInitialised(const std::string& target) {
  return app::Connection::OpenInitialised(target);
}

// The command line acts as the operator at the console.
const app::Context kContext = cli::OperatorContext();

void PrintErrors(const std::vector<RowError>& errors) {
  for (const auto& e : errors) {
    if (e.line == 0)
      fmt::print(stderr, "  tệp/file: {}\n", e.error.ToString());  // about the whole file
    else
      fmt::print(stderr, "  dòng/line {}: {}\n", e.line, e.error.ToString());
  }
}

// The --on date (checked by IsDate()), or the database's business date when
// it is not given.
std::optional<Date> OnOrBusinessDate(const std::string& text, app::Connection& connection) {
  if (!text.empty()) return CheckedDate(text);
  auto today = app::BusinessDate(connection);
  if (!today)
    fmt::print(stderr, "Chưa có ngày làm việc, hãy dùng --on / no business date yet: use --on\n");
  return today;
}

int RunInit(const std::string& db_target, const std::string& admin) {
  auto db = app::Connection::Open(db_target);
  auto summary = app::InitDatabase(*db);
  fmt::print("Đã khởi tạo / initialised {}: {} migration(s), {} administrative rows, {} programs\n",
             db->Describe(), summary.migrations_applied.size(), summary.admin_rows,
             summary.programs);
  if (admin.empty()) return 0;
  // The first administrator: the password from standard input (RULES §14).
  const auto password = cli::ReadPassword();
  if (!password) return kExitRejected;
  auto user = app::AddUser(*db, kContext, {admin, "admin", "national", "", *password});
  if (!user.ok()) return Rejected(user.error());
  fmt::print("Quản trị / administrator: {}\n", user.value().login);
  return 0;
}

int RunImport(const std::string& db_target, const std::string& kind_text, const std::string& file,
              bool update) {
  auto kind = app::ParseImportKind(kind_text);
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    fmt::print(stderr, "Không mở được tệp / cannot open file: {}\n", file);
    return kExitRejected;
  }
  auto db = OpenInitialised(db_target);
  cli::Progress progress;
  auto report =
      app::Import(*db, kContext, *kind, in,
                  [&](int64_t d, int64_t t, const char* p) { progress.Update(d, t, p); }, {update});
  progress.Finish();
  for (const auto& w : report.warnings) fmt::print(stderr, "Cảnh báo / warning: {}\n", w);
  if (!report.ok()) {
    fmt::print(stderr,
               "Từ chối nhập tệp {}: {} lỗi; cơ sở dữ liệu không thay đổi.\n"
               "Import of {} rejected: {} error(s); the database is unchanged.\n",
               file, report.errors.size(), file, report.errors.size());
    PrintErrors(report.errors);
    return kExitRejected;
  }
  if (update)
    fmt::print("Đã nhập / imported {} {} rows from {} ({} thay đổi / changed, {} mới / new)\n",
               report.written, kind_text, file, report.updated, report.written - report.updated);
  else
    fmt::print("Đã nhập / imported {} {} rows from {}\n", report.written, kind_text, file);
  return 0;
}

int RunExport(const std::string& db_target, const std::string& kind_text, const std::string& file,
              const std::string& on_text, bool mask, bool force) {
  auto kind = app::ParseImportKind(kind_text);
  const bool to_stdout = file.empty() || file == "-";
  std::error_code ignored;
  if (!to_stdout && !force && std::filesystem::exists(file, ignored))
    return Rejected(MakeError(cli::CommandRejection::kExportTargetExists, "file",
                              "Tệp " + file + " đã có; thêm --force để ghi đè",
                              "File " + file + " exists; pass --force to overwrite it"));
  auto db = OpenInitialised(db_target);
  auto on = OnOrBusinessDate(on_text, *db);
  if (!on) return kExitRejected;
  cli::Progress progress;
  auto run = [&](std::ostream& out) {
    auto report = [&](int64_t d, int64_t t, const char* p) { progress.Update(d, t, p); };
    if (*kind == app::ImportKind::kLoans) return app::ExportLoans(*db, kContext, *on, out, report);
    return app::Export(*db, kContext, *kind, {*on, mask}, out, report);
  };
  Result<int64_t> rows = int64_t{0};
  if (to_stdout) {
    rows = run(std::cout);
  } else {
    // Written beside the file and moved onto it once whole: a refused or
    // failed export leaves no half-written file.
    const std::string partial = file + ".part";
    std::ofstream out(partial, std::ios::binary);
    rows = run(out);
    if (!out.flush()) throw StorageFault("cannot write " + partial);
    out.close();
    if (!rows.ok()) {
      std::filesystem::remove(partial, ignored);
    } else {
      std::filesystem::rename(partial, file);
    }
  }
  progress.Finish();
  if (!rows.ok()) return Rejected(rows.error());
  fmt::print(stderr, "Đã xuất / exported {} {} rows as of {}\n", rows.value(), kind_text,
             on->ToIso());
  return 0;
}

int RunFind(const std::string& db_target, const std::string& query, bool show_ids) {
  if (query.empty() || query.size() > kFindQueryMaxBytes)
    return Rejected(MakeError(cli::CommandRejection::kQueryInvalid, "query",
                              fmt::format("Cần từ khóa tìm kiếm (tối đa {} byte, có {})",
                                          kFindQueryMaxBytes, query.size()),
                              fmt::format("A search query is required (at most {} bytes, not {})",
                                          kFindQueryMaxBytes, query.size())));
  auto db = OpenInitialised(db_target);
  auto found = app::FindBorrowers(*db, kContext, query);
  for (const auto& b : found.borrowers)
    fmt::print("{}  {}  {}  {}\n", b.code,
               show_ids ? b.citizen_id : app::MaskCitizenId(b.citizen_id),
               b.birth_date.ToVietnamese(), b.name);
  fmt::print(stderr, "{} kết quả / results{}\n", found.borrowers.size(),
             found.more ? " (còn nữa, hãy thu hẹp tìm kiếm / more, narrow the search)" : "");
  return 0;
}

int RunGenerate(const std::string& db_target, const app::GenerateOptions& options) {
  cli::Progress progress;
  auto result =
      app::Generate(db_target, kContext, options,
                    [&](int64_t d, int64_t t, const char* p) { progress.Update(d, t, p); });
  progress.Finish();
  if (!result.ok()) return Rejected(result.error());
  const auto& s = result.value();
  const double seconds = progress.ElapsedSeconds();
  std::error_code ec;
  const auto size = std::filesystem::file_size(db_target, ec);
  fmt::print(
      "Hồ sơ / profile {} seed {}: {} chi nhánh/branches, {} hội sở/seats, {} PGD/offices, "
      "{} điểm GD/points, {} thôn/villages, {} tổ/groups, {} hộ vay/borrowers, {} khoản vay/loans, "
      "dư nợ/outstanding {} đ (bình quân/average {} đ per household), {} sổ tiết kiệm/savings "
      "accounts {} đ{}\n"
      "{} rows in {:.1f} s ({:.0f} rows/s){}\n",
      options.profile, options.seed, s.branches, s.seats, s.offices, s.points, s.villages, s.groups,
      s.borrowers, s.loans, s.outstanding.ToVietnamese(),
      Money::Dong(s.borrowers ? s.outstanding.dong() / s.borrowers : 0).ToVietnamese(),
      s.savings_accounts, s.savings.ToVietnamese(),
      s.reform_applied ? "; moved onto the 2025 structure" : "", s.rows, seconds,
      s.rows / std::max(seconds, 1e-9),
      ec ? std::string() : fmt::format("; database {:.1f} MiB", size / 1048576.0));
  if (!s.analyze_failed.empty())
    fmt::print(stderr,
               "Cảnh báo / warning: dữ liệu đã ghi, nhưng chưa thu thống kê (chạy ANALYZE) / the "
               "data is committed, but its statistics were not gathered (run ANALYZE): {}\n",
               s.analyze_failed);
  return 0;
}

int RunReform(const std::string& db_target, const std::string& on_text) {
  auto db = OpenInitialised(db_target);
  const auto on = on_text.empty() ? std::nullopt : std::optional<Date>(CheckedDate(on_text));
  auto result = app::ApplyReform2025(*db, kContext, on);
  if (!result.ok()) return Rejected(result.error());
  fmt::print("Đã chuyển mạng lưới sang địa giới 2025 / moved onto the 2025 structure: {}\n",
             result.value().ToString());
  return 0;
}

int RunSummary(const std::string& db_target, const std::string& on_text) {
  auto db = OpenInitialised(db_target);
  auto on = OnOrBusinessDate(on_text, *db);
  if (!on) return kExitRejected;
  const auto counted = app::CountNetwork(*db, kContext, *on);
  if (!counted.ok()) return Rejected(counted.error());
  const auto& c = counted.value();
  fmt::print(
      "Ngày/date {}: chi nhánh/branches {}, PGD/offices {}, hội sở/seats {}, điểm GD/points {}, "
      "thôn/villages {}, tổ/groups {}, hộ vay/borrowers {}, thành viên/members {}, "
      "đơn vị hội/association units {}\n",
      on->ToVietnamese(), c.branches, c.offices, c.seats, c.points, c.villages, c.groups,
      c.borrowers, c.memberships, c.association_units);
  return 0;
}

// tdcs session calendar: an office's sessions in a month, as a table or CSV.
int RunSessionCalendar(const std::string& db_target, const std::string& office,
                       const std::string& month_text, const std::string& format) {
  auto db = OpenInitialised(db_target);
  auto month = app::ParseMonth(month_text, "month");
  if (!month.ok()) return Rejected(month.error());
  auto entries = app::SessionCalendar(*db, kContext, office, month.value());
  if (!entries.ok()) return Rejected(entries.error());
  if (format == "csv") {
    csv::WriteRow(std::cout, {"point_code", "point_name", "session_day", "date", "moved", "reason",
                              "day_off"});
    for (const auto& e : entries.value())
      csv::WriteRow(std::cout,
                    {e.point_code, e.point_name, std::to_string(e.session_day), e.date.ToIso(),
                     e.moved ? "yes" : "no", e.reason, e.day_off ? "yes" : "no"});
    return 0;
  }
  fmt::print("Lịch giao dịch xã / commune sessions: PGD/office {}, tháng/month {}/{}\n", office,
             month.value().month, month.value().year);
  for (const auto& e : entries.value()) {
    std::string note;
    if (e.moved) note = "dời / moved: " + e.reason;
    if (e.day_off) note = "ngày nghỉ, chưa dời / a day off, not moved";
    static const char* kWeekday[] = {"CN", "T2", "T3", "T4", "T5", "T6", "T7"};
    fmt::print("{}  {}  {:<12} {}{}\n", e.date.ToVietnamese(), kWeekday[e.date.Weekday()],
               e.point_code, e.point_name, note.empty() ? "" : "  (" + note + ")");
  }
  fmt::print("{} phiên / sessions\n", entries.value().size());
  return 0;
}

// tdcs session list: list 13/TD, the posting form.
int RunSessionList(const std::string& db_target, const std::string& point, const std::string& day,
                   const std::string& format, const std::string& output) {
  if (format == "xlsx" && output.empty()) {
    fmt::print(stderr, "--format xlsx cần --output TỆP / needs --output FILE\n");
    return kExitUsage;
  }
  if (format != "xlsx" && !output.empty()) {
    fmt::print(stderr, "--output chỉ dùng với --format xlsx / is for --format xlsx only\n");
    return kExitUsage;
  }
  if (!output.empty() && std::filesystem::exists(output)) {
    fmt::print(stderr, "Tệp đã tồn tại / file exists: {}\n", output);
    return kExitRejected;
  }
  auto db = OpenInitialised(db_target);
  auto lines = app::SessionList(*db, kContext, point, CheckedDate(day));
  if (!lines.ok()) return Rejected(lines.error());
  auto dong = [](Money m) { return std::to_string(m.dong()); };
  if (format == "html") {
    cli::WriteSessionListHtml(lines.value(), point, CheckedDate(day), std::cout);
    return 0;
  }
  if (format == "xlsx") {
    const std::string error =
        cli::WriteSessionListXlsx(lines.value(), point, CheckedDate(day), output);
    if (!error.empty()) {
      fmt::print(stderr, "Không ghi được / cannot write {}: {}\n", output, error);
      return kExitFault;
    }
    fmt::print("Đã ghi / written {}: {} dòng/lines\n", output, lines.value().size());
    return 0;
  }
  if (format == "csv") {
    csv::WriteRow(std::cout, app::SessionListColumns());
    for (const auto& l : lines.value())
      csv::WriteRow(std::cout,
                    {l.point_code, l.session_date.ToIso(), l.group_code, l.borrower_code,
                     l.loan_code, dong(l.principal_outstanding), dong(l.overdue),
                     dong(l.interest_due), dong(l.principal_due), dong(l.savings_due), "", "", ""});
    return 0;
  }
  fmt::print("Danh sách 13/TD / list 13/TD: điểm/point {}, phiên/session {}\n", point,
             CheckedDate(day).ToVietnamese());
  std::string group;
  Money interest, principal;
  auto total = [&] {
    if (!group.empty())
      fmt::print("  Cộng tổ / group total {}: lãi/interest {} đ, gốc/principal {} đ\n", group,
                 interest.ToVietnamese(), principal.ToVietnamese());
  };
  for (const auto& l : lines.value()) {
    if (l.group_code != group) {
      total();
      group = l.group_code;
      interest = principal = Money::Zero();
      fmt::print("Tổ / group {}\n", group);
    }
    interest += l.interest_due;
    principal += l.principal_due + l.overdue;
    fmt::print("  {} {:<18} dư nợ {:>14}  quá hạn {:>12}  lãi {:>10}  gốc đến hạn {:>12}\n",
               l.borrower_code, l.loan_code.empty() ? "(tiết kiệm)" : l.loan_code,
               l.principal_outstanding.ToVietnamese(), l.overdue.ToVietnamese(),
               l.interest_due.ToVietnamese(), l.principal_due.ToVietnamese());
  }
  total();
  return 0;
}

// tdcs session due: the installments falling due in the days after a session.
int RunSessionDue(const std::string& db_target, const std::string& point, const std::string& day,
                  int days, const std::string& format) {
  auto db = OpenInitialised(db_target);
  auto lines = app::DueList(*db, kContext, point, CheckedDate(day), days);
  if (!lines.ok()) return Rejected(lines.error());
  if (format == "csv") {
    csv::WriteRow(std::cout,
                  {"group_code", "borrower_code", "loan_code", "due_date", "principal_due"});
    for (const auto& l : lines.value())
      csv::WriteRow(std::cout, {l.group_code, l.borrower_code, l.loan_code, l.due.ToIso(),
                                std::to_string(l.amount.dong())});
    return 0;
  }
  fmt::print(
      "Kỳ hạn trả nợ đến hạn trong {} ngày sau phiên {} / installments due in the {} days after "
      "the session, điểm/point {}\n",
      days, CheckedDate(day).ToVietnamese(), days, point);
  Money total;
  for (const auto& l : lines.value()) {
    fmt::print("  {}  tổ {}  {}  {}  {:>14} đ\n", l.due.ToVietnamese(), l.group_code,
               l.borrower_code, l.loan_code, l.amount.ToVietnamese());
    total += l.amount;
  }
  fmt::print("{} kỳ / installments, cộng / total {} đ\n", lines.value().size(),
             total.ToVietnamese());
  return 0;
}

// tdcs session post: a filled-in list posted back, a batch per group.
int RunSessionPost(const std::string& db_target, const std::string& file, const std::string& key) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    fmt::print(stderr, "Không mở được tệp / cannot open {}\n", file);
    return kExitRejected;
  }
  auto db = OpenInitialised(db_target);
  auto result = app::PostSessionFile(*db, kContext, in, key);
  if (!result.ok()) return Rejected(result.error());
  const auto& r = result.value();
  fmt::print(
      "Phiên / session {} {}: {} tổ đã ghi/groups posted ({} dòng/lines, {} đ), {} tổ đã ghi "
      "trước đó/already posted, {} tổ bị từ chối/refused\n",
      r.point_code, r.session_date.ToVietnamese(), r.groups_posted, r.lines_posted,
      r.collected.ToVietnamese(), r.groups_repeated, r.groups_refused);
  for (const auto& f : r.flagged)
    fmt::print("  chênh lệch / flagged: dòng/line {} {} {}\n", f.line, f.loan_code, f.what);
  if (!r.refused.empty()) fmt::print(stderr, "Từ chối / refused:\n");
  PrintErrors(r.refused);
  return r.refused.empty() ? 0 : kExitRejected;
}

// tdcs session open / close: the session as a record, with its cash.
int RunSessionOpen(const std::string& db_target, const std::string& point, const std::string& day) {
  auto db = OpenInitialised(db_target);
  auto result = app::OpenCommuneSession(*db, kContext, point, CheckedDate(day));
  if (!result.ok()) return Rejected(result.error());
  const auto& r = result.value();
  if (r.already_open)
    fmt::print("Phiên {} {} đã mở trước đó / was open already\n", point,
               CheckedDate(day).ToVietnamese());
  else
    fmt::print(
        "Đã mở phiên / opened {} {}: chi hoa hồng/commission paid {} đ, phí ủy thác cấp xã/commune "
        "fees paid {} đ\n",
        point, CheckedDate(day).ToVietnamese(), r.commission_paid.ToVietnamese(),
        r.fees_paid.ToVietnamese());
  return 0;
}

int RunSessionClose(const std::string& db_target, app::SessionCloseRequest request,
                    const std::string& day, const std::string& counted,
                    const std::string& brought) {
  for (auto [name, text, target] : {std::tuple{"--counted", &counted, &request.counted},
                                    std::tuple{"--brought", &brought, &request.brought}}) {
    auto amount = Money::ParseAmount(*text);
    if (!amount) {
      fmt::print(stderr,
                 "{}: số tiền không hợp lệ '{}' (đồng nguyên từ 0) / invalid amount (whole đồng "
                 "from 0)\n",
                 name, *text);
      return kExitUsage;
    }
    *target = *amount;
  }
  request.date = CheckedDate(day);
  auto db = OpenInitialised(db_target);
  auto result = app::CloseCommuneSession(*db, kContext, request);
  if (!result.ok()) return Rejected(result.error());
  const auto& r = result.value();
  fmt::print(
      "Đã đóng phiên / closed {} {}: mang đến/brought {} đ, thu/in {} đ, chi/out {} đ, hoa hồng "
      "và phí/fees paid {} đ, tồn theo sổ/books {} đ, kiểm đếm/counted {} đ",
      request.point_code, request.date.ToVietnamese(), r.brought.ToVietnamese(),
      r.cash_in.ToVietnamese(), r.cash_out.ToVietnamese(), r.fees_paid.ToVietnamese(),
      r.expected.ToVietnamese(), r.counted.ToVietnamese());
  if (r.difference.IsNegative())
    fmt::print(", thiếu/short {} đ ({})\n", (Money::Zero() - r.difference).ToVietnamese(),
               request.reason);
  else if (!r.difference.IsZero())
    fmt::print(", thừa/over {} đ ({})\n", r.difference.ToVietnamese(), request.reason);
  else
    fmt::print(", khớp/matches\n");
  return 0;
}

// tdcs rate-groups: the month's BC0437.
int RunRateGroups(const std::string& db_target, const std::string& month_text,
                  const std::string& format) {
  auto month = app::ParseMonth(month_text, "month");
  if (!month.ok()) return Rejected(month.error());
  auto db = OpenInitialised(db_target);
  auto result = app::RateGroups(*db, kContext, month.value());
  if (!result.ok()) return Rejected(result.error());
  const auto& r = result.value();
  if (format == "csv") {
    fmt::print(
        "group_code,association,commune_code,session_share_percent,session_share_points,"
        "overdue_ratio_percent,overdue_ratio_points,principal_repaid_percent,"
        "principal_repaid_points,interest_collected_percent,interest_collected_points,"
        "savers_share_percent,savers_share_points,savings_growth_percent,savings_growth_points,"
        "total,class\n");
    for (const auto& g : r.groups) {
      fmt::print("{},{},{}", g.group_code, g.association_code, g.commune_code);
      for (int i = 0; i < 6; ++i)
        fmt::print(",{},{}", app::PercentPlain(g.figure_bp[i]), g.points[i]);
      fmt::print(",{},{}\n", g.total, g.class_key);
    }
    return 0;
  }
  auto line = [](const char* vi, const char* en, const app::ClassCounts& c) {
    auto pct = [&](int64_t n) { return app::ShareVietnamese(n, c.Total()); };
    fmt::print(
        "{} / {}: {} — tốt/good {} ({}), khá/fair {} ({}), trung bình/average {} ({}), "
        "yếu/weak {} ({})\n",
        vi, en, c.Total(), c.good, pct(c.good), c.fair, pct(c.fair), c.average, pct(c.average),
        c.weak, pct(c.weak));
  };
  fmt::print("Xếp loại tổ TK&VV tháng {}/{} (BC0437) / group ratings of {}\n", r.month.month,
             r.month.year, month_text);
  line("Tổ", "groups", r.group_classes);
  line("Xã", "communes", r.commune_classes);
  line("Đơn vị hội cấp xã", "association units", r.unit_classes);
  return 0;
}

// tdcs fees run / statement.
int RunFees(const std::string& db_target, const std::string& month_text) {
  auto month = app::ParseMonth(month_text, "month");
  if (!month.ok()) return Rejected(month.error());
  auto db = OpenInitialised(db_target);
  auto result = app::RunFees(*db, kContext, month.value());
  if (!result.ok()) return Rejected(result.error());
  const auto& r = result.value();
  fmt::print(
      "Hoa hồng và phí ủy thác tháng {}/{} / commission and fees of {}: lãi thực thu/interest "
      "collected {} đ; hoa hồng/commission {} đ ({} tổ/groups: đủ/full {}, giảm/reduced {}, không "
      "trả/withheld {}); phí ủy thác/fees {} đ — trung ương/central {} đ, tỉnh/province {} đ, "
      "huyện/district {} đ, xã/commune {} đ\n",
      r.month.month, r.month.year, month_text, r.interest_collected.ToVietnamese(),
      r.commission.ToVietnamese(), r.groups, r.full, r.reduced, r.withheld, r.fees.ToVietnamese(),
      r.by_level[0].ToVietnamese(), r.by_level[1].ToVietnamese(), r.by_level[2].ToVietnamese(),
      r.by_level[3].ToVietnamese());
  return 0;
}

int RunFeeStatement(const std::string& db_target, const std::string& month_text,
                    app::FeeStatementRequest request, const std::string& format) {
  auto month = app::ParseMonth(month_text, "month");
  if (!month.ok()) return Rejected(month.error());
  request.month = month.value();
  auto db = OpenInitialised(db_target);
  auto result = app::FeeStatement(*db, kContext, request);
  if (!result.ok()) return Rejected(result.error());
  Money total;
  if (format == "csv")
    fmt::print(
        "group_code,kind,level,association,area_code,interest_collected,rate_percent,"
        "overdue_ratio_percent,collection_ratio_percent,quality,percent,amount,paid_on\n");
  for (const auto& l : result.value()) {
    total += l.amount;
    if (format == "csv")
      fmt::print("{},{},{},{},{},{},{},{},{},{},{},{},{}\n", l.group_code, l.kind, l.level,
                 l.association_code, l.area_code, l.interest_collected.dong(),
                 app::PercentPlain(l.rate_bp), app::PercentPlain(l.overdue_ratio_bp),
                 app::PercentPlain(l.collection_ratio_bp), l.quality, l.percent, l.amount.dong(),
                 l.paid_on ? l.paid_on->ToIso() : "");
    else
      fmt::print(
          "{} {} {}: lãi thực thu/interest {} đ × {} × {} % ({}; NQH/overdue {}, thu "
          "lãi/collected {}) = {} đ{}\n",
          l.group_code, l.kind == "commission" ? "hoa hồng/commission" : "phí/fee", l.level,
          l.interest_collected.ToVietnamese(), app::PercentVietnamese(l.rate_bp), l.percent,
          l.quality, app::PercentVietnamese(l.overdue_ratio_bp),
          app::PercentVietnamese(l.collection_ratio_bp), l.amount.ToVietnamese(),
          l.paid_on ? ", đã trả/paid " + l.paid_on->ToVietnamese() : "");
  }
  if (format != "csv") fmt::print("Cộng / total: {} đ\n", total.ToVietnamese());
  return 0;
}

// tdcs session move: one month's session of a point to another day.
int RunSessionMove(const std::string& db_target, const app::SessionMoveRequest& request) {
  auto db = OpenInitialised(db_target);
  auto result = app::MoveSession(*db, kContext, request);
  if (!result.ok()) return Rejected(result.error());
  const auto& r = result.value();
  if (r.removed)
    fmt::print("Phiên tháng {}/{} của điểm {} trở lại ngày {} / back on its day {}\n",
               request.month.month, request.month.year, request.point_code, r.to.ToVietnamese(),
               r.to.ToIso());
  else
    fmt::print("Phiên tháng {}/{} của điểm {}: {} → {} / moved {} → {}\n", request.month.month,
               request.month.year, request.point_code, r.from.ToVietnamese(), r.to.ToVietnamese(),
               r.from.ToIso(), r.to.ToIso());
  return 0;
}

// The scenario files named, a folder standing for its .scn files in name
// order; empty (after printing why) when a folder holds none.
std::vector<std::string> ScenarioFiles(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const auto& path : paths) {
    std::error_code ec;
    if (!std::filesystem::is_directory(path, ec)) {
      files.push_back(path);
      continue;
    }
    std::vector<std::string> in_folder;
    for (const auto& entry : std::filesystem::directory_iterator(path, ec))
      if (entry.path().extension() == ".scn" && !entry.is_directory())
        in_folder.push_back(entry.path().string());
    if (in_folder.empty()) {
      fmt::print(stderr, "Thư mục không có tệp .scn / no .scn files in folder: {}\n", path);
      return {};
    }
    std::sort(in_folder.begin(), in_folder.end());
    files.insert(files.end(), in_folder.begin(), in_folder.end());
  }
  return files;
}

int RunScenarios(const std::vector<std::string>& paths, const std::string& postgres) {
  const auto files = ScenarioFiles(paths);
  if (files.empty()) return kExitRejected;
  int failed_files = 0, checks = 0, failures = 0;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      fmt::print(stderr, "Không mở được tệp / cannot open file: {}\n", file);
      return kExitRejected;
    }
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto result =
        scenario::RunScenario(text, std::filesystem::path(file).filename().string(), std::cout,
                              [&] { return app::Connection::OpenScratch(postgres); });
    checks += result.checks;
    failures += result.failures;
    failed_files += result.ok() ? 0 : 1;
  }
  fmt::print("{} passed, {} failed\n", checks - failures, failures);
  return failed_files == 0 ? 0 : kExitRejected;
}

int RunClose(const std::string& db_target, const std::string& to_text, bool confirmed) {
  const Date to = CheckedDate(to_text);
  auto db = OpenInitialised(db_target);
  if (const auto today = app::BusinessDate(*db); today && !confirmed) {
    const int days = DaysBetween(*today, to);
    if (days > kCloseDaysUnconfirmed)
      return Rejected(MakeError(
          cli::CommandRejection::kConfirmationRequired, "--yes",
          fmt::format("Khóa sổ từ {} đến {} sẽ chạy {} ngày (quá {} ngày); thêm --yes để xác nhận",
                      today->ToVietnamese(), to.ToVietnamese(), days, kCloseDaysUnconfirmed),
          fmt::format("Closing from {} to {} would run {} days (more than {}); pass --yes to "
                      "go ahead",
                      today->ToIso(), to.ToIso(), days, kCloseDaysUnconfirmed)));
  }
  cli::Progress progress;
  app::CloseRequest request;
  request.to = to;
  request.progress = [&](Date day, int64_t loans) {
    progress.Update(loans, 0, day.ToIso().c_str());
  };
  request.waiting = [] {
    fmt::print(stderr,
               "Đang chờ lần khóa sổ khác kết thúc… / waiting for another end of day to finish…\n");
  };
  auto result = app::CloseTo(*db, kContext, request);
  progress.Finish();
  if (!result.ok()) return Rejected(result.error());
  const auto& s = result.value();
  fmt::print(
      "Đã khóa sổ đến / closed to {}: {} ngày/days, {} khoản vay/loans, {} bút toán/entries "
      "in {:.2f} s\n",
      to.ToVietnamese(), s.days, s.loans, s.entries, progress.ElapsedSeconds());
  return 0;
}

int RunSimulate(const std::string& db_target, const std::string& to_text, uint64_t seed) {
  const Date to = CheckedDate(to_text);
  auto db = OpenInitialised(db_target);
  cli::Progress progress;
  auto result = app::SimulateSessions(
      *db, kContext, to, seed, 20'000,
      [&](Date day, int64_t payments) { progress.Update(payments, 0, day.ToIso().c_str()); });
  progress.Finish();
  if (!result.ok()) return Rejected(result.error());
  const auto& s = result.value();
  fmt::print(
      "{} ngày/days, {} khoản thu/payments ({} từ chối/rejected), {} đ; end of day {:.1f} s, "
      "sessions {:.1f} s ({:.0f} payments/s)\n",
      s.days, s.payments, s.rejected, s.collected.ToVietnamese(), s.close_seconds,
      s.posting_seconds, s.payments / std::max(s.posting_seconds, 1e-9));
  return 0;
}

int RunVerify(const std::string& db_target, bool deep) {
  auto db = OpenInitialised(db_target);
  cli::Progress progress;
  const auto report = app::Verify(*db, kContext, deep, [&](const char* phase) {
    fmt::print(stderr, "kiểm tra / checking {}… ({:.0f} s)\n", phase, progress.ElapsedSeconds());
  });
  for (const auto& p : report.problems) fmt::print(stderr, "SAI / WRONG: {}\n", p);
  // Noted outside the database, the head shows later whether the chain's tail was rewritten.
  fmt::print("đầu chuỗi bút toán / journal chain head: vị trí/position {}, {}\n",
             report.chain_length, report.chain_head);
  fmt::print("nhật ký kiểm toán / audit trail: {} bản ghi/records, {}\n", report.audit_records,
             report.audit_head);
  fmt::print(
      "{}: {} bút toán/entries, {} khoản vay/loans, {} tài khoản tiết kiệm/savings accounts, "
      "{} lỗi/problems ({:.1f} s)\n",
      report.ok() ? "Sổ sách khớp / the books verify"
                  : "Sổ sách KHÔNG khớp / the books do NOT verify",
      report.entries, report.loans, report.savings_accounts, report.problems.size(),
      progress.ElapsedSeconds());
  return report.ok() ? 0 : kExitRejected;
}

// The options of `tdcs loan …` and `tdcs savings …`.
struct LoanOptions {
  std::string code, borrower, program, amount, heir, on, key, reason, format = "text";
  std::string group, office;
  int term_months = 0, every_months = 0, grace_months = 0, study_months = 0, fund = 1, months = 0;
  bool from_savings = false;
  std::vector<std::string> outcomes;  // KIND=N
};

// A required amount option in whole đồng.
std::optional<Money> RequireAmount(const std::string& text) {
  auto m = Money::Parse(text);
  if (!m) fmt::print(stderr, "Số tiền không hợp lệ / invalid amount: {}\n", text);
  return m;
}

void PrintAction(const char* what, const app::ActionResult& r) {
  fmt::print("{} / {}: giao dịch/transaction {}, bút toán/entry {}{}\n", what, what, r.txn_id,
             r.entry_id, r.repeated ? " (đã ghi trước đó / already posted: same key)" : "");
}

int RunLoanApply(app::Connection& db, const LoanOptions& o, Date on) {
  app::LoanApplicationRequest r;
  r.code = o.code;
  r.borrower_code = o.borrower;
  r.program = o.program;
  auto amount = RequireAmount(o.amount);
  if (!amount) return kExitRejected;
  r.amount = *amount;
  r.term_months = o.term_months;
  r.every_months = o.every_months;
  r.grace_months = o.grace_months;
  r.study_months = o.study_months;
  for (const auto& outcome : o.outcomes) {  // KIND=N, checked while parsing
    const auto eq = outcome.find('=');
    if (!r.outcomes.emplace(outcome.substr(0, eq), std::stoi(outcome.substr(eq + 1))).second) {
      fmt::print(stderr, "--outcome: {} hai lần / given twice\n", outcome.substr(0, eq));
      return kExitUsage;
    }
  }
  r.fund_source = o.fund;
  r.date = on;
  auto id = app::ApplyForLoan(db, kContext, r);
  if (!id.ok()) return Rejected(id.error());
  fmt::print("Đã nhận hồ sơ vay / application recorded: {} ({} đ, {} tháng/months), {}\n", o.code,
             amount->ToVietnamese(), o.term_months, on.ToVietnamese());
  return 0;
}

int RunLoanDecision(app::Connection& db, const LoanOptions& o, Date on, bool approve) {
  auto decided = app::DecideOnLoan(db, kContext, {o.code, approve, on, o.reason});
  if (!decided.ok()) return Rejected(decided.error());
  fmt::print("{} / {}: {} ({})\n", approve ? "Đã phê duyệt" : "Đã từ chối",
             approve ? "approved" : "rejected", o.code, on.ToVietnamese());
  return 0;
}

int RunLoanAction(app::Connection& db, const std::string& verb, const LoanOptions& o, Date on) {
  const auto kind =
      app::ParseLoanActionKind(verb == "pay" && o.from_savings ? "pay_savings" : verb);
  if (!kind)
    return Rejected(MakeError(cli::CommandRejection::kActionUnknown, "action",
                              "Thao tác không hợp lệ", "Unknown action"));
  app::LoanAction a;
  a.kind = *kind;
  a.loan_code = o.code;
  a.date = on;
  a.months = o.months;
  a.heir_code = o.heir;
  if (!o.amount.empty()) {
    auto amount = RequireAmount(o.amount);
    if (!amount) return kExitRejected;
    a.amount = *amount;
  }
  app::Context context = kContext;
  context.idempotency_key = o.key;
  auto r = app::ActOnLoan(db, context, a);
  if (!r.ok()) return Rejected(r.error());
  PrintAction(app::LoanActionKey(*kind), r.value());
  return 0;
}

int RunLoanShow(app::Connection& db, const LoanOptions& o, Date on) {
  auto d = app::ShowLoan(db, kContext, o.code, on);
  if (!d.ok()) return Rejected(d.error());
  const auto& x = d.value();
  if (o.format == "json") {
    fmt::print("{}\n", http::LoanDetailsJson(x));
    return 0;
  }
  const auto& v = x.view;
  fmt::print(
      "Khoản vay / loan {} — {} — hộ vay/borrower {} — chương trình/program {} nguồn/fund {}\n"
      "Ngày/as of {}: dư nợ/outstanding {} đ (trong hạn/normal {} đ, quá hạn/overdue {} đ, "
      "khoanh/frozen {} đ); gốc đến hạn/principal due {} đ; lãi phải trả/interest due {} đ\n"
      "Phê duyệt/approved {} đ, đã giải ngân/disbursed {} đ, {} tháng/months, trả mỗi/every {} "
      "tháng, ân hạn/grace {}, giải ngân/disbursed on {}, đáo hạn/maturity {}, kỳ tới/next due "
      "{}\n",
      v.code, v.status, v.borrower_code, x.program, x.fund_source, x.on.ToVietnamese(),
      v.principal.ToVietnamese(), (v.principal - v.overdue - v.frozen).ToVietnamese(),
      v.overdue.ToVietnamese(), v.frozen.ToVietnamese(), v.principal_due.ToVietnamese(),
      v.interest_due.ToVietnamese(), x.approved.ToVietnamese(), x.disbursed.ToVietnamese(),
      x.term_months, x.every_months, x.grace_months,
      x.disbursed_on ? x.disbursed_on->ToVietnamese() : "—",
      x.maturity ? x.maturity->ToVietnamese() : "—", v.next_due ? v.next_due->ToVietnamese() : "—");
  fmt::print("Lịch trả nợ / schedule:\n");
  for (const auto& i : x.schedule)
    fmt::print("  {}  {} phần/shares  {:>14} đ  đã trả/paid {:>14} đ  {}\n", i.due.ToVietnamese(),
               i.shares, i.amount.ToVietnamese(), i.paid.ToVietnamese(), i.state);
  fmt::print("Giao dịch / transactions:\n");
  for (const auto& t : x.transactions)
    fmt::print("  #{} {} {:<12} {:>14} đ{}{}\n", t.id, t.date.ToVietnamese(), t.kind,
               t.amount.ToVietnamese(), t.months ? fmt::format(" {} tháng/months", t.months) : "",
               t.reversed_by ? fmt::format(" (đã hủy bởi/reversed by #{})", t.reversed_by) : "");
  return 0;
}

int RunLoanList(app::Connection& db, const LoanOptions& o) {
  auto list = app::ListLoans(db, kContext, {o.borrower, o.group, o.office, "", 500});
  if (!list.ok()) return Rejected(list.error());
  for (const auto& l : list.value())
    fmt::print("{}  {}  {}  {:<12} {:>14} đ  dư nợ/outstanding {:>14} đ\n", l.code, l.borrower_code,
               l.program, l.status, l.approved.ToVietnamese(), l.principal.ToVietnamese());
  fmt::print(stderr, "{} khoản vay / loans\n", list.value().size());
  return 0;
}

int RunSavings(app::Connection& db, const std::string& verb, const LoanOptions& o, Date on) {
  if (verb == "balance") {
    auto balance = app::SavingsBalance(db, kContext, o.borrower, on);
    if (!balance.ok()) return Rejected(balance.error());
    auto credited = app::SavingsCredited(db, kContext, o.borrower, on);
    fmt::print("Tiết kiệm / savings {} ngày/on {}: {} đ (đã nhập lãi/credited {} đ)\n", o.borrower,
               on.ToVietnamese(), balance.value().ToVietnamese(),
               credited.ok() ? credited.value().ToVietnamese() : "—");
    return 0;
  }
  app::SavingsAction a;
  a.kind = verb == "deposit"    ? app::SavingsActionKind::kDeposit
           : verb == "withdraw" ? app::SavingsActionKind::kWithdraw
                                : app::SavingsActionKind::kReverseLast;
  a.borrower_code = o.borrower;
  a.date = on;
  if (a.kind != app::SavingsActionKind::kReverseLast) {
    auto amount = RequireAmount(o.amount);
    if (!amount) return kExitRejected;
    a.amount = *amount;
  }
  app::Context context = kContext;
  context.idempotency_key = o.key;
  auto r = app::ActOnSavings(db, context, a);
  if (!r.ok()) return Rejected(r.error());
  PrintAction(verb.c_str(), r.value());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"TDCS — hệ thống tín dụng chính sách / policy-credit banking system"};
  app.require_subcommand(1);
  // Every option's default is shown by --help (subcommands inherit this).
  app.option_defaults()->always_capture_default();
  std::string db_target = "tdcs.db";
  if (const char* env = std::getenv("TDCS_DB"); env != nullptr && *env != '\0') db_target = env;
  auto add_db = [&](CLI::App* sub) {
    sub->add_option("--db", db_target,
                    "SQLite file or postgresql:// URI ($TDCS_DB when set); only init and "
                    "generate create a database")
        ->check(IsNotEmpty());
  };
  const std::vector<std::string> kinds = {"network", "groups", "borrowers", "memberships"};
  std::vector<std::string> import_kinds = kinds;
  import_kinds.push_back("loans");

  auto* init = app.add_subcommand("init", "Create or upgrade a database / tạo cơ sở dữ liệu");
  std::string init_admin;
  init->add_option("--admin", init_admin,
                   "also create this administrator; the password is read from standard input");
  add_db(init);

  std::string kind, file, on_text, query;
  bool mask = false, show_ids = false;
  auto* import = app.add_subcommand("import", "Import a CSV file, all or nothing / nhập tệp CSV");
  import->add_option("kind", kind, "network | groups | borrowers | memberships | loans")
      ->required()
      ->check(CLI::IsMember(import_kinds));
  import->add_option("file", file, "CSV file (UTF-8; formats in docs/IMPORT.md)")->required();
  bool update = false;
  import->add_flag("--update", update,
                   "rows naming existing units or borrowers change them from valid_from, with "
                   "history / cập nhật đơn vị, hộ vay đã có");
  add_db(import);

  auto* export_ = app.add_subcommand("export", "Export as CSV / xuất CSV");
  export_
      ->add_option("kind", kind,
                   "network | groups | borrowers | memberships | loans (each loan as it stood "
                   "on --on, from its own transactions)")
      ->required()
      ->check(CLI::IsMember(import_kinds));
  export_->add_option("file", file, "output file (default: standard output)");
  export_->add_option("--on", on_text, "the structure as of this date (default: the business date)")
      ->check(IsDate());
  export_->add_flag("--mask-citizen-id", mask, "mask citizen IDs (001****45678)");
  bool force = false;
  export_->add_flag("--force", force, "overwrite the output file if it exists / ghi đè tệp đã có");
  add_db(export_);

  auto* find =
      app.add_subcommand("find", "Find borrowers by name, citizen ID or code / tìm hộ vay");
  find->add_option("query", query, "name (diacritics optional), citizen ID or customer code")
      ->required();
  find->add_flag("--show-citizen-id", show_ids, "show citizen IDs in full");
  add_db(find);

  app::GenerateOptions gen;
  std::string until_text = "2026-06-30";
  auto* generate = app.add_subcommand("generate", "Generate synthetic data / sinh dữ liệu mẫu");
  generate->add_option("--profile", gen.profile, "demo | province | national")
      ->check(CLI::IsMember({"demo", "province", "national"}));
  generate->add_option("--seed", gen.seed, "random seed (same seed, same data)")
      ->check(IsWholeNumber());
  generate
      ->add_option("--until", until_text,
                   "last date of generated history (YYYY-MM-DD, after 2015-01-01)")
      ->check(IsDate());
  std::string calibrate_file;
  generate->add_option("--calibrate", calibrate_file,
                       "targets to hit (CSV: unit,at,indicator,value); --until defaults to their "
                       "date");
  add_db(generate);

  std::string reform_on;
  auto* reform = app.add_subcommand(
      "reform", "Move the network onto the 2025 administrative structure / chuyển địa giới 2025");
  reform->add_option("--on", reform_on, "effective date (default: 2025-07-01)")->check(IsDate());
  add_db(reform);

  auto* summary =
      app.add_subcommand("summary", "Counts of the network on a date / số liệu mạng lưới");
  summary->add_option("--on", on_text, "date (default: the business date)")->check(IsDate());
  add_db(summary);

  std::string backup_to;
  auto* backup = app.add_subcommand(
      "backup", "Online copy: SQLite file, or PostgreSQL base backup (pg_basebackup) / sao lưu");
  backup
      ->add_option("--to", backup_to,
                   "the copy to write, which must not exist: a file (SQLite) or a directory "
                   "(PostgreSQL)")
      ->required()
      ->check(IsNotEmpty());
  add_db(backup);

  std::vector<std::string> scenario_files;
  auto* scenario = app.add_subcommand("scenario", "Scenario files / kịch bản kiểm thử");
  scenario->require_subcommand(1);
  auto* scenario_run = scenario->add_subcommand(
      "run", "Run scenario files on fresh in-memory databases (docs/SCENARIOS.md)");
  scenario_run
      ->add_option("files", scenario_files,
                   "scenario files (.scn); a folder runs every .scn file in it, in name order")
      ->required();
  std::string scenario_postgres = "sqlite";
  scenario_run->add_option("--postgres", scenario_postgres,
                           "run each scenario on a scratch database of this PostgreSQL server "
                           "(created and dropped; default: in memory)");

  std::string close_to;
  auto* close = app.add_subcommand("close", "End of day up to a date / khóa sổ cuối ngày");
  close->add_option("--to", close_to, "last business day to close (YYYY-MM-DD)")
      ->required()
      ->check(IsDate());
  bool close_confirmed = false;
  close->add_flag("--yes", close_confirmed,
                  "close more than 31 days at once / xác nhận khóa sổ quá 31 ngày");
  add_db(close);

  std::string simulate_to;
  uint64_t simulate_seed = 1;
  auto* simulate = app.add_subcommand(
      "simulate", "Simulate commune sessions day by day / mô phỏng giao dịch xã");
  simulate->add_option("--to", simulate_to, "last day to simulate (YYYY-MM-DD)")
      ->required()
      ->check(IsDate());
  simulate->add_option("--seed", simulate_seed, "random seed")->check(IsWholeNumber());
  add_db(simulate);

  bool deep = false;
  auto* verify = app.add_subcommand("verify", "Check the books / kiểm tra sổ sách");
  verify->add_flag("--deep", deep, "also replay every loan's transactions");
  add_db(verify);

  // tdcs loan …: applications, decisions, every action, and views.
  LoanOptions lo;
  auto* loan = app.add_subcommand("loan", "Loans / khoản vay");
  loan->require_subcommand(1);
  auto add_on = [&](CLI::App* sub) {
    sub->add_option("--on", lo.on, "date (default: the business date)")->check(IsDate());
    add_db(sub);
  };
  auto* loan_apply = loan->add_subcommand("apply", "Record an application / nhận hồ sơ vay");
  loan_apply->add_option("code", lo.code, "loan number")->required();
  loan_apply->add_option("--borrower", lo.borrower, "customer code")->required();
  loan_apply->add_option("--program", lo.program, "program code (01, 02, 19, …)")->required();
  loan_apply->add_option("--amount", lo.amount, "amount in đồng")->required();
  loan_apply->add_option("--term-months", lo.term_months, "term in months")->required();
  // Left out, these take the program's rules: no number to show as the default.
  loan_apply
      ->add_option("--every-months", lo.every_months,
                   "months between installments (default: the program's)")
      ->check(IsPositive())
      ->default_str("");
  loan_apply
      ->add_option("--grace-months", lo.grace_months,
                   "grace months (default: none; students: the months of study + 12)")
      ->default_str("");
  loan_apply->add_option("--study-months", lo.study_months, "students: months of study left");
  loan_apply
      ->add_option("--outcome", lo.outcomes,
                   "what the loan achieves, KIND=N (jobs, water_works, students, houses, "
                   "released_prisoners; default: the program's own, once); repeatable")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            const auto eq = text.find('=');
            const std::string n = eq == std::string::npos ? "" : text.substr(eq + 1);
            if (eq == 0 || n.empty() || n.size() > 6 ||
                !std::all_of(n.begin(), n.end(), [](char c) { return c >= '0' && c <= '9'; }))
              return "cần KIND=N / KIND=N is needed (jobs=3): '" + text + "'";
            return {};
          },
          "KIND=N"));
  loan_apply->add_option("--fund", lo.fund, "fund source: 1 central, 2 local budget");
  add_on(loan_apply);
  auto* loan_approve = loan->add_subcommand("approve", "Approve an application / phê duyệt");
  loan_approve->add_option("code", lo.code, "loan number")->required();
  add_on(loan_approve);
  auto* loan_reject = loan->add_subcommand("reject", "Reject an application / từ chối");
  loan_reject->add_option("code", lo.code, "loan number")->required();
  loan_reject->add_option("--reason", lo.reason, "the reason")->required();
  add_on(loan_reject);
  std::map<std::string, CLI::App*> loan_actions;
  for (const char* verb :
       {"disburse", "pay", "reschedule", "extend", "freeze", "writeoff", "inherit", "reverse"}) {
    auto* sub = loan->add_subcommand(verb, std::string("Loan action / thao tác: ") + verb);
    sub->add_option("code", lo.code, "loan number")->required();
    if (std::string(verb) == "pay") {
      sub->add_option("amount", lo.amount, "amount in đồng")->required();
      sub->add_flag("--from-savings", lo.from_savings, "repay from the borrower's savings");
    }
    if (std::string(verb) == "disburse")
      sub->add_option("amount", lo.amount, "tranche in đồng (default: the rest approved)");
    if (std::string(verb) == "inherit")
      sub->add_option("heir", lo.heir, "heir's customer code")->required();
    if (std::string(verb) == "extend" || std::string(verb) == "freeze")
      sub->add_option("--months", lo.months, "months")->required();
    sub->add_option("--key", lo.key, "idempotency key (a repeat with it posts once)");
    add_on(sub);
    loan_actions[verb] = sub;
  }
  auto* loan_show = loan->add_subcommand("show", "A loan as of a date / xem khoản vay");
  loan_show->add_option("code", lo.code, "loan number")->required();
  loan_show->add_option("--format", lo.format, "text | json")
      ->check(CLI::IsMember({"text", "json"}));
  add_on(loan_show);
  auto* loan_list =
      loan->add_subcommand("list", "Loans of a borrower, group or office / danh sách");
  loan_list->add_option("--borrower", lo.borrower, "customer code");
  loan_list->add_option("--group", lo.group, "group code");
  loan_list->add_option("--office", lo.office, "office code");
  add_db(loan_list);

  auto* savings = app.add_subcommand("savings", "Member savings / tiết kiệm");
  savings->require_subcommand(1);
  std::map<std::string, CLI::App*> savings_actions;
  for (const char* verb : {"deposit", "withdraw", "reverse", "balance"}) {
    auto* sub = savings->add_subcommand(verb, std::string("Savings / tiết kiệm: ") + verb);
    sub->add_option("borrower", lo.borrower, "customer code")->required();
    if (std::string(verb) == "deposit" || std::string(verb) == "withdraw")
      sub->add_option("amount", lo.amount, "amount in đồng")->required();
    if (std::string(verb) != "balance")
      sub->add_option("--key", lo.key, "idempotency key (a repeat with it posts once)");
    add_on(sub);
    savings_actions[verb] = sub;
  }

  // tdcs session …: the commune session calendar.
  auto* session = app.add_subcommand("session", "Commune sessions / giao dịch xã");
  session->require_subcommand(1);
  std::string session_office, session_month, session_format = "text", session_to;
  app::SessionMoveRequest move_request;
  auto* session_calendar =
      session->add_subcommand("calendar", "An office's sessions in a month / lịch giao dịch");
  session_calendar->add_option("--office", session_office, "office code")->required();
  session_calendar->add_option("--month", session_month, "month (YYYY-MM)")
      ->required()
      ->check(IsMonth());
  session_calendar->add_option("--format", session_format, "text | csv")
      ->check(CLI::IsMember({"text", "csv"}));
  add_db(session_calendar);
  auto* session_move = session->add_subcommand(
      "move", "Move one month's session to another day / dời phiên giao dịch");
  session_move->add_option("--point", move_request.point_code, "commune point code")->required();
  session_move->add_option("--month", session_month, "the month whose session moves (YYYY-MM)")
      ->required()
      ->check(IsMonth());
  session_move
      ->add_option("--to", session_to,
                   "the new day (YYYY-MM-DD); its session day "
                   "itself takes the move back")
      ->required()
      ->check(IsDate());
  session_move->add_option("--reason", move_request.reason, "why (a holiday, a decision)")
      ->required();
  add_db(session_move);
  std::string list_point, list_date, list_format = "csv", list_output, post_file, post_key;
  auto* session_list = session->add_subcommand(
      "list", "List 13/TD of a session, the posting form / danh sách 13/TD");
  session_list->add_option("--point", list_point, "commune point code")->required();
  session_list->add_option("--date", list_date, "the session's date (YYYY-MM-DD)")
      ->required()
      ->check(IsDate());
  session_list->add_option("--format", list_format, "csv | text | html | xlsx")
      ->check(CLI::IsMember({"csv", "text", "html", "xlsx"}));
  session_list->add_option("--output", list_output, "the workbook's file (xlsx)");
  add_db(session_list);
  int due_days = 30;
  auto* session_due = session->add_subcommand(
      "due", "Installments due in the days after a session / danh sách nợ đến hạn");
  session_due->add_option("--point", list_point, "commune point code")->required();
  session_due->add_option("--date", list_date, "the session's date (YYYY-MM-DD)")
      ->required()
      ->check(IsDate());
  session_due->add_option("--days", due_days, "days ahead")->check(CLI::Range(1, 366));
  session_due->add_option("--format", list_format, "csv | text")
      ->check(CLI::IsMember({"csv", "text"}));
  add_db(session_due);
  auto* session_post = session->add_subcommand(
      "post", "Post a filled-in list, a batch per group / ghi phiên giao dịch");
  session_post->add_option("file", post_file, "the list, filled in (CSV)")->required();
  session_post->add_option("--key", post_key, "idempotency key (posting again with it posts once)")
      ->required()
      ->check(IsNotEmpty());
  add_db(session_post);
  std::string close_counted, close_brought = "0";
  app::SessionCloseRequest close_request;
  auto* session_open = session->add_subcommand(
      "open", "Open a session, paying the commission and fees owed / mở phiên giao dịch");
  session_open->add_option("--point", list_point, "commune point code")->required();
  session_open->add_option("--date", list_date, "the session's date (YYYY-MM-DD)")
      ->required()
      ->check(IsDate());
  add_db(session_open);
  auto* session_close = session->add_subcommand(
      "close", "Close a session with the cash counted / đóng phiên, kiểm đếm tiền mặt");
  session_close->add_option("--point", close_request.point_code, "commune point code")->required();
  session_close->add_option("--date", list_date, "the session's date (YYYY-MM-DD)")
      ->required()
      ->check(IsDate());
  session_close->add_option("--counted", close_counted, "the cash counted at the point (đồng)")
      ->required();
  session_close->add_option("--brought", close_brought,
                            "the cash brought from the office to the session (đồng)");
  session_close->add_option("--reason", close_request.reason,
                            "why the cash differs from the books (posts the difference)");
  add_db(session_close);

  // tdcs rate-groups, tdcs fees: the month's entrusted work.
  std::string entrusted_month, entrusted_format = "text";
  auto* rate_groups = app.add_subcommand(
      "rate-groups", "Rate every group for a month (BC0437) / xếp loại tổ TK&VV");
  rate_groups->add_option("--month", entrusted_month, "month (YYYY-MM)")
      ->required()
      ->check(IsMonth());
  rate_groups->add_option("--format", entrusted_format, "text | csv")
      ->check(CLI::IsMember({"text", "csv"}));
  add_db(rate_groups);
  auto* fees =
      app.add_subcommand("fees", "Commission and entrustment fees / hoa hồng và phí ủy thác");
  fees->require_subcommand(1);
  auto* fees_run = fees->add_subcommand(
      "run", "Compute and post a month's commission and fees / tính và hạch toán");
  fees_run->add_option("--month", entrusted_month, "month (YYYY-MM)")->required()->check(IsMonth());
  add_db(fees_run);
  app::FeeStatementRequest statement_request;
  auto* fees_statement =
      fees->add_subcommand("statement", "A group's or an association unit's statement / bảng kê");
  fees_statement->add_option("--month", entrusted_month, "month (YYYY-MM)")
      ->required()
      ->check(IsMonth());
  auto* statement_group =
      fees_statement->add_option("--group", statement_request.group_code, "group code");
  auto* statement_association =
      fees_statement
          ->add_option("--association", statement_request.association,
                       "association 11 farmers, 12 women, 13 veterans, 14 youth")
          ->check(CLI::Range(11, 14))
          ->excludes(statement_group);
  fees_statement
      ->add_option("--level", statement_request.level, "central | province | district | commune")
      ->check(CLI::IsMember({"central", "province", "district", "commune"}))
      ->needs(statement_association);
  fees_statement->add_option("--area", statement_request.area_code,
                             "the level's province, district or commune code");
  fees_statement->add_option("--format", entrusted_format, "text | csv")
      ->check(CLI::IsMember({"text", "csv"}));
  add_db(fees_statement);

  // tdcs reconcile … and tdcs inspect … (RULES §8).
  auto oversight = cli::AddOversightCommands(app, add_db);
  // tdcs report … (RULES §9).
  auto reports = cli::AddReportCommands(app, add_db);
  auto users = cli::AddUserCommands(app, add_db);

  http::ServeOptions serve_options;
  auto* serve = app.add_subcommand("serve", "Serve the web app and API / chạy máy chủ web");
  serve->add_option("--host", serve_options.host, "address to listen on");
  serve->add_option("--port", serve_options.port, "port, 1-65535 (0: any free port, printed)");
  auto* db_pool =
      serve
          ->add_option("--db-pool", serve_options.pool,
                       "database connections to each database, and server threads ($TDCS_DB_POOL "
                       "when set) / số kết nối cơ sở dữ liệu")
          ->check(CLI::Range(1, kMaxPool));
  serve
      ->add_option("--read-db", serve_options.read_db_target,
                   "a hot standby (postgresql:// URI) that the read-only routes read from; "
                   "everything else uses --db / máy chủ dự phòng cho các yêu cầu chỉ đọc")
      ->check(IsNotEmpty());
  serve->add_option("--web", serve_options.web_root,
                    "the web application's built files (web/dist; default: the built-in page)");
  serve->add_flag("--secure-cookies", serve_options.secure_cookies,
                  "mark the session cookies Secure (when a TLS proxy serves the site) / cookie "
                  "chỉ gửi qua HTTPS");
  add_db(serve);

  // Settings from the environment are checked before anything opens a database.
  if (const char* env = std::getenv("TDCS_STATEMENT_TIMEOUT_SECONDS");
      env != nullptr && *env != '\0' && !IsDigits(env, 9)) {
    fmt::print(stderr,
               "TDCS_STATEMENT_TIMEOUT_SECONDS không hợp lệ / invalid "
               "TDCS_STATEMENT_TIMEOUT_SECONDS '{}': số giây / whole seconds, 0 = không giới hạn / "
               "no limit\n",
               env);
    return kExitUsage;
  }
  HideDefaultsOfRequired(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // CLI11 has an exit status per kind of usage error; tdcs has one for all (docs/API.md).
    return app.exit(error) == 0 ? 0 : kExitUsage;
  }
  try {
    if (*init) return RunInit(db_target, init_admin);
    if (*import) return RunImport(db_target, kind, file, update);
    if (*export_) return RunExport(db_target, kind, file, on_text, mask, force);
    if (*find) return RunFind(db_target, query, show_ids);
    if (*generate) {
      gen.until = CheckedDate(until_text);
      if (!calibrate_file.empty()) {
        std::ifstream in(calibrate_file, std::ios::binary);
        if (!in) {
          fmt::print(stderr, "calibrate: không mở được tệp / cannot open {}\n", calibrate_file);
          return kExitUsage;
        }
        auto targets = app::ReadCalibration(in, calibrate_file);
        if (!targets.ok()) return Rejected(targets.error());
        if (generate->count("--until") == 0) gen.until = targets.value().at;
        gen.calibration = std::move(targets).value();
      }
      return RunGenerate(db_target, gen);
    }
    if (*reform) return RunReform(db_target, reform_on);
    if (*summary) return RunSummary(db_target, on_text);
    if (*scenario_run) return RunScenarios(scenario_files, scenario_postgres);
    if (*close) return RunClose(db_target, close_to, close_confirmed);
    if (*verify) return RunVerify(db_target, deep);
    if (*simulate) return RunSimulate(db_target, simulate_to, simulate_seed);
    if (*loan) {
      auto db = OpenInitialised(db_target);
      if (*loan_list) return RunLoanList(*db, lo);
      auto on = OnOrBusinessDate(lo.on, *db);
      if (!on) return kExitRejected;
      if (*loan_apply) return RunLoanApply(*db, lo, *on);
      if (*loan_approve) return RunLoanDecision(*db, lo, *on, true);
      if (*loan_reject) return RunLoanDecision(*db, lo, *on, false);
      if (*loan_show) return RunLoanShow(*db, lo, *on);
      for (const auto& [verb, sub] : loan_actions)
        if (*sub) return RunLoanAction(*db, verb, lo, *on);
    }
    if (auto status = cli::RunOversightCommand(*oversight, db_target)) return *status;
    if (auto status = cli::RunReportCommand(*reports, db_target)) return *status;
    if (auto status = cli::RunUserCommand(*users, db_target)) return *status;
    if (*session_list)
      return RunSessionList(db_target, list_point, list_date, list_format, list_output);
    if (*session_post) return RunSessionPost(db_target, post_file, post_key);
    if (*session_open) return RunSessionOpen(db_target, list_point, list_date);
    if (*session_close)
      return RunSessionClose(db_target, close_request, list_date, close_counted, close_brought);
    if (*rate_groups) return RunRateGroups(db_target, entrusted_month, entrusted_format);
    if (*fees_run) return RunFees(db_target, entrusted_month);
    if (*fees_statement) {
      if (statement_request.group_code.empty() && statement_request.level.empty()) {
        fmt::print(stderr,
                   "Cần --group, hoặc --association với --level / --group, or --association "
                   "with --level, is needed\n");
        return kExitUsage;
      }
      return RunFeeStatement(db_target, entrusted_month, statement_request, entrusted_format);
    }
    if (*session_due) return RunSessionDue(db_target, list_point, list_date, due_days, list_format);
    if (*session_calendar)
      return RunSessionCalendar(db_target, session_office, session_month, session_format);
    if (*session_move) {
      auto month = app::ParseMonth(session_month, "month");
      if (!month.ok()) return Rejected(month.error());
      move_request.month = month.value();
      move_request.to = CheckedDate(session_to);
      return RunSessionMove(db_target, move_request);
    }
    if (*savings) {
      auto db = OpenInitialised(db_target);
      auto on = OnOrBusinessDate(lo.on, *db);
      if (!on) return kExitRejected;
      for (const auto& [verb, sub] : savings_actions)
        if (*sub) return RunSavings(*db, verb, lo, *on);
    }
    if (*backup) {
      if (std::filesystem::exists(backup_to)) {
        fmt::print(stderr, "Tệp đã tồn tại / file exists: {}\n", backup_to);
        return kExitRejected;
      }
      auto db = OpenInitialised(db_target);
      if (auto s = app::Backup(*db, kContext, backup_to); !s.ok()) return Rejected(s.error());
      fmt::print("Đã sao lưu / backed up {} to {}\n", db->Describe(), backup_to);
      return 0;
    }
    if (*serve) {
      if (serve_options.port < 0 || serve_options.port > 65535) {
        fmt::print(stderr,
                   "Cổng không hợp lệ / invalid --port {}: 1–65535 (0: một cổng trống bất kỳ / "
                   "any free port)\n",
                   serve_options.port);
        return kExitUsage;
      }
      if (std::error_code ignored;
          !serve_options.web_root.empty() &&
          !std::filesystem::exists(serve_options.web_root + "/index.html", ignored)) {
        fmt::print(stderr,
                   "Không có ứng dụng web tại / no web application at --web {} (thiếu / missing "
                   "index.html: make build builds web/dist)\n",
                   serve_options.web_root);
        return kExitUsage;
      }
      if (const char* env = std::getenv("TDCS_DB_POOL");
          env != nullptr && *env != '\0' && db_pool->count() == 0) {
        if (!IsDigits(env, 4) || std::stoi(env) < 1 || std::stoi(env) > kMaxPool) {
          fmt::print(stderr, "TDCS_DB_POOL không hợp lệ / invalid TDCS_DB_POOL '{}': 1–{}\n", env,
                     kMaxPool);
          return kExitUsage;
        }
        serve_options.pool = std::stoi(env);
      }
      serve_options.db_target = db_target;
      OpenInitialised(db_target);
      if (!serve_options.read_db_target.empty()) {
        try {
          OpenInitialised(serve_options.read_db_target);
        } catch (const StorageFault& fault) {
          fmt::print(stderr, "Lỗi lưu trữ / storage fault (--read-db): {}\n",
                     app::RedactPassword(fault.what(), serve_options.read_db_target));
          return kExitFault;
        }
      }
      return http::Serve(serve_options);
    }
  } catch (const StorageFault& fault) {
    // The message only, its password hidden: the statement is SQL, for a
    // developer's eyes.
    fmt::print(stderr, "Lỗi lưu trữ / storage fault: {}\n",
               app::RedactPassword(fault.what(), db_target));
    // A batch run keeps what it finished (each day, each session is its own
    // transaction); the same command goes on from there.
    if (*close || *simulate)
      fmt::print(stderr,
                 "Phần đã xong được giữ lại; khi cơ sở dữ liệu trả lời, hãy chạy lại đúng lệnh này "
                 "để làm tiếp (không việc nào làm hai lần) / what was finished is kept; once the "
                 "database answers, run the same command again to go on (nothing is done "
                 "twice)\n");
    if (DebugMode() && !fault.statement().empty())
      fmt::print(stderr, "TDCS_DEBUG: {}\n", fault.statement());
    return kExitFault;
  }
  return 0;
}
