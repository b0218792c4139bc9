// The context every use case runs in: who asks (the actor and the area they
// may act on), for which business date, under which request id and
// idempotency key. Faces build it (the command line for its user, the server
// from the signed-in session, the scenario runner for its story) and pass it
// with a typed request; the use case never reads the wall clock or a global.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/date.h"

namespace tdcs::app {

struct Actor {
  std::string login = "system";  // the user's login; "system" for batch work
  std::string role = "admin";    // officer director association leader branch head_office
                                 // board auditor admin
  // "national", or the unit the actor acts in with its kind: "branch:CODE",
  // "office:CODE", "group:CODE" (docs/RULES.md §14).
  std::string scope = "national";
  int association = 0;  // an association officer's association (network::Association); 0: none
};

struct Context {
  Actor actor;
  // The date the request is for. Empty: the database's business date.
  std::optional<Date> on;
  std::string request_id;  // for logs and the audit trail
  // A write's idempotency key (empty: none). A key belongs to its actor and to
  // the kind of request: one user's key never answers another's request.
  std::string idempotency_key;
  // Where the request came from, for the audit trail: "http 10.0.0.7" or
  // "cli host:user".
  std::string origin = "system";
  // The wall-clock instant of the request (microseconds since the Unix
  // epoch, UTC), read by the face from its Clock: it stamps the audit trail
  // and times sessions out. 0: not stamped (then the audit trail reads the
  // system clock itself).
  int64_t now_micros = 0;
  // False for the steps of batch work that records itself once in the
  // audit trail (a simulation: one record, not one per posting).
  bool audit = true;
};

// The context of batch work and of tools run by the operator.
inline Context SystemContext() { return Context{}; }

}  // namespace tdcs::app
