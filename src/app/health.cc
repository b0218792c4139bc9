#include "app/health.h"

#include "app/internal/access.h"
#include "store/health.h"

namespace tdcs::app {

DatabaseHealth CheckHealth(ConnectionPool& pool) {
  DatabaseHealth health;
  health.postgres =
      pool.target().rfind("postgresql://", 0) == 0 || pool.target().rfind("postgres://", 0) == 0;
  for (int attempt = 1;; ++attempt) {
    try {
      auto connection = pool.Acquire();
      try {
        const auto facts = store::CheckHealth(Db(*connection));
        health.reachable = true;
        health.standby = facts.in_recovery;
        health.replay_delay_us = facts.replay_delay_us;
        health.receiver_status = facts.receiver_status;
        for (const auto& s : facts.standbys)
          health.standbys.push_back({s.name, s.client, s.state, s.sync_state, s.write_lag_us,
                                     s.flush_lag_us, s.replay_lag_us});
        return health;
      } catch (const StorageFault&) {
        if (attempt < 2 && connection->IsBroken()) continue;
        throw;
      }
    } catch (const StorageFault& fault) {
      health.fault = RedactPassword(fault.what(), pool.target());
      return health;
    }
  }
}

}  // namespace tdcs::app
