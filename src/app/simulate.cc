#include "app/simulate.h"

#include <chrono>
#include <exception>
#include <map>
#include <vector>

#include "app/internal/access.h"
#include "app/internal/audit.h"
#include "app/internal/session_lines.h"
#include "app/loans.h"
#include "app/random.h"
#include "app/sessions.h"
#include "batch/close.h"
#include "loans/loan.h"
#include "loans/session_calendar.h"
#include "store/calendar_store.h"
#include "store/loan_store.h"
#include "store/network_store.h"

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

constexpr const char* kSessionsDone = "simulate.sessions_done";

}  // namespace

namespace {

// A group's attendance, drawn once per group from its code and the seed:
// most groups come in full (the run's skip share), 8.5 % often miss
// (20 % of their members), 2.5 % badly (45 %) — so the month's ratings
// spread as a real province's do (about 92 % of groups good).
uint32_t GroupSkipPerMillion(const std::string& group_code, uint64_t seed,
                             uint32_t skip_per_million) {
  uint64_t h = seed ^ 0x9e3779b97f4a7c15ULL;
  for (unsigned char c : group_code) h = (h ^ c) * 0x100000001b3ULL;
  Random draw(h);
  const uint64_t r = draw.Below(1000);
  if (r < 25) return 450'000;
  if (r < 110) return 200'000;
  return skip_per_million;
}

// The points whose session (as moved) is held on `day`.
std::vector<std::string> PointsHoldingSessionOn(store::Database& db, Date day) {
  store::NetworkStore network(db);
  auto points = network.PointsOn(day);
  std::vector<int64_t> ids;
  for (const auto& p : points) ids.push_back(p.id);
  auto moves = store::SessionMovesOf(db, ids);
  std::vector<std::string> out;
  for (const auto& p : points) {
    loans::SessionMoves point_moves;
    for (const auto& row : moves[p.id]) point_moves.push_back(row.move);
    for (int back : {0, 1, -1}) {
      const Date first = Date::MonthDayClamped(day.year(), day.month(), 1).AddMonths(-back);
      if (loans::SessionDateIn(first.year(), first.month(), p.session_day, point_moves) == day) {
        out.push_back(p.code);
        break;
      }
    }
  }
  return out;
}

// Holds every commune session of `day` (the business date) as a session is
// held: the list of what is due, each member who comes paying it in full
// (and saving what the list expects), a batch per group, and the session
// closed with the cash the books say.
void PostSessionsOf(Connection& connection, const Context& context, Date day, Random& random,
                    uint64_t seed, uint32_t skip_per_million, SimulationSummary& summary,
                    LogCheckpoints& checkpoints) {
  store::Database& db = Db(connection);
  for (const auto& point : PointsHoldingSessionOn(db, day)) {
    {
      store::ReadTransaction tx(db);
      auto held = OpenSessionStatus(connection, point, day);
      if (held == "closed") continue;  // done by a run before this one
    }
    // One transaction per point, each group's batch a savepoint of it (a
    // group refused rolls back alone), the closing in it too.
    store::Transaction tx(db);
    auto list = SessionList(connection, context, point, day);
    if (!list.ok()) continue;  // (rolls the empty transaction back)
    const std::optional<int64_t> rows_changed = db.RowsChanged();
    std::vector<SessionPostLine> lines;
    std::string group;
    uint32_t skip = skip_per_million;
    int number = 0;
    for (const auto& l : list.value()) {
      ++number;
      if (l.group_code != group) {
        group = l.group_code;
        skip = GroupSkipPerMillion(group, seed, skip_per_million);
      }
      if (random.Chance(skip)) continue;  // not at the session
      SessionPostLine line{number,       l.group_code,   l.borrower_code,
                           l.loan_code,  l.interest_due, l.principal_due + l.overdue,
                           l.savings_due};
      if ((line.interest_paid + line.principal_paid + line.savings_paid).IsZero()) continue;
      lines.push_back(std::move(line));
    }
    if (!lines.empty()) {
      auto posted = PostSessionListed(
          connection, context, lines, "SIM-" + point + "-" + day.ToIso(),
          {point, day, std::move(list).value(), rows_changed, db.TransactionSerial()});
      if (posted.ok()) {
        const auto& r = posted.value();
        summary.payments += r.lines_posted;
        summary.collected += r.collected;
        for (const auto& e : r.refused)
          // A run stopped in the middle of a point finds its groups posted.
          if (e.error.code != "IDEMPOTENCY_KEY_REUSED" && e.error.code != "GROUP_ALREADY_POSTED")
            ++summary.rejected;
      } else {
        ++summary.rejected;
      }
    }
    auto expected = SessionCashExpected(connection, context, point, day);
    if (expected.ok() && expected.value()) {
      SessionCloseRequest close{point, day, *expected.value(), "", {}};
      if (expected.value()->IsNegative()) {
        close.brought = Money::Zero() - *expected.value();
        close.counted = Money::Zero();
      }
      if (CloseCommuneSession(connection, context, close).ok()) ++summary.sessions;
    }
    tx.Commit();
    checkpoints.Committed();
    if (checkpoints.RestartDue()) LogCheckpoints::Restart(connection);
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
  // The audit trail holds the simulation once, not each of its postings.
  Context inner = context;
  inner.audit = false;
  // Checkpoints off the posting connection, taken on the other core, while
  // the run lasts (each point's commit asks for one).
  LogCheckpoints checkpoints(connection.Target());
  struct OwnCheckpointsAgain {
    Connection& writer;
    bool taken;
    ~OwnCheckpointsAgain() {
      if (!taken) return;
      try {
        LogCheckpoints::TakeNoneOn(writer, false);
      } catch (const std::exception&) {
        // A connection that cannot take the setting is closed by its owner.
      }
    }
  } restore{connection, checkpoints.enabled()};
  if (checkpoints.enabled()) LogCheckpoints::TakeNoneOn(connection);
  if (Date::Parse(*done) && *Date::Parse(*done) < *current && *current <= to) {
    const auto start = std::chrono::steady_clock::now();
    PostSessionsOf(connection, inner, *current, random, seed, skip_per_million, summary,
                   checkpoints);
    summary.posting_seconds += Seconds(start);
  }
  for (Date day = current->AddDays(1); day <= to; day = day.AddDays(1)) {
    auto start = std::chrono::steady_clock::now();
    auto closed = batch::CloseTo(db, day);
    if (!closed.ok()) return closed.error();
    checkpoints.Committed();  // the day's end commits too
    summary.close_seconds += Seconds(start);
    start = std::chrono::steady_clock::now();
    PostSessionsOf(connection, inner, day, random, seed, skip_per_million, summary, checkpoints);
    summary.posting_seconds += Seconds(start);
    ++summary.days;
    if (progress) progress(day, summary.payments);
  }
  store::RunTransaction(db, [&](store::Transaction& tx) {
    RecordAudit(db, context, "batch.simulate", "books",
                AuditState().Add("business_date", current->ToIso()),
                AuditState()
                    .Add("business_date", to.ToIso())
                    .Add("days", static_cast<int64_t>(summary.days))
                    .Add("payments", static_cast<int64_t>(summary.payments))
                    .Add("seed", static_cast<int64_t>(seed)));
    tx.Commit();
  });
  return summary;
}

}  // namespace tdcs::app
