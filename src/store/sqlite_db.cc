// SQLite adapter. Pragmas: journal_mode=WAL (readers never block the writer),
// synchronous=FULL (a committed transaction survives power loss), foreign_keys=ON,
// a busy handler that queues a writer behind the current one for up to
// TDCS_LOCK_WAIT_SECONDS (default 600 s) instead of failing. Statements are prepared with
// sqlite3_prepare_v3 and kept by their owners for reuse.
#include "store/sqlite_db.h"

#include <sqlite3.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

namespace tdcs::store {
namespace {

// TDCS_STATEMENT_TIMEOUT_SECONDS: the progress handler interrupts a step
// that has run longer (a Database is used by one thread at a time, so the
// thread's last step is the connection's).
thread_local std::chrono::steady_clock::time_point step_started;
void StepStarts() {
  if (StatementTimeoutSeconds() > 0) step_started = std::chrono::steady_clock::now();
}
int InterruptLateStep(void*) {
  return std::chrono::steady_clock::now() - step_started >
                 std::chrono::seconds(StatementTimeoutSeconds())
             ? 1
             : 0;
}
[[noreturn]] void StatementTimedOut(const std::string& sql) {
  throw StorageFault("sqlite: câu lệnh chạy quá TDCS_STATEMENT_TIMEOUT_SECONDS (" +
                         std::to_string(StatementTimeoutSeconds()) +
                         " s) / a statement ran longer than TDCS_STATEMENT_TIMEOUT_SECONDS",
                     sql);
}

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
    StepStarts();
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    const std::string message = sqlite3_errmsg(db_);
    sqlite3_reset(stmt_);
    if (rc == SQLITE_BUSY)
      throw StorageFault("sqlite: another writer held the database too long (" + message + ")");
    if (rc == SQLITE_INTERRUPT) StatementTimedOut(sqlite3_sql(stmt_));
    throw StorageFault("sqlite: " + message, sqlite3_sql(stmt_));
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
    StepStarts();
    if (const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err); rc != SQLITE_OK) {
      std::string message = err ? err : "unknown";
      sqlite3_free(err);
      if (rc == SQLITE_BUSY)
        throw StorageFault("sqlite: another writer held the database too long (" + message + ")");
      if (rc == SQLITE_INTERRUPT) StatementTimedOut(text);
      throw StorageFault("sqlite: " + message, text);
    }
  }
  std::unique_ptr<Statement> Prepare(std::string_view sql) override {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &stmt, nullptr) != SQLITE_OK)
      throw StorageFault("sqlite prepare: " + std::string(sqlite3_errmsg(db_)), std::string(sql));
    return std::make_unique<SqliteStatement>(db_, stmt);
  }
  void DoBegin() override { ExecScript("BEGIN IMMEDIATE"); }
  // The snapshot is taken at the first read and held to the end (WAL).
  void DoBeginRead() override { ExecScript("BEGIN DEFERRED"); }
  void DoCommit() override { ExecScript("COMMIT"); }
  void DoRollback() override {
    if (!sqlite3_get_autocommit(db_)) ExecScript("ROLLBACK");
  }
  // One writer at a time holds the whole database: nothing more to lock.
  void LockKey(std::string_view) override {}
  void LockKeyShared(std::string_view) override {}
  std::string ForUpdate(std::string_view select) const override { return std::string(select); }
  std::string Describe() const override { return "sqlite:" + path_; }
  std::string FilePath() const override {
    if (path_.empty() || path_ == ":memory:" || path_.rfind("file:", 0) == 0) return {};
    return path_;
  }
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
  std::optional<int64_t> RowsChanged() const override { return sqlite3_total_changes64(db_); }

 private:
  sqlite3* db_;
  std::string path_;
};

// Waits for the writer ahead: short sleeps at first, then 50 ms, until the
// configured wait has passed (then SQLite reports the database busy).
int WaitForWriter(void* deadline_ms, int attempt) {
  using Clock = std::chrono::steady_clock;
  static thread_local Clock::time_point started;
  if (attempt == 0) started = Clock::now();
  const auto waited =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
  if (waited >= *static_cast<int64_t*>(deadline_ms)) return 0;
  std::this_thread::sleep_for(std::chrono::milliseconds(attempt < 10 ? 1 + attempt : 50));
  return 1;
}

int64_t* LockWaitMs() {
  static int64_t wait_ms = [] {
    const char* text = std::getenv("TDCS_LOCK_WAIT_SECONDS");
    long long seconds = text ? std::atoll(text) : 600;
    if (seconds <= 0) seconds = 600;
    // A statement timeout bounds the wait for the lock too.
    if (const int64_t limit = StatementTimeoutSeconds(); limit > 0 && limit < seconds)
      seconds = limit;
    return static_cast<int64_t>(seconds) * 1000;
  }();
  return &wait_ms;
}

}  // namespace

std::unique_ptr<Database> OpenSqlite(const std::string& path, OpenMode mode) {
  sqlite3* raw = nullptr;
  const bool create = mode == OpenMode::kCreate || path == ":memory:";
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  if (const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr); rc != SQLITE_OK) {
    std::string message = raw ? sqlite3_errmsg(raw) : "out of memory";
    sqlite3_close_v2(raw);
    std::error_code ignored;
    if (!create && rc == SQLITE_CANTOPEN && !std::filesystem::exists(path, ignored))
      throw StorageFault("không có cơ sở dữ liệu " + path +
                         ", hãy chạy tdcs init / no such database " + path +
                         "; run: tdcs init --db " + path);
    throw StorageFault("sqlite open " + path + ": " + message);
  }
  auto db = std::make_unique<SqliteDatabase>(raw, path);
  sqlite3_busy_handler(raw, WaitForWriter, LockWaitMs());
  if (StatementTimeoutSeconds() > 0)
    sqlite3_progress_handler(raw, 10000, InterruptLateStep, nullptr);
  db->ExecScript(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
      "PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY;");
  return db;
}

}  // namespace tdcs::store
