// The HTTP server: the web page and the JSON API (docs/API.md). It moves
// bytes and enforces the limits below; every request it reads goes to
// Api::Handle (handlers.h, tested without sockets), every request it refuses
// is answered in the API's error format, {"code","field","message_vi",
// "message_en"}.
//
// Concurrency: reads and writes are asynchronous, so a slow or idle client
// holds no thread; a request takes one of `threads` threads once it has been
// read whole, and only for as long as Api::Handle runs. Every connection has
// deadlines (a header within `header_timeout`, a body within `body_timeout`,
// an answer written within `write_timeout`); one that misses its deadline is
// closed.
//
// Thread safety: Start, Stop and port may be called from any thread; Api
// must outlive the Server.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

namespace tdcs::http {

class Api;

// The limits of one request and of the server (docs/API.md "Limits").
struct ServerLimits {
  size_t body_bytes_max = size_t{1} << 20;  // the decoded body, whatever its transfer encoding
  size_t target_bytes_max = 8 << 10;        // the request target (path and query)
  size_t header_bytes_max = 16 << 10;       // request line and header fields together
  int header_fields_max = 100;
  // A request's header must arrive within this (also how long an idle
  // keep-alive connection is kept), its body within body_timeout after it.
  std::chrono::milliseconds header_timeout = std::chrono::seconds(10);
  std::chrono::milliseconds body_timeout = std::chrono::seconds(30);
  std::chrono::milliseconds write_timeout = std::chrono::seconds(30);
  int connections_max = 512;  // more are closed as soon as they are accepted
  // Threads that read, write and run Api::Handle; Serve gives its pool as
  // many database connections (ServeOptions::pool, tdcs serve --db-pool).
  int threads = 8;
};

class Server {
 public:
  // Listens on host:port (port 0: any free port, see port()) and serves
  // `api` until Stop. Returns nullptr and sets *error (Vietnamese / English)
  // when the address cannot be listened on, for instance because another
  // program has the port: two servers never share one port.
  static std::unique_ptr<Server> Start(Api& api, const std::string& host, int port,
                                       const ServerLimits& limits, std::string* error);
  ~Server();  // Stop()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The port listened on (the one chosen when Start was given 0).
  int port() const;
  // Stops accepting, closes every connection and waits for the requests
  // being handled. Idempotent.
  void Stop();

  struct Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct ServeOptions {
  std::string db_target;
  // Where the routes that only read go (a hot standby); empty: db_target.
  std::string read_db_target;
  std::string host = "127.0.0.1";
  int port = 8080;  // 1–65535, or 0 for any free port (the one chosen is printed)
  // Database connections to each database (--db, --read-db), and as many
  // threads: a request holds one of each while its handler runs.
  int pool = 8;
  // Session cookies marked Secure (behind a TLS proxy): --secure-cookies.
  bool secure_cookies = false;
  // The web application's built files (web/dist); empty: the built-in page.
  std::string web_root;
};

// Serves the database until SIGINT or SIGTERM; returns the process exit
// status: 0 after a signal, 3 when the address cannot be listened on.
int Serve(const ServeOptions& options);

}  // namespace tdcs::http
