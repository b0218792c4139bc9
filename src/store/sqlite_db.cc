// SQLite adapter. Pragmas: journal_mode=WAL (readers never block the writer),
// synchronous=FULL (a committed transaction survives power loss), foreign_keys=ON,
// busy_timeout 5 s. Statements are prepared with sqlite3_prepare_v3 and kept by
// their owners for reuse.
#include "store/sqlite_db.h"

#include <sqlite3.h>

#include <string>

namespace tdcs::store {
namespace {

class SqliteStatement final : public Statement {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~SqliteStatement() override { sqlite3_finalize(stmt_); }

  void BindInt(int index, int64_t value) override {
    Check(sqlite3_bind_int64(stmt_, index, value));
  }
  void BindText(int index, std::string_view value) override {
    Check(sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                            SQLITE_TRANSIENT));
  }
  void BindNull(int index) override { Check(sqlite3_bind_null(stmt_, index)); }

  bool Step() override {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    const std::string message = sqlite3_errmsg(db_);
    sqlite3_reset(stmt_);
    throw StorageFault("sqlite: " + message + " in: " + sqlite3_sql(stmt_));
  }
  bool IsNull(int column) const override {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
  }
  int64_t GetInt(int column) const override { return sqlite3_column_int64(stmt_, column); }
  std::string GetText(int column) const override {
    const auto* p = sqlite3_column_text(stmt_, column);
    if (p == nullptr) return {};
    return std::string(reinterpret_cast<const char*>(p),
                       static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
  }
  void Reset() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

 private:
  void Check(int rc) {
    if (rc != SQLITE_OK) throw StorageFault(std::string("sqlite bind: ") + sqlite3_errmsg(db_));
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~SqliteDatabase() override {
    ClearCache();
    sqlite3_close_v2(db_);
  }

  Engine engine() const override { return Engine::kSqlite; }
  void ExecScript(std::string_view sql) override {
    char* err = nullptr;
    const std::string text(sql);
    if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string message = err ? err : "unknown";
      sqlite3_free(err);
      throw StorageFault("sqlite: " + message);
    }
  }
  std::unique_ptr<Statement> Prepare(std::string_view sql) override {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &stmt, nullptr) != SQLITE_OK)
      throw StorageFault("sqlite prepare: " + std::string(sqlite3_errmsg(db_)) +
                         " in: " + std::string(sql));
    return std::make_unique<SqliteStatement>(db_, stmt);
  }
  void DoBegin() override { ExecScript("BEGIN IMMEDIATE"); }
  // The snapshot is taken at the first read and held to the end (WAL).
  void DoBeginRead() override { ExecScript("BEGIN DEFERRED"); }
  void DoCommit() override { ExecScript("COMMIT"); }
  void DoRollback() override {
    if (!sqlite3_get_autocommit(db_)) ExecScript("ROLLBACK");
  }
  std::string Describe() const override { return "sqlite:" + path_; }
  void BackupTo(const std::string& path) override {
    sqlite3* target = nullptr;
    if (sqlite3_open_v2(path.c_str(), &target, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                        nullptr) != SQLITE_OK) {
      sqlite3_close_v2(target);
      throw StorageFault("sqlite backup: cannot create " + path);
    }
    sqlite3_backup* backup = sqlite3_backup_init(target, "main", db_, "main");
    int rc = backup ? SQLITE_OK : sqlite3_errcode(target);
    if (backup) {
      // Copy in steps so that writers are not held up for the whole copy.
      do {
        rc = sqlite3_backup_step(backup, 4096);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(20);
      } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
      sqlite3_backup_finish(backup);
    }
    const std::string message = sqlite3_errmsg(target);
    sqlite3_close_v2(target);
    if (rc != SQLITE_DONE) throw StorageFault("sqlite backup to " + path + ": " + message);
  }
  void Checkpoint() override { ExecScript("PRAGMA wal_checkpoint(TRUNCATE)"); }

 private:
  sqlite3* db_;
  std::string path_;
};

}  // namespace

std::unique_ptr<Database> OpenSqlite(const std::string& path) {
  sqlite3* raw = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &raw, flags, nullptr) != SQLITE_OK) {
    std::string message = raw ? sqlite3_errmsg(raw) : "out of memory";
    sqlite3_close_v2(raw);
    throw StorageFault("sqlite open " + path + ": " + message);
  }
  auto db = std::make_unique<SqliteDatabase>(raw, path);
  sqlite3_busy_timeout(raw, 5000);
  db->ExecScript(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
      "PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY;");
  return db;
}

}  // namespace tdcs::store
