// The API without sockets: routes → handlers → use cases. A handler turns a
// request (method, path, query parameters, body) into a typed request to one
// use case of src/app and its result or rejection into JSON; it holds no
// business rule. The server (server.cc) only moves bytes and enforces limits;
// tests call Api::Handle directly.
//
// Errors: a rejection is {"code","field","message_vi","message_en"} with its
// HTTP status (400 bad input, 404 unknown resource, 409 conflict); a storage
// fault is 503 STORAGE_FAULT; a request with no route is 404 NOT_FOUND.
//
// Thread safety: Handle may be called from many threads at once; each call
// borrows its own connection from the pool.
#pragma once

#include <map>
#include <string>

#include "app/connection.h"
#include "base/result.h"

namespace tdcs::http {

// The codes of the HTTP layer itself (the server's limits, the routes, the
// query parameters, faults); the routes also answer their use case's codes
// (app::LoanViewRejection for /api/loans/{code}).
enum class HttpRejection {
  kDateRequired,      // no `on` and no business date yet
  kDateFormat,        // `on` is not a date
  kQueryInvalid,      // `q` empty or over 200 bytes
  kNotFound,          // no such address (404)
  kMethodNotAllowed,  // the address exists for another method (405)
  kRequestTooLarge,   // a request over the size limit (413, the server)
  kBadRequest,        // a request the server cannot read (400, the server)
  kStorageFault,      // the database could not answer: try again (503)
  kInternalError,     // a bug (500)
};
std::string_view RejectionKey(HttpRejection code);
std::span<const RejectionEntry<HttpRejection>> RejectionTable(HttpRejection);

struct Request {
  std::string method = "GET";
  std::string path;
  std::map<std::string, std::string> params;  // query parameters
  std::string body;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

class Api {
 public:
  explicit Api(app::ConnectionPool& pool) : pool_(pool) {}
  Response Handle(const Request& request);

 private:
  app::ConnectionPool& pool_;
};

}  // namespace tdcs::http
