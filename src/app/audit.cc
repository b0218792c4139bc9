#include "app/audit.h"

#include "app/access.h"
#include "app/internal/access.h"
#include "app/internal/audit.h"
#include "base/clock.h"
#include "store/audit_store.h"
#include "store/health.h"

namespace tdcs::app {

std::string JsonString(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

AuditState& AuditState::AddRaw(std::string_view name, std::string_view json) {
  if (!text_.empty()) text_ += ',';
  text_ += JsonString(name);
  text_ += ':';
  text_ += json;
  return *this;
}

AuditState& AuditState::Add(std::string_view name, std::string_view value) {
  return AddRaw(name, JsonString(value));
}

AuditState& AuditState::Add(std::string_view name, int64_t value) {
  return AddRaw(name, std::to_string(value));
}

void RecordAudit(store::Database& db, const Context& context, std::string_view action,
                 std::string subject, const AuditState& before, const AuditState& after) {
  if (!context.audit) return;
  store::AuditRecord r;
  r.at_micros = context.now_micros != 0 ? context.now_micros : SystemClock().NowMicros();
  r.actor = context.actor.login;
  r.role = context.actor.role;
  r.scope = context.actor.scope;
  if (context.actor.association != 0)
    r.scope += "+association:" + std::to_string(context.actor.association);
  r.origin = context.origin;
  r.request_id = context.request_id;
  r.action = std::string(action);
  r.subject = std::move(subject);
  r.before = before.Json();
  r.after = after.Json();
  store::AppendAudit(db, std::move(r));
}

void RecordExport(store::Database& db, const Context& context, std::string_view kind,
                  const std::string& on_iso, int64_t rows, bool masked) {
  // A standby writes nothing: an export read there (tdcs export --db a
  // standby) is not recorded; the server's exports read the primary.
  if (!context.audit || store::IsStandby(db)) return;
  store::Transaction tx(db);
  RecordAudit(db, context, "export." + std::string(kind), "export:" + std::string(kind), {},
              AuditState()
                  .Add("on", on_iso)
                  .Add("rows", rows)
                  .Add("citizen_ids", masked ? "masked" : "in_full"));
  tx.Commit();
}

Result<std::vector<AuditEntry>> ReadAudit(Connection& connection, const Context& context,
                                          const AuditQuery& q) {
  if (auto denied = Require(context.actor, Permission::kReadAudit); !denied.ok())
    return denied.error();
  store::AuditFilter f;
  f.actor = q.actor;
  f.action_prefix = q.action;
  f.subject = q.subject;
  f.from_micros = q.from_micros;
  f.to_micros = q.to_micros;
  f.before_seq = q.before_seq;
  f.limit = q.limit < 1 ? 1 : q.limit > 1000 ? 1000 : q.limit;
  std::vector<AuditEntry> out;
  for (auto& r : store::ListAudit(Db(connection), f))
    out.push_back({r.seq, r.at_micros, std::move(r.actor), std::move(r.role), std::move(r.scope),
                   std::move(r.origin), std::move(r.request_id), std::move(r.action),
                   std::move(r.subject), std::move(r.before), std::move(r.after),
                   std::move(r.record_hash)});
  return out;
}

}  // namespace tdcs::app
