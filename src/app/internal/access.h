// Private to the app library: the store behind a Connection. Faces never
// include this (the build gives them no path to src/store).
#pragma once

#include <memory>

#include "app/connection.h"
#include "store/db.h"

namespace tdcs::app {

struct Connection::Impl {
  std::unique_ptr<store::Database> db;
  std::string target;
  // A scratch database to drop on close: the server's URI and its name.
  std::string drop_server, drop_name;
};

struct ConnectionAccess {
  static store::Database& Db(Connection& connection) { return *connection.impl_->db; }
};

inline store::Database& Db(Connection& connection) { return ConnectionAccess::Db(connection); }

}  // namespace tdcs::app
