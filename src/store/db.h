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
// Thread safety: a Database is used by one thread at a time; concurrent work
// uses one Database per thread (SQLite: one connection each, WAL; PostgreSQL:
// one session each).
//
// Locking policy (docs/ARCHITECTURE.md "Concurrency"): a write transaction
// locks what it reads to decide before it reads it. SQLite has one writer at a
// time (BEGIN IMMEDIATE): a second writer queues, waiting up to
// TDCS_LOCK_WAIT_SECONDS (default 600) instead of failing. On PostgreSQL
// (READ COMMITTED) the use case takes row locks (FOR UPDATE) or transaction-
// scoped advisory locks (LockKey) on what it decides on; a deadlock or a
// serialization failure is thrown as RetryableFault and the use case runs
// again (RunTransaction, a bounded number of times).
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/fault.h"

namespace tdcs::store {

using tdcs::RetryableFault;
using tdcs::StorageFault;

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
  // Runs a statement whose rows are not read (a write, a lock). An engine may
  // send it without waiting for its answer (PostgreSQL's pipeline): the
  // server still runs it before anything sent after it, and its failure is
  // thrown by the next statement that reads, or by Commit — never lost, and
  // always before the transaction commits.
  virtual void Run() {
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
  // Transactions: use the Transaction / ReadTransaction guards, not these.
  // A write transaction (SQLite: BEGIN IMMEDIATE, so the write lock is taken
  // first and what the transaction reads cannot change under it).
  void Begin();
  // A read-only transaction on one snapshot (SQLite: BEGIN DEFERRED;
  // PostgreSQL: REPEATABLE READ READ ONLY). Ended by Commit or Rollback.
  void BeginRead();
  void Commit();
  void Rollback();
  bool InTransaction() const { return in_transaction_; }
  // In a write transaction (Begin), not a read-only one (BeginRead).
  bool InWriteTransaction() const { return in_transaction_ && writing_; }
  // Changes at every Begin/BeginRead: lets callers that cache what a
  // transaction locked (the journal chain head) see that it has ended.
  uint64_t TransactionSerial() const { return transaction_serial_; }
  // Whether the transaction numbered `serial`, or a later one, rolled back:
  // what it wrote (reserved ids) may be gone. Serial 0 stands for writes made
  // outside any transaction, which are never rolled back.
  bool RolledBackSince(uint64_t serial) const {
    return serial != 0 && last_rollback_serial_ >= serial;
  }
  // Records that a savepoint inside the transaction rolled back: what was
  // written after it (reserved ids, the chain head) may be gone.
  void NoteRollback() { last_rollback_serial_ = transaction_serial_; }
  // Locks `name` (any text: "loan:17", "import") until the transaction ends.
  // PostgreSQL: pg_advisory_xact_lock on a 64-bit hash of the name; SQLite:
  // nothing to do, the transaction already holds the only write lock.
  virtual void LockKey(std::string_view name) = 0;
  // A shared lock on `name`: many holders at once, none while LockKey holds
  // it (PostgreSQL pg_advisory_xact_lock_shared; nothing on SQLite).
  virtual void LockKeyShared(std::string_view name) = 0;
  // Locks already taken by the current transaction, so that a batch that
  // locks one thing for each of its lines asks the server once: whether
  // `what` was noted in this transaction (none of it rolled back since), and
  // noting it. Outside a transaction nothing is held.
  bool HeldInTransaction(const std::string& what) const;
  void NoteHeldInTransaction(std::string what);
  // Unnotes `what` (a fact noted this way that the transaction itself ended).
  void ForgetHeldInTransaction(const std::string& what) { held_.erase(what); }
  // Appends " FOR UPDATE" to a SELECT on engines with row locks.
  virtual std::string ForUpdate(std::string_view select) const = 0;
  // Writes a consistent copy of the whole database to `path` while it stays
  // in use: SQLite's online backup into the file `path`; on PostgreSQL a base
  // backup of the whole cluster into the directory `path` (pg_basebackup,
  // store/pg_tools.h), for a restore with archived WAL (docs/OPERATIONS.md).
  virtual void BackupTo(const std::string& path) = 0;
  // Folds the write-ahead log into the main file (SQLite); a no-op elsewhere.
  virtual void Checkpoint() {}
  // A human description of where the data is (file path or connection target).
  virtual std::string Describe() const = 0;
  // The SQLite file behind the connection (empty for PostgreSQL and :memory:).
  virtual std::string FilePath() const { return {}; }
  // Whether the connection is lost (the PostgreSQL server restarted, went
  // away, or ended the session): it cannot be used again, only replaced by a
  // new one. Never true for SQLite.
  virtual bool Broken() const { return false; }
  // Rows this connection has inserted, updated or deleted since it opened
  // (SQLite), so that a read made twice in one transaction with nothing
  // written between knows it would read the same; none where not counted
  // (PostgreSQL: other sessions write meanwhile).
  virtual std::optional<int64_t> RowsChanged() const { return std::nullopt; }

  // Convenience: the first column of the first row as an integer, or nullopt.
  std::optional<int64_t> QueryInt(std::string_view sql);
  // A cached one-row lookup with one bound key: the first column, or nullopt
  // when there is no row.
  std::optional<int64_t> LookupInt(std::string_view sql, int64_t key);
  std::optional<int64_t> LookupInt(std::string_view sql, std::string_view key);
  std::optional<std::string> LookupText(std::string_view sql, int64_t key);
  // Reserves `count` consecutive ids of a sequence (table id_sequence); the first.
  // PostgreSQL reserves on a side connection that commits at once, so no
  // transaction holds an id_sequence row lock to its end (which would order
  // every writer behind every other, and deadlock two that take sequences in
  // different orders); ids of a transaction that rolls back are skipped.
  virtual int64_t ReserveIdBlock(const std::string& sequence, int64_t count);
  // Work a store leaves to the end of the write transaction, done just before
  // it commits (the network's report series, once for all the transaction's
  // network changes), and dropped if it rolls back. Pending(key) is the work
  // registered under `key` in this transaction, or null; AddPending
  // registers it. A savepoint rolled back leaves it registered: the work
  // reads the tables as they are at the commit.
  class PendingWork {
   public:
    virtual ~PendingWork() = default;
    virtual void Run(Database& db) = 0;
    // How much the work holds now, and back to that when the savepoint
    // taken then rolls back (work that must not outlive what it records:
    // the audit trail's records). By default the work stays whole.
    virtual size_t Mark() const { return 0; }
    virtual void RollBackTo(size_t /*mark*/) {}
  };
  // The marks of the pending work now (a savepoint's), and the rollback to them.
  std::vector<std::pair<std::string, size_t>> PendingMarks() const;
  void RollBackPending(const std::vector<std::pair<std::string, size_t>>& marks);
  PendingWork* Pending(const std::string& key);
  void AddPending(const std::string& key, std::unique_ptr<PendingWork> work);
  // A value read once per transaction and shared by the stores that work in
  // it (the holiday calendar, which every loan action of a group commit
  // needs). Null when none was kept in this transaction, or a savepoint of it
  // rolled back since; a store that changes what a memo was read from
  // forgets it.
  std::shared_ptr<const void> Memo(const std::string& key) const;
  void SetMemo(const std::string& key, std::shared_ptr<const void> value);
  void ForgetMemo(const std::string& key) { memo_.erase(key); }
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
  // Looked up by the statement's text without copying it.
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>()(text); }
  };
  std::unordered_map<std::string, std::unique_ptr<Statement>, TextHash, std::equal_to<>> cache_;
  std::vector<std::pair<std::string, std::unique_ptr<PendingWork>>> pending_;
  std::unordered_map<std::string, std::shared_ptr<const void>> memo_;
  uint64_t memo_serial_ = 0;
  mutable std::unordered_set<std::string> held_;
  mutable uint64_t held_serial_ = 0;
  bool in_transaction_ = false;
  bool writing_ = false;
  uint64_t transaction_serial_ = 0;
  uint64_t last_rollback_serial_ = 0;
};

