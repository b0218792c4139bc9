// Benchmarks of loans, the ledger and the end of day. Figures print as counters.
//   CloseDay/<profile>      end of day for one business day
//   CloseMonth/<profile>    end of day for the next 30 business days
//   Collections/batched     durable payments posted as a commune session posts
//                           them: kSessionLines per transaction (synchronous=FULL)
//   Collections/single      the same, one transaction (one fsync) per payment
//   Fsync                   the machine's fsync rate in the same directory
//   EntryHash               the journal chain's hash of one payment's entry
//                           (canonical encoding and BLAKE2b-256), CPU only
// Databases are generated once into $TDCS_BENCH_DIR (default /tmp) and reused:
// tdcs-bench-loans-<profile>.db. The national profile (≈ 4 GB) runs only when asked:
//   loans_bench --benchmark_filter=national
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <thread>

#include "app/generate.h"
#include "app/internal/access.h"
#include "app/loans.h"
#include "app/setup.h"
#include "batch/close.h"
#include "store/db.h"
#include "store/journal_chain.h"
#include "store/loan_store.h"

namespace {

using namespace tdcs;

constexpr size_t kSessionLines = 2'000;

std::filesystem::path BenchDir() {
  const char* dir = std::getenv("TDCS_BENCH_DIR");
  return dir ? std::filesystem::path(dir) : std::filesystem::temp_directory_path();
}

// The profile's database, generated on first use.
// Benchmarks time the store and batch layers beneath the use cases too, so
// they hold the connection and reach its database (app::Db).
struct ProfileBooks {
  std::unique_ptr<app::Connection> connection;
  store::Database& operator*() { return app::Db(*connection); }
};

ProfileBooks ProfileDatabase(const std::string& profile) {
  const auto path = BenchDir() / ("tdcs-bench-loans-" + profile + ".db");
  if (!std::filesystem::exists(path)) {
    auto r = app::Generate(path.string(), app::SystemContext(),
                           {profile, 1, *Date::FromCivil(2026, 6, 30)});
    if (!r.ok()) std::abort();
  }
  auto connection = app::Connection::Open(path.string());
  app::InitDatabase(*connection);
  return ProfileBooks{std::move(connection)};
}

void CloseDays(benchmark::State& state, const std::string& profile, int days) {
  auto db = ProfileDatabase(profile);
  int64_t loans = 0, entries = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const Date from = *store::LoanStore(*db).BusinessDate();
    state.ResumeTiming();
    auto r = batch::CloseTo(*db, from.AddDays(days));
    if (!r.ok()) state.SkipWithError(r.error().ToString().c_str());
    loans += r.value().loans;
    entries += r.value().entries;
  }
  state.counters["loans_touched"] = static_cast<double>(loans) / state.iterations();
  state.counters["entries"] = static_cast<double>(entries) / state.iterations();
  state.counters["days"] = days;
}

// Loans with enough interest owed to take a 1,000 đ payment, from the province.
std::vector<std::string> PayableLoans(store::Database& db, size_t count) {
  std::vector<std::string> codes;
  store::LoanStore store(db);
  for (int day = 1; day <= 28 && codes.size() < count; ++day)
    for (const auto& [id, code] : store.ActiveLoansOfSessionDay(day, 0, 100'000)) {
      codes.push_back(code);
      if (codes.size() == count) break;
    }
  return codes;
}

void Collections(benchmark::State& state, bool batched) {
  auto db = ProfileDatabase("province");
  // Move a month on so that every loan owes interest.
  {
    const Date today = *store::LoanStore(*db).BusinessDate();
    (void)batch::CloseTo(*db, today.AddDays(30));
  }
  const Date today = *store::LoanStore(*db).BusinessDate();
  const size_t lines = batched ? kSessionLines : 200;
  const auto codes = PayableLoans(*db, 100'000);
  size_t next = 0;
  int64_t posted = 0;
  for (auto _ : state) {
    std::vector<app::Collection> batch;
    for (size_t i = 0; i < lines; ++i)
      batch.push_back({codes[next++ % codes.size()], Money::Dong(1'000), ""});
    if (batched) {
      posted += app::PostCollections(*db.connection, app::SystemContext(), today, batch).posted;
    } else {
      for (const auto& line : batch)
        posted += app::ActOnLoan(*db.connection, app::SystemContext(),
                                 {app::LoanActionKind::kPay, line.loan_code, today, line.amount})
                      .ok();
    }
  }
  state.counters["payments_per_s"] =
      benchmark::Counter(static_cast<double>(posted), benchmark::Counter::kIsRate);
  state.counters["lines_per_txn"] = static_cast<double>(batched ? kSessionLines : 1);
}

void Fsync(benchmark::State& state) {
  const auto path = BenchDir() / "tdcs-bench-fsync.tmp";
  const int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0600);
  char block[4096] = {};
  int64_t syncs = 0;
  for (auto _ : state) {
    if (::pwrite(fd, block, sizeof block, 0) != static_cast<ssize_t>(sizeof block) ||
        ::fsync(fd) != 0)
      state.SkipWithError("fsync failed");
    ++syncs;
  }
  ::close(fd);
  std::filesystem::remove(path);
  state.counters["fsyncs_per_s"] =
      benchmark::Counter(static_cast<double>(syncs), benchmark::Counter::kIsRate);
}

// A payment's entry as PostEntry hashes it: cash in, interest and principal out.
void EntryHash(benchmark::State& state) {
  const std::string date = "2026-07-07";
  store::ChainHash previous{};
  int64_t id = 1;
  for (auto _ : state) {
    const store::EntryView entry{id, id, date, "pay", 42, id, 0};
    std::vector<store::PostingView> postings = {
        {"CASH_POINT", "01", 1, 312, 42, 77, 1'146'667},
        {"INTEREST_RECEIVABLE", "01", 1, 312, 42, 77, -146'667},
        {"LOAN_NORMAL", "01", 1, 312, 42, 77, -1'000'000}};
    previous = store::EntryHash(entry, postings, previous);
    ++id;
  }
  benchmark::DoNotOptimize(previous);
}

}  // namespace

BENCHMARK_CAPTURE(CloseDays, day_province, std::string("province"), 1)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5);
BENCHMARK_CAPTURE(CloseDays, month_province, std::string("province"), 30)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(CloseDays, day_national, std::string("national"), 1)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5);
BENCHMARK_CAPTURE(CloseDays, month_national, std::string("national"), 30)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(Collections, batched, true)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(10)
    ->UseRealTime();
BENCHMARK_CAPTURE(Collections, single, false)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->UseRealTime();
BENCHMARK(Fsync)->Iterations(300)->UseRealTime();
BENCHMARK(EntryHash);

int main(int argc, char** argv) {
  benchmark::AddCustomContext("cores", std::to_string(std::thread::hardware_concurrency()));
  benchmark::AddCustomContext("store", "SQLite WAL synchronous=FULL");
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
