#include "app/simulate.h"

#include <chrono>
#include <map>
#include <vector>

#include "app/internal/access.h"
#include "app/loans.h"
#include "app/random.h"
#include "batch/close.h"
#include "loans/loan.h"
#include "store/loan_store.h"

namespace tdcs::app {

// The wire string of each rejection code (docs/API.md "Error codes").
#define TDCS_SIMULATION_REJECTIONS(X)              \
  X(kBusinessDateMissing, "BUSINESS_DATE_MISSING") \
  X(kLedgerUnbalanced, "LEDGER_UNBALANCED")        \
  X(kDateNotAfterBusinessDate, "SIMULATION_DATE_NOT_AFTER_BUSINESS_DATE")
TDCS_DEFINE_REJECTIONS(SimulationRejection, TDCS_SIMULATION_REJECTIONS)
#undef TDCS_SIMULATION_REJECTIONS

namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// The session days that fall on `day`: the day itself, and on a month's last
// day every later day the month lacks (a session on the 31st is held on the 30th).
std::vector<int> SessionDaysOn(Date day) {
  std::vector<int> out{day.day()};
  if (day.day() == DaysInMonth(day.year(), day.month()))
    for (int d = day.day() + 1; d <= 31; ++d) out.push_back(d);
  return out;
}

constexpr const char* kSessionsDone = "simulate.sessions_done";

}  // namespace

namespace {

// Posts every commune session held on `day` (the business date).
void PostSessionsOf(Connection& connection, const Context& context, Date day, Random& random,
                    uint32_t skip_per_million, SimulationSummary& summary) {
  store::Database& db = Db(connection);
  for (int session_day : SessionDaysOn(day)) {
    int64_t after = 0;
    while (true) {
      std::vector<Collection> lines;
      {
        store::LoanStore store(db);
        auto loans = store.ActiveLoansOfSessionDay(session_day, after,
                                                   static_cast<int>(kCollectionLinesMax));
        if (loans.empty()) break;
        after = loans.back().first;
        // The members who come, then their loans, read at once.
        std::vector<std::pair<int64_t, std::string>> coming;
        for (auto& loan : loans)
          if (!random.Chance(skip_per_million)) coming.push_back(std::move(loan));
        std::vector<int64_t> ids;
        for (const auto& [id, code] : coming) ids.push_back(id);
        std::map<int64_t, loans::Loan> read;
        for (auto& loan : store.LoadLoans(ids)) read.emplace(loan.terms.loan_id, std::move(loan));
        for (const auto& [id, code] : coming) {
          loans::Loan loan = std::move(read.at(id));
          const auto& rates = store.Rates(loan.terms.program);
          loans::Advance(loan, day, rates);
          const Money owed =
              loans::InterestDue(loan, day, rates) + loan.overdue + loans::PrincipalDue(loan);
          if (owed.dong() > 0 && !loan.IsFrozen()) lines.push_back({code, owed, ""});
        }
      }
      if (lines.empty()) continue;
      auto report = PostCollections(connection, context, day, lines);
      summary.payments += report.posted;
      summary.rejected += static_cast<int64_t>(report.rejected.size());
      summary.collected += report.amount;
    }
  }
  store::Transaction tx(db);
  store::LoanStore(db).SetBatchState(kSessionsDone, day.ToIso());
  tx.Commit();
}

}  // namespace

Result<SimulationSummary> SimulateSessions(Connection& connection, const Context& context, Date to,
                                           uint64_t seed, uint32_t skip_per_million,
                                           const SimulationProgress& progress) {
  store::Database& db = Db(connection);
  // A simulation closes days and posts their sessions: no other end of day
  // may run in between (it would pass a day whose sessions are not posted).
  store::BatchLock lock(db, "close");
  SimulationSummary summary;
  Random random(seed);
  std::optional<Date> current = store::LoanStore(db).BusinessDate();
  if (!current)
    return MakeError(SimulationRejection::kBusinessDateMissing, "db",
                     "Cơ sở dữ liệu chưa có ngày làm việc",
                     "The database has no business date yet");
  // A run stopped after closing a day but before its sessions were all
  // posted finishes them first: what each member owes is recomputed, so the
  // lines already posted are not paid again.
  auto done = store::LoanStore(db).BatchState(kSessionsDone);
  // Only a run stopped before the business date's sessions were posted has
  // work on the business date itself; otherwise `to` must be a later day.
  const bool sessions_pending = done && Date::Parse(*done) && *Date::Parse(*done) < *current;
  if (to < *current || (to == *current && !sessions_pending))
    return MakeError(SimulationRejection::kDateNotAfterBusinessDate, "to",
                     "Ngày mô phỏng đến phải sau ngày làm việc " + current->ToVietnamese(),
                     "The date to simulate to must be after the business date " + current->ToIso());
  if (!done) {
    // The first run starts after the business date's own sessions.
    store::Transaction tx(db);
    store::LoanStore(db).SetBatchState(kSessionsDone, current->ToIso());
    tx.Commit();
    done = current->ToIso();
  }
  if (Date::Parse(*done) && *Date::Parse(*done) < *current && *current <= to) {
    const auto start = std::chrono::steady_clock::now();
    PostSessionsOf(connection, context, *current, random, skip_per_million, summary);
    summary.posting_seconds += Seconds(start);
  }
  for (Date day = current->AddDays(1); day <= to; day = day.AddDays(1)) {
    auto start = std::chrono::steady_clock::now();
    auto closed = batch::CloseTo(db, day);
    if (!closed.ok()) return closed.error();
    summary.close_seconds += Seconds(start);
    start = std::chrono::steady_clock::now();
    PostSessionsOf(connection, context, day, random, skip_per_million, summary);
    summary.posting_seconds += Seconds(start);
    ++summary.days;
    if (progress) progress(day, summary.payments);
  }
  return summary;
}

}  // namespace tdcs::app