// Single ids of sequences, from blocks reserved at once (ReserveIdBlock),
// for one store object: a use case's, or a bulk load's. Blocks double from
// the first size (kIdBlock unless told) to kMaxIdBlock as the object uses a
// sequence, so a bulk load asks
// a few hundred times, not once per 256 rows (each ask updates one row of
// id_sequence, whose old versions a long transaction keeps, so asks slow
// down as they add up). A rollback since a block was reserved may have given
// it back (SQLite reserves inside the transaction): the next id then comes
// from a new block, small again. Ids reserved and not used are a gap.
// Blocks are not shared between objects: ids a use case takes after another
// has locked and written a loan are higher than that one's (a loan's
// transactions are in the order of their ids).
class IdBlocks {
 public:
  explicit IdBlocks(Database& db, int64_t first_block = kIdBlock)
      : db_(db), first_block_(first_block) {}
  int64_t Next(const std::string& sequence);
  static constexpr int64_t kIdBlock = 256;
  static constexpr int64_t kMaxIdBlock = 65536;

 private:
  struct Block {
    int64_t next = 0, end = 0;  // end exclusive
    int64_t size = 0;           // of the next block (0: the first)
    uint64_t transaction = 0;   // the serial it was reserved in (0: outside any)
  };
  Database& db_;
  int64_t first_block_;
  std::unordered_map<std::string, Block> blocks_;
};

