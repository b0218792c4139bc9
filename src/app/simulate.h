// Simulated monthly commune sessions, for demos and benchmarks: day by day up
// to a date, the end of day runs, and every commune point whose session (as
// moved) falls on the day holds it as a real one is held (app/sessions.h):
// its list 13/TD, each member who comes paying what the list says is due —
// the interest, any principal due or overdue, the expected savings — posted
// as one batch per group, and the session closed with the cash the books
// say. A seeded share of members misses each session (more in a few weak
// groups), so arrears appear and group ratings spread.
#pragma once

#include <cstdint>
#include <functional>

#include "app/connection.h"
#include "app/context.h"
#include "base/date.h"
#include "base/result.h"
#include "money/money.h"

namespace tdcs::app {

struct SimulationSummary {
  int days = 0;
  int64_t payments = 0;  // member lines posted at the sessions
  int64_t sessions = 0;  // sessions held and closed
  int64_t rejected = 0;
  Money collected;
  double close_seconds = 0, posting_seconds = 0;
};

using SimulationProgress = std::function<void(Date day, int64_t payments)>;

// What SimulateSessions answers (the end of day's batch::CloseRejection).
enum class SimulationRejection {
  kBusinessDateMissing,       // the database has no business date
  kLedgerUnbalanced,          // batch::CloseRejection: a day does not close
  kDateNotAfterBusinessDate,  // `to` is not after the business date (nothing to simulate)
};
std::string_view RejectionKey(SimulationRejection code);
std::span<const RejectionEntry<SimulationRejection>> RejectionTable(SimulationRejection);

// `skip_per_million`: the share of loans that pay nothing at a session.
Result<SimulationSummary> SimulateSessions(Connection& connection, const Context& context, Date to,
                                           uint64_t seed, uint32_t skip_per_million = 20'000,
                                           const SimulationProgress& progress = nullptr);

}  // namespace tdcs::app
