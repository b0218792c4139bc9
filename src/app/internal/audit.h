// Private to the app library: how a use case records what it wrote
// (docs/RULES.md §15). Called inside the write transaction, after the
// writes succeeded and before the commit; the record is chained at the
// commit (store/audit_store.h) and vanishes with a rollback.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "app/context.h"
#include "store/db.h"

namespace tdcs::app {

// A JSON object built field by field, for the before and after states.
class AuditState {
 public:
  AuditState& Add(std::string_view name, std::string_view value);
  AuditState& Add(std::string_view name, int64_t value);
  AuditState& Add(std::string_view name, const char* value) {
    return Add(name, std::string_view(value));
  }
  AuditState& AddRaw(std::string_view name, std::string_view json);  // a value already JSON
  std::string Json() const { return text_.empty() ? std::string() : "{" + text_ + "}"; }
  bool empty() const { return text_.empty(); }

 private:
  std::string text_;
};

// Escapes `text` as a JSON string (with its quotes).
std::string JsonString(std::string_view text);

// Records the write unless the context is batch work's inner step
// (context.audit false: the batch recorded itself once).
void RecordAudit(store::Database& db, const Context& context, std::string_view action,
                 std::string subject, const AuditState& before, const AuditState& after);

// Records, in a transaction of its own, that a file of records left the
// bank: `export.KIND` with its date, rows and whether citizen IDs were
// masked. Called after the reading snapshot has ended; on a standby, which
// cannot write, nothing is recorded.
void RecordExport(store::Database& db, const Context& context, std::string_view kind,
                  const std::string& on_iso, int64_t rows, bool masked);

}  // namespace tdcs::app
