#include "store/migrate.h"

#include <algorithm>
#include <set>
#include <string>

#include "base/embedded.h"
#include "store/report_store.h"

namespace tdcs::store {
namespace {
constexpr const char* kCreateMigrationTable =
    "CREATE TABLE IF NOT EXISTS schema_migration (version BIGINT PRIMARY KEY, "
    "name TEXT NOT NULL, applied_at TEXT NOT NULL)";
constexpr const char* kSelectVersion = "SELECT MAX(version) FROM schema_migration";
constexpr const char* kSelectApplied = "SELECT version FROM schema_migration";
constexpr const char* kInsertVersion =
    "INSERT INTO schema_migration (version, name, applied_at) VALUES (?, ?, ?)";
}  // namespace

const std::vector<Migration>& AllMigrations() {
  static const std::vector<Migration> all = [] {
    std::vector<Migration> out;
    for (size_t i = 0; i < kEmbeddedMigrations_count; ++i) {
      const EmbeddedFile& f = kEmbeddedMigrations[i];
      std::string name(f.name);
      const int version = std::stoi(name.substr(0, 4));
      out.push_back({version, name.substr(0, name.size() - 4), std::string(f.content())});
    }
    std::sort(out.begin(), out.end(),
              [](const Migration& a, const Migration& b) { return a.version < b.version; });
    return out;
  }();
  return all;
}

// From this migration on, PostgreSQL's text columns compare bytewise
// (0014_text_compares_bytewise.sql, its function tdcs_text_bytewise()).
constexpr int64_t kTextBytewiseSince = 14;
// 0019_report_model.sql: the reports' read model (store/report_store.h).
constexpr int64_t kReportModelSince = 19;
// 0020_report_network_ratings_plans.sql: the network series of the read model.
constexpr int64_t kNetworkSeriesSince = 20;
// 0027_report_point_network.sql: the network series of each commune point.
constexpr int64_t kPointNetworkSince = 27;

bool RunsOn(Engine engine, const Migration& m) {
  if (m.sql.rfind(kPostgresOnly, 0) == 0) return engine == Engine::kPostgres;
  if (m.sql.rfind(kSqliteOnly, 0) == 0) return engine == Engine::kSqlite;
  return true;
}

std::string ForEngine(Engine engine, const std::string& sql) {
  const std::string token = "ID_PK";
  const std::string replacement =
      engine == Engine::kSqlite ? "INTEGER PRIMARY KEY" : "BIGINT PRIMARY KEY";
  std::string out = sql;
  for (size_t pos = out.find(token); pos != std::string::npos;
       pos = out.find(token, pos + replacement.size()))
    out.replace(pos, token.size(), replacement);
  return out;
}

int SchemaVersion(Database& db) {
  // Read only (no CREATE TABLE IF NOT EXISTS): a hot standby answers too.
  const char* exists = db.engine() == Engine::kPostgres
                           ? "SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema() "
                             "AND tablename = 'schema_migration'"
                           : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' "
                             "AND name = 'schema_migration'";
  if (db.QueryInt(exists).value_or(0) == 0) return 0;
  return static_cast<int>(db.QueryInt(kSelectVersion).value_or(0));
}

std::vector<int> Migrate(Database& db) {
  std::vector<int> applied;
  db.ExecScript(kCreateMigrationTable);
  // Every migration not yet recorded is applied, in order: a database made
  // while a lower-numbered migration was still on another branch gets it too.
  std::set<int64_t> done;
  {
    auto st = db.Prepare(kSelectApplied);
    while (st->Step()) done.insert(st->GetInt(0));
  }
  for (const auto& m : AllMigrations()) {
    if (done.count(m.version)) continue;
    Transaction tx(db);
    if (RunsOn(db.engine(), m)) db.ExecScript(ForEngine(db.engine(), m.sql));
    // A migration after 0014 may add text columns: they compare bytewise too.
    if (db.engine() == Engine::kPostgres && m.version > kTextBytewiseSince)
      db.ExecScript("SELECT tdcs_text_bytewise()");
    // The reports' read model of a database that already has a journal is
    // built from it, in the migration's transaction, once all its tables
    // exist (0019's, and 0020's network, ratings and outcomes): at 0020, the
    // whole of it, whether 0019 ran in this run or an earlier one (a run
    // stopped between them leaves 0020 to do, and the model to build).
    if (m.version == kNetworkSeriesSince) RebuildReportModel(db);
    // The points' network series of a database whose model was built
    // before them (one built at 0020 in this run has them already: rebuilt
    // again, the same).
    if (m.version == kPointNetworkSince) RebuildNetworkSeries(db);
    auto st = db.Prepare(kInsertVersion);
    st->BindInt(1, m.version);
    st->BindText(2, m.name);
    st->BindText(3, "migrated");
    st->Run();
    tx.Commit();
    applied.push_back(m.version);
  }
  return applied;
}

}  // namespace tdcs::store
