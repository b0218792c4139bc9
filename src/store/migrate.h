// Numbered, append-only schema migrations (src/store/migrations/NNNN_name.sql),
// compiled into the binary. The same files serve both engines; the only
// dialect token is ID_PK (the integer primary key type). A file whose first
// line is "-- postgres-only" holds PostgreSQL DDL (the partitions by branch,
// 0013): SQLite records its version and runs nothing of it, so both engines
// count the same versions. Applied versions are recorded in schema_migration;
// Migrate() applies the missing ones in order, each in its own transaction.
#pragma once

#include <string>
#include <vector>

#include "store/db.h"

namespace tdcs::store {

struct Migration {
  int version;
  std::string name;
  std::string sql;
};

inline constexpr const char* kPostgresOnly = "-- postgres-only\n";
inline constexpr const char* kSqliteOnly = "-- sqlite-only\n";

const std::vector<Migration>& AllMigrations();
// Whether the migration's SQL runs on `engine` (else only its version is recorded).
bool RunsOn(Engine engine, const Migration& m);
// Returns the versions applied by this call.
std::vector<int> Migrate(Database& db);
// The highest applied version, 0 for an empty database.
int SchemaVersion(Database& db);
// The migration text with dialect tokens replaced for this engine.
std::string ForEngine(Engine engine, const std::string& sql);

}  // namespace tdcs::store
