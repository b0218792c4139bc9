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
#include <memory>
#include <mutex>
#include <string>
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

// `text` with the password of a PostgreSQL connection string `target` shown
// as *** (fault messages print through it; see store::RedactPassword).
std::string RedactPassword(const std::string& text, const std::string& target);

}  // namespace tdcs::app
