// Benchmarks of the network foundation. Each prints its figures as counters:
//   Generate/<profile>   generate and load a profile into a fresh SQLite file
//                        (rows/s, database MiB after checkpoint);
//   ImportBorrowers      import the province's borrowers from CSV into a fresh
//                        database through every check (rows/s);
//   Find                 a diacritic-free name search on the province.
// The national profile is large (≈ 2.7 GB); it runs only when asked:
//   network_bench --benchmark_filter=Generate/national
// Set TDCS_BENCH_DIR to choose where the databases go (default: /tmp).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "app/export.h"
#include "app/find.h"
#include "app/generate.h"
#include "app/import.h"
#include "app/setup.h"
#include "store/db.h"

namespace {

using namespace tdcs;

std::string BenchPath(const std::string& name) {
  const char* dir = std::getenv("TDCS_BENCH_DIR");
  const std::filesystem::path base = dir ? dir : std::filesystem::temp_directory_path();
  const auto path = base / ("tdcs-bench-" + name + ".db");
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  return path.string();
}

void AddMachineContext() {
  benchmark::AddCustomContext("cores", std::to_string(std::thread::hardware_concurrency()));
  benchmark::AddCustomContext("store", "SQLite WAL synchronous=FULL");
}

void Generate(benchmark::State& state, const std::string& profile) {
  int64_t rows = 0;
  double mib = 0;
  for (auto _ : state) {
    const std::string path = BenchPath(profile);
    auto summary =
        app::Generate(path, app::SystemContext(), {profile, 1, *Date::FromCivil(2026, 6, 30)});
    if (!summary.ok()) state.SkipWithError(summary.error().ToString().c_str());
    rows = summary.value().rows;
    mib = static_cast<double>(std::filesystem::file_size(path)) / (1 << 20);
  }
  state.counters["rows"] = static_cast<double>(rows);
  state.counters["rows_per_s"] =
      benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsRate);
  state.counters["db_MiB"] = mib;
}

void ImportBorrowers(benchmark::State& state) {
  // Source: a generated province; the structure of 30/06/2025 is exported and
  // loaded into a fresh database, borrowers timed.
  const std::string source_path = BenchPath("import-source");
  (void)app::Generate(source_path, app::SystemContext(),
                      {"province", 1, *Date::FromCivil(2025, 6, 30)});
  auto source = app::Connection::Open(source_path);
  const app::ExportOptions options{*Date::FromCivil(2025, 6, 30), false};
  std::ostringstream network, groups, borrowers;
  (void)app::Export(*source, app::SystemContext(), app::ImportKind::kNetwork, options, network);
  (void)app::Export(*source, app::SystemContext(), app::ImportKind::kGroups, options, groups);
  const int64_t rows =
      app::Export(*source, app::SystemContext(), app::ImportKind::kBorrowers, options, borrowers)
          .value();
  for (auto _ : state) {
    state.PauseTiming();
    auto db = app::Connection::Open(BenchPath("import"));
    app::InitDatabase(*db);
    std::istringstream n(network.str()), g(groups.str()), b(borrowers.str());
    (void)app::Import(*db, app::SystemContext(), app::ImportKind::kNetwork, n);
    (void)app::Import(*db, app::SystemContext(), app::ImportKind::kGroups, g);
    state.ResumeTiming();
    auto report = app::Import(*db, app::SystemContext(), app::ImportKind::kBorrowers, b);
    if (!report.ok()) state.SkipWithError(report.errors.front().error.ToString().c_str());
  }
  state.counters["rows"] = static_cast<double>(rows);
  state.counters["rows_per_s"] = benchmark::Counter(static_cast<double>(rows) * state.iterations(),
                                                    benchmark::Counter::kIsRate);
}

void Find(benchmark::State& state) {
  static const std::string path = [] {
    const std::string p = BenchPath("find");
    (void)app::Generate(p, app::SystemContext(), {"province", 1, *Date::FromCivil(2026, 6, 30)});
    return p;
  }();
  auto db = app::Connection::Open(path);
  for (auto _ : state) {
    auto found = app::FindBorrowers(*db, app::SystemContext(), "nguyen thi lan");
    benchmark::DoNotOptimize(found);
  }
}

}  // namespace

BENCHMARK_CAPTURE(Generate, province, std::string("province"))
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(Generate, national, std::string("national"))
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();
BENCHMARK(ImportBorrowers)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
BENCHMARK(Find)->Unit(benchmark::kMillisecond);

int main(int argc, char** argv) {
  AddMachineContext();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
