// tdcs: the TDCS command line and server. Each subcommand parses its options,
// calls one use case of app/ and prints the outcome; exit status 0 on
// success, 1 on a business rejection (bad input), 2 on a usage error, 3 on an
// infrastructure fault (database unreachable, disk full).
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "app/export.h"
#include "app/find.h"
#include "app/generate.h"
#include "app/import.h"
#include "app/network_ops.h"
#include "app/scenario.h"
#include "app/setup.h"
#include "app/simulate.h"
#include "batch/close.h"
#include "batch/verify.h"
#include "cli/progress.h"
#include "http/server.h"
#include "store/db.h"
#include "store/loan_store.h"
#include "store/migrate.h"
#include "store/network_store.h"

namespace {

using namespace tdcs;

constexpr int kExitRejected = 1;
constexpr int kExitFault = 3;

std::unique_ptr<store::Database> OpenInitialised(const std::string& target) {
  auto db = store::Open(target);
  const int version = store::SchemaVersion(*db);
  if (version == 0)
    throw store::StorageFault("database " + target + " is not initialised; run: tdcs init --db " +
                              target);
  const int latest = store::AllMigrations().back().version;
  if (version < latest)
    throw store::StorageFault("database " + target + " has schema version " +
                              std::to_string(version) + ", this tdcs needs " +
                              std::to_string(latest) + "; upgrade it with: tdcs init --db " +
                              target);
  return db;
}

// Prints a business rejection and gives the exit status for it.
int Rejected(const Error& error) {
  fmt::print(stderr, "{}\n", error.ToString());
  return kExitRejected;
}

void PrintErrors(const std::vector<RowError>& errors) {
  for (const auto& e : errors)
    fmt::print(stderr, "  dòng/line {}: {}\n", e.line, e.error.ToString());
}

std::optional<Date> ParseDateOption(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return Date::Parse(text);
}

// The --on date, or the database's business date when it is not given.
std::optional<Date> OnOrBusinessDate(const std::string& text, store::Database& db) {
  if (text.empty()) {
    auto today = store::LoanStore(db).BusinessDate();
    if (!today)
      fmt::print(stderr, "Chưa có ngày làm việc, hãy dùng --on / no business date yet: use --on\n");
    return today;
  }
  auto d = Date::Parse(text);
  if (!d) fmt::print(stderr, "Ngày không hợp lệ / invalid date for --on: {}\n", text);
  return d;
}

// A required date option; prints the error when it is not a date.
std::optional<Date> RequireDate(const std::string& text, const char* option) {
  auto d = Date::Parse(text);
  if (!d) fmt::print(stderr, "Ngày không hợp lệ / invalid date for {}: {}\n", option, text);
  return d;
}

int RunInit(const std::string& db_target) {
  auto db = store::Open(db_target);
  auto summary = app::InitDatabase(*db);
  fmt::print("Đã khởi tạo / initialised {}: {} migration(s), {} administrative rows, {} programs\n",
             db->Describe(), summary.migrations_applied.size(), summary.admin_rows,
             summary.programs);
  return 0;
}

int RunImport(const std::string& db_target, const std::string& kind_text, const std::string& file) {
  auto kind = app::ParseImportKind(kind_text);
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    fmt::print(stderr, "Không mở được tệp / cannot open file: {}\n", file);
    return kExitRejected;
  }
  auto db = OpenInitialised(db_target);
  cli::Progress progress;
  auto report = app::Import(*db, *kind, in,
                            [&](int64_t d, int64_t t, const char* p) { progress.Update(d, t, p); });
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
  fmt::print("Đã nhập / imported {} {} rows from {}\n", report.written, kind_text, file);
  return 0;
}

int RunExport(const std::string& db_target, const std::string& kind_text, const std::string& file,
              const std::string& on_text, bool mask) {
  auto kind = app::ParseImportKind(kind_text);
  auto db = OpenInitialised(db_target);
  auto on = OnOrBusinessDate(on_text, *db);
  if (!on) return kExitRejected;
  cli::Progress progress;
  auto run = [&](std::ostream& out) {
    return app::Export(*db, *kind, {*on, mask}, out,
                       [&](int64_t d, int64_t t, const char* p) { progress.Update(d, t, p); });
  };
  int64_t rows = 0;
  if (file.empty() || file == "-") {
    rows = run(std::cout);
  } else {
    std::ofstream out(file, std::ios::binary);
    rows = run(out);
    if (!out.flush()) throw store::StorageFault("cannot write " + file);
  }
  progress.Finish();
  fmt::print(stderr, "Đã xuất / exported {} {} rows as of {}\n", rows, kind_text, on->ToIso());
  return 0;
}

