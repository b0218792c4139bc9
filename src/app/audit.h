// The audit trail (docs/RULES.md §15): every write is recorded by the use
// case that makes it, in its own transaction — who, when, from where, what,
// the state before and after — chained by BLAKE2b hashes. Auditors and
// administrators read it here (`tdcs audit`, GET /api/audit); `tdcs verify`
// checks the chain (batch/verify.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "app/connection.h"
#include "app/context.h"
#include "base/result.h"

namespace tdcs::app {

struct AuditQuery {
  std::string actor, action, subject;  // action: "loan" matches "loan.pay", "loan.apply", …
  int64_t from_micros = 0, to_micros = 0;
  int64_t before_seq = 0;  // a page's cursor: records older than this position
  int limit = 100;         // 1–1000
};
struct AuditEntry {
  int64_t seq = 0, at_micros = 0;
  std::string actor, role, scope, origin, request_id, action, subject, before, after;
  std::string record_hash;
};
// Newest first. FORBIDDEN unless the actor may read the audit trail.
Result<std::vector<AuditEntry>> ReadAudit(Connection& connection, const Context& context,
                                          const AuditQuery& query);

}  // namespace tdcs::app