// Whether opening an SQLite file that does not exist creates it. A mistyped
// path must not leave a stray empty database behind: only the commands that
// build a database (init, generate) create one. (A PostgreSQL database is
// never created by opening it.)
enum class OpenMode { kCreate, kExisting };

// Opens "postgresql://…" / "postgres://…" with libpq, anything else as an SQLite
// file path (":memory:" for a private in-memory database).
std::unique_ptr<Database> Open(const std::string& target, OpenMode mode = OpenMode::kCreate);

// PostgreSQL scratch databases (tests, scenario runs): creates database
// `name` on the server `server_uri` connects to and returns a URI for it
// (every other connection parameter kept, parsed by libpq); DropDatabase
// removes it, closing what is still connected.
std::string CreateScratchDatabase(const std::string& server_uri, const std::string& name);
// `text` with the password of the PostgreSQL connection string `target`
// (user:password@ or password=) replaced by ***: every fault message a user
// sees passes through it. Text without one is returned as it is.
std::string RedactPassword(std::string text, const std::string& target);
void DropDatabase(const std::string& server_uri, const std::string& name);

// Paging by key: `sql` takes (after, limit) and answers the last key of the
// page of at most `limit` keys after `after`; nullopt when none is left.
std::optional<int64_t> PageEnd(Database& db, const char* sql, int64_t after, int limit);

// Runs `head` + " IN (…)" + `tail` for `values`, a chunk at a time, binding
// the `fixed` texts before the list; `row` reads each row. A batch reads this
// way in a few round trips, not one per key. Rows come chunk by chunk:
// `tail`'s ORDER BY orders within a chunk.
// SQLite binds kInChunk values as "IN (?, …)" (the last chunk padded with its
// first value, so that one prepared statement serves every chunk).
// PostgreSQL binds kInArrayChunk values as one array, "IN (SELECT unnest(?))":
// the planner then probes the index once per key, where a long IN list is
// re-checked against every list element for every row a bitmap scan finds
// (and a partitioned table is probed partition by partition).
inline constexpr size_t kInChunk = 200;
inline constexpr size_t kInArrayChunk = 1000;
// A PostgreSQL array literal of values[begin, end): {1,2} or {"a","b"}.
std::string ArrayLiteral(const std::vector<int64_t>& values, size_t begin, size_t end);
std::string ArrayLiteral(const std::vector<std::string>& values, size_t begin, size_t end);
template <typename Value, typename Row>
void QueryIn(Database& db, std::string_view head, std::string_view tail,
             const std::vector<std::string>& fixed, const std::vector<Value>& values, Row&& row) {
  constexpr bool kIntegral = std::is_integral_v<Value>;
  const bool as_array = db.engine() == Engine::kPostgres;
  const size_t chunk = as_array ? kInArrayChunk : kInChunk;
  std::string sql(head);
  if (as_array) {
    sql += kIntegral ? " IN (SELECT unnest(CAST(? AS bigint[])))"
                     : " IN (SELECT unnest(CAST(? AS text[])))";
  } else {
    sql += " IN (";
    for (size_t k = 0; k < kInChunk; ++k) sql += k ? ", ?" : "?";
    sql += ")";
  }
  sql += tail;
  for (size_t start = 0; start < values.size(); start += chunk) {
    auto& st = db.Cached(sql);
    int index = 1;
    for (const auto& f : fixed) st.BindText(index++, f);
    if (as_array) {
      st.BindText(index++, ArrayLiteral(values, start, std::min(values.size(), start + chunk)));
    } else {
      for (size_t k = 0; k < kInChunk; ++k) {
        const Value& v = values[start + k < values.size() ? start + k : start];
        if constexpr (kIntegral)
          st.BindInt(index++, v);
        else
          st.BindText(index++, v);
      }
    }
    while (st.Step()) row(static_cast<const Statement&>(st));
    st.Reset();
  }
}

