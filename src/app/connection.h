// A connection to the books: the handle every face passes to the use cases.
// It owns one database connection (SQLite file or PostgreSQL session) and
// hides which: faces see no store type.
//
// Thread safety: a Connection is used by one thread at a time. A server keeps
// one per worker thread (ConnectionPool); SQLite's WAL lets them read while
// one writes, PostgreSQL serves each on its own session.
//
// Errors: opening an unreachable or foreign database throws StorageFault
// (base/fault.h).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/fault.h"

namespace tdcs::app {

class Connection {
 public:
  // Opens "postgresql://…" / "postgres://…", or an SQLite file path
  // (":memory:" for a private in-memory database). No schema check.
  static std::unique_ptr<Connection> Open(const std::string& target);
  // Opens a database that `tdcs init` has brought to this program's schema;
  // throws StorageFault saying what to run otherwise. A missing SQLite file
  // is not created ("no such database … run: tdcs init").
  static std::unique_ptr<Connection> OpenInitialised(const std::string& target);
  // A new, empty scratch database that is dropped when the connection
  // closes: on the PostgreSQL server `server_uri` names (a database of its
  // own, created with the URI's user), or in memory for "sqlite".
  static std::unique_ptr<Connection> OpenScratch(const std::string& server_uri);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Where the data is, for messages (no password).
  std::string Describe() const;
  // What was opened (a path or a connection string, password included): for
  // opening a second connection to the same books.
  const std::string& Target() const;
  bool IsPostgres() const;
  // Folds SQLite's write-ahead log into the file; nothing on PostgreSQL.
  void Checkpoint();
  // Whether the database connection is lost (a PostgreSQL server that
  // restarted or went away): only a new Connection can reach it again.
  bool IsBroken() const;

  struct Impl;

 private:
  explicit Connection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  friend struct ConnectionAccess;
};

// Connections for concurrent readers and writers: one is lent to each caller
// at a time and returned when the lease ends. At most `size` exist. A
// connection returned broken (IsBroken) or inside a transaction is closed,
// and the next Acquire opens a new one; a broken one closes every idle
// connection with it (they reach the same server): after a database restart
// the pool heals by itself.
class ConnectionPool {
 public:
  ConnectionPool(std::string target, int size);
  ~ConnectionPool();

  class Lease {
   public:
    Lease(ConnectionPool& pool, std::unique_ptr<Connection> connection)
        : pool_(&pool), connection_(std::move(connection)) {}
    Lease(Lease&& other) noexcept = default;
    ~Lease();
    Connection& operator*() { return *connection_; }
    Connection* operator->() { return connection_.get(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<Connection> connection_;
  };
  // Waits for a free connection (opening one when fewer than `size` exist).
  Lease Acquire();
  // What the connections open (for messages, redacted: RedactPassword).
  const std::string& target() const { return target_; }

 private:
  void Return(std::unique_ptr<Connection> connection);
  std::string target_;
  int size_, opened_ = 0;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

// SQLite's checkpoints (the write-ahead log copied into the database file,
// and that file synced) taken off a writer's connection, for as long as this
// lives: the writer takes none at its own commits (TakeNoneOn), and a thread
// of this object's own takes a passive one — which waits for no writer — on
// a second connection to `target`, after a commit (Committed), at most every
// 100 ms. Writes that never pause would keep the log from starting over: once
// it is past kRestartFrames frames (about 40 MB), RestartDue() says so, and
// the writer restarts it (Restart) between two transactions. Nothing of this
// applies to PostgreSQL, nor to a database in memory (the object then does
// nothing: enabled() is false).
//
// Thread safety: Committed and RestartDue may be called from any thread.
class LogCheckpoints {
 public:
  explicit LogCheckpoints(std::string target);
  ~LogCheckpoints();  // waits for a checkpoint under way
  LogCheckpoints(const LogCheckpoints&) = delete;
  LogCheckpoints& operator=(const LogCheckpoints&) = delete;

  static constexpr int64_t kRestartFrames = 10'000;
  // The writer's connection takes no checkpoints (`none`), or again its own.
  static void TakeNoneOn(Connection& writer, bool none = true);
  // Restarts the log from its start on the writer's connection, outside a
  // transaction (waiting for the readers still on it, whose reads are short).
  static void Restart(Connection& writer);
  void Committed();
  bool RestartDue();
  bool enabled() const { return enabled_; }

 private:
  void Run();
  const std::string target_;
  const bool enabled_;
  std::mutex mutex_;
  std::condition_variable wanted_;
  bool due_ = false, restart_due_ = false, stopping_ = false;
  std::thread thread_;
};

// Group commit: writes that arrive while a group is committing share the
// next transaction, and so one durable commit (SQLite's fsync), each in a
// savepoint of its own, run one after another by a thread of the group's own
// on one connection kept for them (SQLite: its page cache stays warm, as no
// other connection writes under it). A write refused by its use case rolls
// back its own savepoint only. A write that throws (a storage fault, a bug)
// takes its whole group back and is answered with its fault; the others run
// again together without it, so that one write's fault is no other's. A
// fault outside the writes — the transaction's start (the write lock held
// too long by another process), its commit — is every write's of the group:
// none of them is on the books. PostgreSQL commits concurrent sessions
// together itself: there each write runs at once, on the caller's thread and
// a connection of the pool.
//
// A write must be safe to run again (a use case's body is: RunTransaction
// runs it again too) and must not take long — a password hash, say, would
// hold every write behind it: such routes run outside the group.
//
// SQLite's checkpoints are taken off the writer (LogCheckpoints): one soon
// after each group's commit, and the log restarted between two groups when
// it has grown long.
//
// Thread safety: Submit and Run may be called from many threads at once.
// The destructor waits for the writes queued.
class WriteGroup {
 public:
  explicit WriteGroup(ConnectionPool& pool, size_t max_writes = 64);
  ~WriteGroup();
  WriteGroup(const WriteGroup&) = delete;
  WriteGroup& operator=(const WriteGroup&) = delete;

  using Done = std::function<void(std::exception_ptr fault)>;
  // Queues `write` for the next group and returns; `done` is called, on the
  // group's thread, once that group has committed (with null) or `write`
  // or the commit failed (with the fault). `done` must not throw.
  void Submit(std::function<void(Connection&)> write, Done done);
  // Submit, and wait: returns once the write has committed, or rethrows.
  void Run(const std::function<void(Connection&)>& write);
  // Groups committed, and the writes in them, since the start (for tests
  // and the benchmark's figures).
  struct Counts {
    int64_t groups = 0, writes = 0;
  };
  Counts counts() const;
  // Whether writes are grouped (SQLite), or each runs alone (PostgreSQL:
  // then nothing is counted).
  bool grouped() const { return !postgres_; }

 private:
  struct Job {
    std::function<void(Connection&)> write;
    Done done;
    std::exception_ptr fault;
  };
  void Write();  // the group's thread
  void RunGroup(std::vector<Job>& group);
  Connection& Writer();
  ConnectionPool& pool_;
  const size_t max_writes_;
  const bool postgres_;
  std::unique_ptr<Connection> writer_;  // the group's thread's
  mutable std::mutex mutex_;
  std::condition_variable wanted_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  Counts counts_;
  std::thread writer_thread_;
  LogCheckpoints checkpoints_;
};

// `text` with the password of a PostgreSQL connection string `target` shown
// as *** (fault messages print through it; see store::RedactPassword).
std::string RedactPassword(const std::string& text, const std::string& target);

}  // namespace tdcs::app