int RunFind(const std::string& db_target, const std::string& query, bool show_ids) {
  auto db = OpenInitialised(db_target);
  auto found = app::FindBorrowers(*db, query);
  for (const auto& b : found.borrowers)
    fmt::print("{}  {}  {}  {}\n", b.code,
               show_ids ? b.citizen_id : app::MaskCitizenId(b.citizen_id),
               b.birth_date.ToVietnamese(), b.name);
  fmt::print(stderr, "{} kết quả / results{}\n", found.borrowers.size(),
             found.more ? " (còn nữa, hãy thu hẹp tìm kiếm / more, narrow the search)" : "");
  return 0;
}

int RunGenerate(const std::string& db_target, const app::GenerateOptions& options) {
  auto db = store::Open(db_target);
  app::InitDatabase(*db);
  cli::Progress progress;
  auto result = app::Generate(
      *db, options, [&](int64_t d, int64_t t, const char* p) { progress.Update(d, t, p); });
  progress.Finish();
  if (!result.ok()) return Rejected(result.error());
  db->Checkpoint();
  const auto& s = result.value();
  const double seconds = progress.ElapsedSeconds();
  std::error_code ec;
  const auto size = std::filesystem::file_size(db_target, ec);
  fmt::print(
      "Hồ sơ / profile {} seed {}: {} chi nhánh/branches, {} hội sở/seats, {} PGD/offices, "
      "{} điểm GD/points, {} thôn/villages, {} tổ/groups, {} hộ vay/borrowers, {} khoản vay/loans, "
      "dư nợ/outstanding {} đ (bình quân/average {} đ per household){}\n"
      "{} rows in {:.1f} s ({:.0f} rows/s){}\n",
      options.profile, options.seed, s.branches, s.seats, s.offices, s.points, s.villages, s.groups,
      s.borrowers, s.loans, s.outstanding.ToVietnamese(),
      Money::Dong(s.borrowers ? s.outstanding.dong() / s.borrowers : 0).ToVietnamese(),
      s.reform_applied ? "; moved onto the 2025 structure" : "", s.rows, seconds,
      s.rows / std::max(seconds, 1e-9),
      ec ? std::string() : fmt::format("; database {:.1f} MiB", size / 1048576.0));
  return 0;
}

int RunReform(const std::string& db_target, const std::string& on_text) {
  auto db = OpenInitialised(db_target);
  auto result = app::ApplyReform2025(*db, ParseDateOption(on_text));
  if (!result.ok()) return Rejected(result.error());
  fmt::print("Đã chuyển mạng lưới sang địa giới 2025 / moved onto the 2025 structure: {}\n",
             result.value().ToString());
  return 0;
}

int RunSummary(const std::string& db_target, const std::string& on_text) {
  auto db = OpenInitialised(db_target);
  auto on = OnOrBusinessDate(on_text, *db);
  if (!on) return kExitRejected;
  store::NetworkStore store(*db);
  const auto c = store.CountsOn(*on);
  fmt::print(
      "Ngày/date {}: chi nhánh/branches {}, PGD/offices {}, hội sở/seats {}, điểm GD/points {}, "
      "thôn/villages {}, tổ/groups {}, hộ vay/borrowers {}, thành viên/members {}, "
      "đơn vị hội/association units {}\n",
      on->ToVietnamese(), c.branches, c.offices, c.seats, c.points, c.villages, c.groups,
      c.borrowers, c.memberships, c.association_units);
  return 0;
}

