// What a database says about itself for a health check: that it answers,
// and on PostgreSQL its place in replication.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/db.h"

namespace tdcs::store {

// One standby streaming from a primary (a row of pg_stat_replication).
// Lags in microseconds: the time the standby took to write, flush and
// replay the WAL the primary sent last (PostgreSQL's write_lag, flush_lag,
// replay_lag); none once the standby has caught up and nothing is sent.
struct StandbyState {
  std::string name;        // application_name (what synchronous_standby_names names)
  std::string client;      // client_addr, empty on a unix socket
  std::string state;       // streaming, catchup, …
  std::string sync_state;  // sync, potential, quorum, async
  std::optional<int64_t> write_lag_us, flush_lag_us, replay_lag_us;
};

struct HealthFacts {
  // PostgreSQL only (SQLite has no replication):
  bool in_recovery = false;  // a standby (pg_is_in_recovery())
  // On a standby: now() - pg_last_xact_replay_timestamp(), the age of the
  // last transaction replayed (none before the first; it grows while the
  // primary commits nothing, so it is an upper bound of the lag), and the WAL
  // receiver's status (pg_stat_wal_receiver: "streaming"; empty when it is not
  // connected to a primary).
  std::optional<int64_t> replay_delay_us;
  std::string receiver_status;
  std::vector<StandbyState> standbys;  // on a primary
};

// Asks the database (one round trip or two, outside any transaction);
// throws StorageFault when it does not answer.
HealthFacts CheckHealth(Database& db);

// Whether the database is a PostgreSQL standby, which answers reads and
// refuses every write (SQLite: never).
bool IsStandby(Database& db);

}  // namespace tdcs::store
