#include "store/audit_store.h"

#include <sodium.h>

#include <memory>

#include "base/check.h"

namespace tdcs::store {

namespace {

// Names the format, so that a later encoding can never produce the same bytes.
constexpr std::string_view kDomain = "TDCS audit record v1";

constexpr const char* kColumns =
    "seq, at_micros, actor, role, scope, origin, request_id, action, subject, before_state, "
    "after_state, prev_hash, record_hash";

constexpr const char* kReadHead = "SELECT last_seq, last_hash FROM audit_head WHERE id = 1";
constexpr const char* kLockHeadPostgres =
    "SELECT last_seq, last_hash FROM audit_head WHERE id = 1 FOR UPDATE";

AuditRecord ReadRecord(const Statement& st) {
  AuditRecord r;
  r.seq = st.GetInt(0);
  r.at_micros = st.GetInt(1);
  r.actor = st.GetText(2);
  r.role = st.GetText(3);
  r.scope = st.GetText(4);
  r.origin = st.GetText(5);
  r.request_id = st.GetText(6);
  r.action = st.GetText(7);
  r.subject = st.GetText(8);
  r.before = st.GetText(9);
  r.after = st.GetText(10);
  r.prev_hash = st.GetText(11);
  r.record_hash = st.GetText(12);
  return r;
}

// The records of one write transaction, written at its commit.
class PendingAudit final : public Database::PendingWork {
 public:
  void Run(Database& db) override {
    if (records.empty()) return;  // all taken back with their savepoints
    auto& head = db.Cached(db.engine() == Engine::kPostgres ? kLockHeadPostgres : kReadHead);
    if (!head.Step()) throw StorageFault("the audit chain head (audit_head) is missing");
    int64_t seq = head.GetInt(0);
    auto previous = ChainHashFromHex(head.GetText(1));
    head.Reset();
    if (!previous) throw StorageFault("the audit chain head holds a malformed hash");
    auto& insert = db.Cached(std::string("INSERT INTO audit_record (") + kColumns +
                             ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (auto& r : records) {
      r.seq = ++seq;
      const ChainHash hash = AuditHash(r, *previous);
      r.prev_hash = ToHex(*previous);
      r.record_hash = ToHex(hash);
      insert.BindInt(1, r.seq);
      insert.BindInt(2, r.at_micros);
      insert.BindText(3, r.actor);
      insert.BindText(4, r.role);
      insert.BindText(5, r.scope);
      insert.BindText(6, r.origin);
      insert.BindText(7, r.request_id);
      insert.BindText(8, r.action);
      insert.BindText(9, r.subject);
      insert.BindText(10, r.before);
      insert.BindText(11, r.after);
      insert.BindText(12, r.prev_hash);
      insert.BindText(13, r.record_hash);
      insert.Run();
      *previous = hash;
    }
    auto& write = db.Cached("UPDATE audit_head SET last_seq = ?, last_hash = ? WHERE id = 1");
    write.BindInt(1, seq);
    write.BindText(2, ToHex(*previous));
    write.Run();
  }
  // A savepoint rolled back takes its records back with its writes.
  size_t Mark() const override { return records.size(); }
  void RollBackTo(size_t mark) override {
    if (mark < records.size()) records.resize(mark);
  }
  std::vector<AuditRecord> records;
};

}  // namespace

ChainHash AuditHash(const AuditRecord& r, const ChainHash& previous) {
  std::string out;
  out.reserve(256 + r.before.size() + r.after.size());
  PutText(out, kDomain);
  PutInt(out, r.seq);
  PutInt(out, r.at_micros);
  for (const std::string* text : {&r.actor, &r.role, &r.scope, &r.origin, &r.request_id, &r.action,
                                  &r.subject, &r.before, &r.after})
    PutText(out, *text);
  out.append(reinterpret_cast<const char*>(previous.data()), previous.size());
  static const bool ready = sodium_init() >= 0;
  TDCS_CHECK_MSG(ready, "libsodium could not be initialised");
  ChainHash hash;
  crypto_generichash(hash.data(), hash.size(), reinterpret_cast<const unsigned char*>(out.data()),
                     out.size(), nullptr, 0);
  return hash;
}

void AppendAudit(Database& db, AuditRecord record) {
  static const std::string kKey = "audit";
  auto* pending = static_cast<PendingAudit*>(db.Pending(kKey));
  if (pending == nullptr) {
    auto work = std::make_unique<PendingAudit>();
    pending = work.get();
    db.AddPending(kKey, std::move(work));
  }
  pending->records.push_back(std::move(record));
}

std::vector<AuditRecord> ListAudit(Database& db, const AuditFilter& f) {
  std::string sql = std::string("SELECT ") + kColumns + " FROM audit_record WHERE 1 = 1";
  if (!f.actor.empty()) sql += " AND actor = ?";
  // An action, or every action under it ("loan" finds "loan.pay", not "loans").
  if (!f.action_prefix.empty())
    sql += " AND (action = ? OR substr(action, 1, CAST(? AS INTEGER)) = ?)";
  if (!f.subject.empty()) sql += " AND subject = ?";
  if (f.from_micros) sql += " AND at_micros >= ?";
  if (f.to_micros) sql += " AND at_micros < ?";
  if (f.before_seq) sql += " AND seq < ?";
  sql += " ORDER BY seq DESC LIMIT ?";
  auto st = db.Prepare(sql);
  int i = 0;
  if (!f.actor.empty()) st->BindText(++i, f.actor);
  if (!f.action_prefix.empty()) {
    st->BindText(++i, f.action_prefix);
    st->BindInt(++i, static_cast<int64_t>(f.action_prefix.size() + 1));
    st->BindText(++i, f.action_prefix + ".");
  }
  if (!f.subject.empty()) st->BindText(++i, f.subject);
  if (f.from_micros) st->BindInt(++i, f.from_micros);
  if (f.to_micros) st->BindInt(++i, f.to_micros);
  if (f.before_seq) st->BindInt(++i, f.before_seq);
  st->BindInt(++i, f.limit);
  std::vector<AuditRecord> out;
  while (st->Step()) out.push_back(ReadRecord(*st));
  return out;
}

std::optional<std::string> FirstActor(Database& db, const std::string& subject,
                                      const std::string& action) {
  auto st = db.Prepare(
      "SELECT actor FROM audit_record WHERE subject = ? AND action = ? "
      "ORDER BY seq LIMIT 1");
  st->BindText(1, subject);
  st->BindText(2, action);
  if (!st->Step()) return std::nullopt;
  return st->GetText(0);
}

AuditChainCheck CheckAuditChain(Database& db) {
  AuditChainCheck check;
  ChainHash previous = kGenesisHash;
  int64_t last = 0;
  constexpr int kPage = 2000;
  auto broken = [&](int64_t seq, std::string vi, std::string en) {
    check.broken_seq = seq;
    check.problem_vi = std::move(vi);
    check.problem_en = std::move(en);
  };
  for (;;) {
    auto st = db.Prepare(std::string("SELECT ") + kColumns +
                         " FROM audit_record WHERE seq > ? ORDER BY seq LIMIT ?");
    st->BindInt(1, last);
    st->BindInt(2, kPage);
    int rows = 0;
    while (st->Step()) {
      ++rows;
      const AuditRecord r = ReadRecord(*st);
      const std::string n = std::to_string(r.seq);
      if (r.seq != last + 1) {
        broken(last + 1, "thiếu bản ghi nhật ký kiểm toán số " + std::to_string(last + 1),
               "audit record " + std::to_string(last + 1) + " is missing");
        return check;
      }
      if (r.prev_hash != ToHex(previous)) {
        broken(r.seq, "bản ghi nhật ký kiểm toán số " + n + " không nối với bản ghi trước nó",
               "audit record " + n + " does not link to the record before it");
        return check;
      }
      const ChainHash hash = AuditHash(r, previous);
      if (r.record_hash != ToHex(hash)) {
        broken(r.seq, "bản ghi nhật ký kiểm toán số " + n + " đã bị sửa (mã băm không khớp)",
               "audit record " + n + " was altered (its hash does not match)");
        return check;
      }
      previous = hash;
      last = r.seq;
      ++check.records;
    }
    if (rows < kPage) break;
  }
  check.head_hash = ToHex(previous);
  auto head = db.Prepare(kReadHead);
  if (!head->Step()) {
    broken(last + 1, "thiếu đầu chuỗi nhật ký kiểm toán (bảng audit_head)",
           "the audit chain head (table audit_head) is missing");
    return check;
  }
  if (head->GetInt(0) != last || head->GetText(1) != check.head_hash) {
    const int64_t expected = head->GetInt(0);
    if (expected > last)
      broken(last + 1,
             "nhật ký kiểm toán dừng ở bản ghi " + std::to_string(last) + " nhưng đầu chuỗi ghi " +
                 std::to_string(expected) + ": bản ghi " + std::to_string(last + 1) + " bị xóa",
             "the audit trail ends at record " + std::to_string(last) + " but its head records " +
                 std::to_string(expected) + ": record " + std::to_string(last + 1) +
                 " was deleted");
    else
      broken(last, "đầu chuỗi nhật ký kiểm toán không ghi bản ghi cuối " + std::to_string(last),
             "the audit chain head does not record the last record, " + std::to_string(last));
  }
  return check;
}

}  // namespace tdcs::store
