// The health of the database behind a pool, for `GET /api/health`: whether
// it answers, and on PostgreSQL whether it is a primary (with its standbys'
// lags) or a hot standby (with its replay delay).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/connection.h"

namespace tdcs::app {

struct StandbyHealth {
  std::string name, client, state, sync_state;
  std::optional<int64_t> write_lag_us, flush_lag_us, replay_lag_us;
};

struct DatabaseHealth {
  bool postgres = false;                   // else SQLite
  bool reachable = false;                  // it answered
  std::string fault;                       // why not (for the log, never for a client)
  bool standby = false;                    // PostgreSQL in recovery (a hot standby)
  std::optional<int64_t> replay_delay_us;  // a standby's (store::HealthFacts)
  std::string receiver_status;             // a standby's WAL receiver ("streaming")
  std::vector<StandbyHealth> standbys;     // a primary's
};

// Borrows a connection of `pool` and asks. A connection found lost (the
// database restarted) is replaced once; a database that cannot be reached is
// answered with reachable false, never thrown.
DatabaseHealth CheckHealth(ConnectionPool& pool);

}  // namespace tdcs::app