// RAII transaction: rolls back unless Commit() was called. Inside another
// transaction it is a savepoint: its Commit releases it, its destruction
// without Commit rolls back to it, and the outer transaction decides.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void Commit();
  // Commits what was done so far and goes on in a new transaction (bulk loads
  // that commit in batches). Inside an outer transaction it does nothing: the
  // outer one decides for all.
  void CommitAndContinue();

 private:
  Database& db_;
  std::string savepoint_;                                      // empty: the outermost transaction
  std::vector<std::pair<std::string, size_t>> pending_marks_;  // a savepoint's
  bool done_ = false;
};

// RAII read-only transaction: every read inside sees one consistent snapshot,
// whatever writers commit meanwhile (verify reads the whole book this way).
// Ends when destroyed; it has nothing to commit. Inside another transaction
// it reads in that one (a batch that lists and posts in one transaction).
class ReadTransaction {
 public:
  explicit ReadTransaction(Database& db);
  ~ReadTransaction();
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

 private:
  Database& db_;
  bool nested_ = false;
};

// Runs `body` in a Transaction, again (up to `attempts` times) when it fails
// with a RetryableFault. `body` commits the transaction it is given (or
// leaves it to roll back) and must not keep state from a failed attempt.
template <typename Body>
auto RunTransaction(Database& db, Body&& body, int attempts = 5) {
  for (int attempt = 1;; ++attempt) {
    try {
      Transaction tx(db);
      return body(tx);
    } catch (const RetryableFault&) {
      if (attempt >= attempts || db.InTransaction()) throw;
    }
  }
}

// A lock held for a whole batch run (an end of day, a generation, a
// simulation) across its many transactions, so that two runs never
// interleave. PostgreSQL: a session advisory lock; SQLite: an exclusive lock
// on the file "<database>.<name>.lock" (an in-memory database needs none).
// Either is released when the holder ends, even by kill -9, and either may be
// taken again by the thread that holds it (a simulation closes its days).
class BatchLock {
 public:
  // Takes the lock, waiting for a running batch to finish; `waiting` is
  // called once when it has to wait.
  BatchLock(Database& db, const std::string& name, const std::function<void()>& waiting = {});
  ~BatchLock();
  BatchLock(const BatchLock&) = delete;
  BatchLock& operator=(const BatchLock&) = delete;

 private:
  Database& db_;
  std::string name_;
  std::string lock_path_;  // SQLite: the lock file (empty otherwise)
  int fd_ = -1;
};

// TDCS_STATEMENT_TIMEOUT_SECONDS: how long one statement may run, waits for
// locks included, before it is cancelled with a StorageFault; 0 (unset, the
// default) for no limit. PostgreSQL: `SET statement_timeout` on every
// connection Open makes (PostgreSQL stops the timer before a commit, so a
// COMMIT waiting for its synchronous standby waits on: a payment is never
// acknowledged on one server only).
// SQLite: a writer waits for the write lock at most this long (less than
// TDCS_LOCK_WAIT_SECONDS), and one step of a statement that runs longer is
// interrupted. Read once per process; must be a whole number (the command
// line refuses anything else before it opens a database).
int64_t StatementTimeoutSeconds();

// The 64-bit key of a lock name (FNV-1a), shared by both engines' lock calls.
int64_t LockKeyOf(std::string_view name);

}  // namespace tdcs::store
