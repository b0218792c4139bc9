// The context every use case runs in: who asks (the actor and the area they
// may act on), for which business date, under which request id and
// idempotency key. Faces build it (the command line for its user, the server
// from the signed-in session, the scenario runner for its story) and pass it
// with a typed request; the use case never reads the wall clock or a global.
#pragma once

#include <optional>
#include <string>

#include "base/date.h"

namespace tdcs::app {

struct Actor {
  std::string login = "system";    // the user's login; "system" for batch work
  std::string role = "admin";      // officer director association leader branch head_office
                                   // board auditor admin
  std::string scope = "national";  // a unit's code, or "national"
};

struct Context {
  Actor actor;
  // The date the request is for. Empty: the database's business date.
  std::optional<Date> on;
  std::string request_id;  // for logs and the audit trail
  // A write's idempotency key (empty: none). A key belongs to its actor and to
  // the kind of request: one user's key never answers another's request.
  std::string idempotency_key;
};

// The context of batch work and of tools run by the operator.
inline Context SystemContext() { return Context{}; }

}  // namespace tdcs::app
