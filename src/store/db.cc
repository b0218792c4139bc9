#include "store/db.h"

#include <memory>

#include "store/postgres_db.h"
#include "store/sqlite_db.h"

namespace tdcs::store {

std::optional<int64_t> Database::QueryInt(std::string_view sql) {
  auto st = Prepare(sql);
  if (!st->Step() || st->IsNull(0)) return std::nullopt;
  return st->GetInt(0);
}

Statement& Database::Cached(std::string_view sql) {
  auto it = cache_.find(std::string(sql));
  if (it == cache_.end()) it = cache_.emplace(std::string(sql), Prepare(sql)).first;
  it->second->Reset();
  return *it->second;
}

std::unique_ptr<Database> Open(const std::string& target) {
  if (target.rfind("postgresql://", 0) == 0 || target.rfind("postgres://", 0) == 0)
    return OpenPostgres(target);
  return OpenSqlite(target);
}

Transaction::Transaction(Database& db) : db_(db) { db_.Begin(); }

Transaction::~Transaction() {
  if (!done_) {
    try {
      db_.Rollback();
    } catch (const StorageFault&) {
      // The connection is already broken; the engine discards the transaction.
    }
  }
}

void Transaction::Commit() {
  db_.Commit();
  done_ = true;
}

}  // namespace tdcs::store
