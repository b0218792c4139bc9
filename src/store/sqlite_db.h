#pragma once
#include <memory>
#include <string>

#include "store/db.h"

namespace tdcs::store {
// Opens (creating if needed) an SQLite database file in WAL mode with
// synchronous=FULL and foreign keys on.
std::unique_ptr<Database> OpenSqlite(const std::string& path);
}  // namespace tdcs::store
