// The database connection: the one seam between TDCS and SQL engines.
//
// Two engines stand behind it: SQLite (the embedded default: one file, WAL,
// synchronous=FULL) and PostgreSQL (production). SQL is written once in the
// portable subset both understand, with `?` placeholders; the PostgreSQL adapter
// rewrites them to $1, $2, …. Every value travels as int64, text or NULL; dates
// are ISO text ("2024-03-22"), money is int64 đồng.
//
// Errors: an engine failure (disk full, server gone, constraint violated) is an
// infrastructure fault and is thrown as StorageFault, caught at the command or
// request boundary; a Transaction that is destroyed without Commit() rolls back,
// so nothing is half-written.
//
// Thread safety: a Database is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

namespace tdcs::store {

class StorageFault : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class Engine { kSqlite, kPostgres };

// A prepared statement. Bind, then Step() until it returns false; Reset() to
// run it again with new bindings. Column indexes are 0-based, bind indexes 1-based.
class Statement {
 public:
  virtual ~Statement() = default;
  virtual void BindInt(int index, int64_t value) = 0;
  virtual void BindText(int index, std::string_view value) = 0;
  virtual void BindNull(int index) = 0;
  void BindOptionalText(int index, const std::optional<std::string>& value) {
    if (value)
      BindText(index, *value);
    else
      BindNull(index);
  }
  void BindOptionalInt(int index, const std::optional<int64_t>& value) {
    if (value)
      BindInt(index, *value);
    else
      BindNull(index);
  }
  // Runs (on first call) and moves to the next row; false when there is none.
  virtual bool Step() = 0;
  virtual bool IsNull(int column) const = 0;
  virtual int64_t GetInt(int column) const = 0;
  virtual std::string GetText(int column) const = 0;
  std::optional<std::string> GetOptionalText(int column) const {
    if (IsNull(column)) return std::nullopt;
    return GetText(column);
  }
  // Clears the result and the bindings for the next run.
  virtual void Reset() = 0;
  // Runs a statement that returns no rows.
  void Run() {
    while (Step()) {
    }
    Reset();
  }
};

class Database {
 public:
  virtual ~Database() = default;
  virtual Engine engine() const = 0;
  // Runs one or more statements with no parameters (schema, pragmas).
  virtual void ExecScript(std::string_view sql) = 0;
  virtual std::unique_ptr<Statement> Prepare(std::string_view sql) = 0;
  // A write transaction (SQLite: BEGIN IMMEDIATE, the write lock at once).
  void Begin();
  // A read-only transaction on one snapshot (SQLite: BEGIN DEFERRED;
  // PostgreSQL: REPEATABLE READ READ ONLY). Ended by Commit or Rollback.
  void BeginRead();
  void Commit();
  void Rollback();
  bool InTransaction() const { return in_transaction_; }
  // Changes at every Begin/BeginRead: lets callers that cache what a
  // transaction locked (the journal chain head) see that it has ended.
  uint64_t TransactionSerial() const { return transaction_serial_; }
  // Whether the transaction numbered `serial`, or a later one, rolled back:
  // what it wrote (reserved ids) may be gone. Serial 0 stands for writes made
  // outside any transaction, which are never rolled back.
  bool RolledBackSince(uint64_t serial) const {
    return serial != 0 && last_rollback_serial_ >= serial;
  }
  // Writes a consistent copy of the whole database to `path` while it stays
  // in use (SQLite online backup). PostgreSQL is backed up with its own tools
  // (pg_dump; docs/OPERATIONS.md): there this throws StorageFault.
  virtual void BackupTo(const std::string& path) = 0;
  // Folds the write-ahead log into the main file (SQLite); a no-op elsewhere.
  virtual void Checkpoint() {}
  // A human description of where the data is (file path or connection target).
  virtual std::string Describe() const = 0;

  // Convenience: the first column of the first row as an integer, or nullopt.
  std::optional<int64_t> QueryInt(std::string_view sql);
  // A cached one-row lookup with one bound key: the first column, or nullopt
  // when there is no row.
  std::optional<int64_t> LookupInt(std::string_view sql, int64_t key);
  std::optional<int64_t> LookupInt(std::string_view sql, std::string_view key);
  std::optional<std::string> LookupText(std::string_view sql, int64_t key);
  // Reserves `count` consecutive ids of a sequence (table id_sequence); the first.
  int64_t ReserveIdBlock(const std::string& sequence, int64_t count);
  // A statement prepared once per connection and reused; keyed by its text.
  // The caller must finish with it (Step to the end or Reset) before the next
  // use of the same text. Owned by the Database.
  Statement& Cached(std::string_view sql);

 protected:
  // Engines call this first in their destructor: statements die before the connection.
  void ClearCache() { cache_.clear(); }
  virtual void DoBegin() = 0;
  virtual void DoBeginRead() = 0;
  virtual void DoCommit() = 0;
  virtual void DoRollback() = 0;

 private:
  std::unordered_map<std::string, std::unique_ptr<Statement>> cache_;
  bool in_transaction_ = false;
  bool writing_ = false;
  uint64_t transaction_serial_ = 0;
  uint64_t last_rollback_serial_ = 0;
};

// Opens "postgresql://…" / "postgres://…" with libpq, anything else as an SQLite
// file path (":memory:" for a private in-memory database).
std::unique_ptr<Database> Open(const std::string& target);

// RAII transaction: rolls back unless Commit() was called.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void Commit();

 private:
  Database& db_;
  bool done_ = false;
};

// RAII read-only transaction: every read inside sees one consistent snapshot,
// whatever writers commit meanwhile (verify reads the whole book this way).
// Ends when destroyed; it has nothing to commit.
class ReadTransaction {
 public:
  explicit ReadTransaction(Database& db);
  ~ReadTransaction();
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

 private:
  Database& db_;
};

}  // namespace tdcs::store