int RunScenarios(const std::vector<std::string>& files) {
  int failed_files = 0, checks = 0, failures = 0;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      fmt::print(stderr, "Không mở được tệp / cannot open file: {}\n", file);
      return kExitRejected;
    }
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto result =
        app::RunScenario(text, std::filesystem::path(file).filename().string(), std::cout);
    checks += result.checks;
    failures += result.failures;
    failed_files += result.ok() ? 0 : 1;
  }
  fmt::print("{} passed, {} failed\n", checks - failures, failures);
  return failed_files == 0 ? 0 : kExitRejected;
}

int RunClose(const std::string& db_target, const std::string& to_text) {
  auto to = RequireDate(to_text, "--to");
  if (!to) return kExitRejected;
  auto db = OpenInitialised(db_target);
  cli::Progress progress;
  auto result = batch::CloseTo(
      *db, *to, [&](Date day, int64_t loans) { progress.Update(loans, 0, day.ToIso().c_str()); });
  progress.Finish();
  if (!result.ok()) return Rejected(result.error());
  const auto& s = result.value();
  fmt::print(
      "Đã khóa sổ đến / closed to {}: {} ngày/days, {} khoản vay/loans, {} bút toán/entries "
      "in {:.2f} s\n",
      to->ToVietnamese(), s.days, s.loans, s.entries, progress.ElapsedSeconds());
  return 0;
}

