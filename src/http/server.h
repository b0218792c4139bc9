// The HTTP server: the web page and the JSON API (docs/API.md). For now it
// serves a minimal page (network counts and a borrower search) and three
// read-only endpoints; the full web app arrives with its own work.
//
// Routes and handlers are in handlers.h (tested without sockets); the worker
// threads borrow connections from a pool, one each.
#pragma once

#include <string>

namespace tdcs::http {

struct ServeOptions {
  std::string db_target;
  std::string host = "127.0.0.1";
  int port = 8080;
};

// Blocks until the server stops; returns the process exit status.
int Serve(const ServeOptions& options);

}  // namespace tdcs::http
