#pragma once
#include <memory>
#include <string>

#include "store/db.h"

namespace tdcs::store {
// Opens an SQLite database file in WAL mode with synchronous=FULL and foreign
// keys on. OpenMode::kCreate creates a missing file; kExisting throws
// StorageFault ("no such database") and creates nothing.
std::unique_ptr<Database> OpenSqlite(const std::string& path, OpenMode mode = OpenMode::kCreate);
}  // namespace tdcs::store
