// The HTTP server: the web page and the JSON API (docs/API.md). For now it
// serves a minimal page (network counts and a borrower search) and three
// read-only endpoints; the full web app arrives with its own work.
//
// One database connection is shared by the worker threads behind a mutex:
// the endpoints are short reads.
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
