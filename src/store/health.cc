#include "store/health.h"

namespace tdcs::store {
namespace {

std::optional<int64_t> OptionalInt(Statement& st, int column) {
  if (st.IsNull(column)) return std::nullopt;
  return st.GetInt(column);
}

}  // namespace

bool IsStandby(Database& db) {
  return db.engine() == Engine::kPostgres &&
         db.QueryInt("SELECT CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END").value_or(0) == 1;
}

HealthFacts CheckHealth(Database& db) {
  HealthFacts facts;
  if (db.engine() != Engine::kPostgres) {
    db.QueryInt("SELECT 1");
    return facts;
  }
  {
    auto st = db.Prepare(
        "SELECT CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END, "
        "(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) * 1000000)::BIGINT, "
        "(SELECT status FROM pg_stat_wal_receiver LIMIT 1)");
    if (!st->Step()) throw StorageFault("postgres: no answer to the health check");
    facts.in_recovery = st->GetInt(0) == 1;
    if (facts.in_recovery) {
      facts.replay_delay_us = OptionalInt(*st, 1);
      facts.receiver_status = st->GetOptionalText(2).value_or("");
    }
  }
  if (facts.in_recovery) return facts;
  auto st = db.Prepare(
      "SELECT COALESCE(application_name, ''), COALESCE(host(client_addr), ''), "
      "COALESCE(state, ''), COALESCE(sync_state, ''), "
      "(EXTRACT(EPOCH FROM write_lag) * 1000000)::BIGINT, "
      "(EXTRACT(EPOCH FROM flush_lag) * 1000000)::BIGINT, "
      "(EXTRACT(EPOCH FROM replay_lag) * 1000000)::BIGINT "
      "FROM pg_stat_replication ORDER BY application_name, pid");
  while (st->Step()) {
    StandbyState s;
    s.name = st->GetText(0);
    s.client = st->GetText(1);
    s.state = st->GetText(2);
    s.sync_state = st->GetText(3);
    s.write_lag_us = OptionalInt(*st, 4);
    s.flush_lag_us = OptionalInt(*st, 5);
    s.replay_lag_us = OptionalInt(*st, 6);
    facts.standbys.push_back(std::move(s));
  }
  return facts;
}

}  // namespace tdcs::store
