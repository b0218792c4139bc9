// Numbered, append-only schema migrations (src/store/migrations/NNNN_name.sql),
// compiled into the binary. The same files serve both engines; the only
// dialect token is ID_PK (the integer primary key type). Applied versions are
// recorded in schema_migration; Migrate() applies the missing ones in order,
// each in its own transaction.
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

const std::vector<Migration>& AllMigrations();
// Returns the versions applied by this call.
std::vector<int> Migrate(Database& db);
// The highest applied version, 0 for an empty database.
int SchemaVersion(Database& db);
// The migration text with dialect tokens replaced for this engine.
std::string ForEngine(Engine engine, const std::string& sql);

}  // namespace tdcs::store
