// The API without sockets: routes → handlers → use cases. A handler turns a
// request (method, path, query parameters, body) into a typed request to one
// use case of src/app and its result or rejection into JSON; it holds no
// business rule. The server (server.cc) only moves bytes and enforces limits;
// tests call Api::Handle directly.
//
// Errors: every answer but the page is JSON; an error is
// {"code","field","message_vi","message_en"} with the status HttpStatusOf
// gives its code (docs/API.md). An exception never leaves Handle: a
// StorageFault is 503 STORAGE_FAULT, anything else 500 INTERNAL_ERROR, and
// what it says goes to the log (stderr), never to the client.
//
// Thread safety: Handle may be called from many threads at once; each call
// borrows its own connection from the pool. A read that finds its connection
// lost (the database restarted) runs once more on a new connection.
#pragma once

#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/connection.h"
#include "base/clock.h"
#include "base/result.h"

namespace tdcs::http {

// The codes of the HTTP layer itself (the server's limits, the routes, the
// query parameters, faults); the routes also answer their use case's codes
// (app::LoanViewRejection for /api/loans/{code}).
enum class HttpRejection {
  kDateRequired,            // no `on` and no business date yet (400)
  kDateFormat,              // `on` is not a date (400)
  kQueryInvalid,            // `q` empty or over 200 bytes (400)
  kNotFound,                // no such address (404)
  kMethodNotAllowed,        // the address exists for another method (405)
  kRequestTooLarge,         // a body over the limit, whatever its encoding (413, the server)
  kUriTooLong,              // a request target (or a request line) over the limit (414, the server)
  kHeadersTooLarge,         // too many header fields, or too many bytes of them (431, the server)
  kEncodingUnsupported,     // a Content-Encoding other than identity (415, the server)
  kBadRequest,              // a request the server cannot read (400, the server)
  kStorageFault,            // the database could not answer: try again (503)
  kDatabaseUnreachable,     // GET /api/health: a database does not answer (503)
  kInternalError,           // a bug (500)
  kBodyInvalid,             // a body that is not a JSON object (400)
  kFieldRequired,           // a field the request needs is missing (400)
  kFieldType,               // a field of the wrong type, or out of its range (400)
  kFieldUnknown,            // a field the request does not take (a typo, say) (400)
  kAmountInvalid,           // an amount not a whole number of đồng from 1 to 10^15 (422)
  kIdempotencyKeyRequired,  // a write without an Idempotency-Key of 1–200 bytes (400)
  kContentTypeUnsupported,  // a write's body not declared application/json (text/csv: imports)
                            // (415)
  kImportRejected,          // an import with bad rows, every one listed; nothing imported (422)
};
std::string_view RejectionKey(HttpRejection code);
std::span<const RejectionEntry<HttpRejection>> RejectionTable(HttpRejection);

struct Request {
  std::string method = "GET";
  std::string path;                           // decoded
  std::map<std::string, std::string> params;  // query parameters, decoded; the first of a name
  std::string body;
  // Header fields by lowercase name (the first of a name; Cookie fields joined by "; ").
  std::map<std::string, std::string> headers;
  std::string peer;  // the client's address
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // Set-Cookie, …
};

// How the API signs people in (docs/API.md "Signing in").
struct ApiOptions {
  // Cookies marked Secure: the server is reached over TLS (a proxy in front).
  bool secure_cookies = false;
  const Clock* clock = nullptr;  // null: the system clock
  // The web application's built files (tdcs serve --web): `/` and every GET
  // outside /api/ are answered from there; empty: the built-in page.
  std::string web_root;
};

// A route as the API has it: for the route × role authorization test and
// the OpenAPI document's check.
struct RouteInfo {
  std::string method;
  std::string path;  // OpenAPI form: /api/loans/{code}
  bool signed_in;    // false: answered without a session
  bool writes;       // a write: CSRF token (cookie sessions) and Idempotency-Key
};

// Reads an origin-form request target ("/path?name=value&…") into
// request->path and request->params, %-escapes decoded (and '+' as a space
// in the query). False when the target does not start with '/' or has a
// malformed escape.
bool ReadTarget(std::string_view target, Request* request);

// The HTTP status an error is answered with: 400 a request that cannot be
// read or lacks what it needs; 404 a resource that does not exist (on the
// date asked for); 405; the server's limits 413, 414, 415, 431; 409 a
// conflict with what is stored; 503 STORAGE_FAULT; 500 INTERNAL_ERROR; 422
// every other rule of a use case.
int HttpStatusOf(const Error& error);

// An error as an answer: JSON in the API's error format, HttpStatusOf's status.
Response ErrorAnswer(const Error& error);

// The answer to an exception from a handler (or from anywhere in the server),
// logged with the request's method and path.
Response FaultAnswer(const Request& request, std::exception_ptr fault);

class Api {
 public:
  // `pool` serves every route; `read_pool`, when given (a hot standby's
  // connections, `tdcs serve --read-db`), serves the routes that only read.
  explicit Api(app::ConnectionPool& pool, app::ConnectionPool* read_pool = nullptr,
               ApiOptions options = {})
      : pool_(pool),
        read_pool_(read_pool),
        options_(options),
        writes_(std::make_unique<app::WriteGroup>(pool)) {}
  // Never throws; waits for a write's group commit.
  Response Handle(const Request& request);
  // The same, without waiting: the answer, or — a write that goes to a group
  // commit (app::WriteGroup) — nothing, and `done` is called with the
  // answer later, from the group's thread. Never throws.
  using Done = std::function<void(Response)>;
  std::optional<Response> Handle(const Request& request, Done done);
  static std::vector<RouteInfo> Routes();
  // The group commits of the writes that move money (app::WriteGroup).
  app::WriteGroup::Counts write_groups() const { return writes_->counts(); }
  bool writes_grouped() const { return writes_->grouped(); }

 private:
  app::ConnectionPool& pool_;
  app::ConnectionPool* read_pool_;
  ApiOptions options_;
  std::unique_ptr<app::WriteGroup> writes_;
};

}  // namespace tdcs::http