int RunSimulate(const std::string& db_target, const std::string& to_text, uint64_t seed) {
  auto to = RequireDate(to_text, "--to");
  if (!to) return kExitRejected;
  auto db = OpenInitialised(db_target);
  cli::Progress progress;
  auto result = app::SimulateSessions(*db, *to, seed, 20'000, [&](Date day, int64_t payments) {
    progress.Update(payments, 0, day.ToIso().c_str());
  });
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
  const auto report = batch::Verify(*db, deep, [&](const char* phase) {
    fmt::print(stderr, "kiểm tra / checking {}… ({:.0f} s)\n", phase, progress.ElapsedSeconds());
  });
  for (const auto& p : report.problems) fmt::print(stderr, "SAI / WRONG: {}\n", p);
  // Noted outside the database, the head shows later whether the chain's tail was rewritten.
  fmt::print("đầu chuỗi bút toán / journal chain head: vị trí/position {}, {}\n",
             report.chain_length, report.chain_head);
  fmt::print(
      "{}: {} bút toán/entries, {} khoản vay/loans, {} tài khoản tiết kiệm/savings accounts, "
      "{} lỗi/problems ({:.1f} s)\n",
      report.ok() ? "Sổ sách khớp / the books verify"
                  : "Sổ sách KHÔNG khớp / the books do NOT verify",
      report.entries, report.loans, report.savings_accounts, report.problems.size(),
      progress.ElapsedSeconds());
  return report.ok() ? 0 : kExitRejected;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"TDCS — hệ thống tín dụng chính sách / policy-credit banking system"};
  app.require_subcommand(1);
  std::string db_target = "tdcs.db";
  if (const char* env = std::getenv("TDCS_DB")) db_target = env;
  auto add_db = [&](CLI::App* sub) {
    sub->add_option("--db", db_target,
                    "SQLite file or postgresql:// URI (default: $TDCS_DB or tdcs.db)");
  };
  const std::vector<std::string> kinds = {"network", "groups", "borrowers", "memberships"};

  auto* init = app.add_subcommand("init", "Create or upgrade a database / tạo cơ sở dữ liệu");
  add_db(init);

  std::string kind, file, on_text, query;
  bool mask = false, show_ids = false;
  auto* import = app.add_subcommand("import", "Import a CSV file, all or nothing / nhập tệp CSV");
  import->add_option("kind", kind, "network | groups | borrowers | memberships")
      ->required()
      ->check(CLI::IsMember(kinds));
  import->add_option("file", file, "CSV file (UTF-8; formats in docs/IMPORT.md)")->required();
  add_db(import);

  auto* export_ = app.add_subcommand("export", "Export as CSV / xuất CSV");
  export_->add_option("kind", kind, "network | groups | borrowers | memberships")
      ->required()
      ->check(CLI::IsMember(kinds));
  export_->add_option("file", file, "output file (default: standard output)");
  export_->add_option("--on", on_text,
                      "the structure as of this date (default: the business date)");
  export_->add_flag("--mask-citizen-id", mask, "mask citizen IDs (001****45678)");
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
  generate->add_option("--seed", gen.seed, "random seed (same seed, same data)");
  generate->add_option("--until", until_text, "last date of generated history (YYYY-MM-DD)");
  add_db(generate);

  std::string reform_on;
  auto* reform = app.add_subcommand(
      "reform", "Move the network onto the 2025 administrative structure / chuyển địa giới 2025");
  reform->add_option("--on", reform_on, "effective date (default 2025-07-01)");
  add_db(reform);

  auto* summary =
      app.add_subcommand("summary", "Counts of the network on a date / số liệu mạng lưới");
  summary->add_option("--on", on_text, "date (default: the business date)");
  add_db(summary);

  std::string backup_to;
  auto* backup = app.add_subcommand("backup", "Online copy of an SQLite database / sao lưu");
  backup->add_option("--to", backup_to, "the copy to write (must not exist)")->required();
  add_db(backup);

  std::vector<std::string> scenario_files;
  auto* scenario = app.add_subcommand("scenario", "Scenario files / kịch bản kiểm thử");
  scenario->require_subcommand(1);
  auto* scenario_run = scenario->add_subcommand(
      "run", "Run scenario files on fresh in-memory databases (docs/SCENARIOS.md)");
  scenario_run->add_option("files", scenario_files, "scenario files (.scn)")->required();

  std::string close_to;
  auto* close = app.add_subcommand("close", "End of day up to a date / khóa sổ cuối ngày");
  close->add_option("--to", close_to, "last business day to close (YYYY-MM-DD)")->required();
  add_db(close);

  std::string simulate_to;
  uint64_t simulate_seed = 1;
  auto* simulate = app.add_subcommand(
      "simulate", "Simulate commune sessions day by day / mô phỏng giao dịch xã");
  simulate->add_option("--to", simulate_to, "last day to simulate (YYYY-MM-DD)")->required();
  simulate->add_option("--seed", simulate_seed, "random seed");
  add_db(simulate);

  bool deep = false;
  auto* verify = app.add_subcommand("verify", "Check the books / kiểm tra sổ sách");
  verify->add_flag("--deep", deep, "also replay every loan's transactions");
  add_db(verify);

  http::ServeOptions serve_options;
  auto* serve = app.add_subcommand("serve", "Serve the web app and API / chạy máy chủ web");
  serve->add_option("--host", serve_options.host, "address to listen on");
  serve->add_option("--port", serve_options.port, "port");
  add_db(serve);

  CLI11_PARSE(app, argc, argv);
  try {
    if (*init) return RunInit(db_target);
    if (*import) return RunImport(db_target, kind, file);
    if (*export_) return RunExport(db_target, kind, file, on_text, mask);
    if (*find) return RunFind(db_target, query, show_ids);
    if (*generate) {
      auto until = Date::Parse(until_text);
      if (!until) {
        fmt::print(stderr, "Ngày không hợp lệ / invalid date for --until: {}\n", until_text);
        return kExitRejected;
      }
      gen.until = *until;
      return RunGenerate(db_target, gen);
    }
    if (*reform) return RunReform(db_target, reform_on);
    if (*summary) return RunSummary(db_target, on_text);
    if (*scenario_run) return RunScenarios(scenario_files);
    if (*close) return RunClose(db_target, close_to);
    if (*verify) return RunVerify(db_target, deep);
    if (*simulate) return RunSimulate(db_target, simulate_to, simulate_seed);
    if (*backup) {
      if (std::filesystem::exists(backup_to)) {
        fmt::print(stderr, "Tệp đã tồn tại / file exists: {}\n", backup_to);
        return kExitRejected;
      }
      auto db = OpenInitialised(db_target);
      db->BackupTo(backup_to);
      fmt::print("Đã sao lưu / backed up {} to {}\n", db->Describe(), backup_to);
      return 0;
    }
    if (*serve) {
      serve_options.db_target = db_target;
      OpenInitialised(db_target);
      return http::Serve(serve_options);
    }
  } catch (const store::StorageFault& fault) {
    fmt::print(stderr, "Lỗi lưu trữ / storage fault: {}\n", fault.what());
    return kExitFault;
  }
  return 0;
}
