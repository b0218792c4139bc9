#include "store/approval_store.h"

namespace tdcs::store {

namespace {

constexpr const char* kColumns =
    "id, kind, loan_code, action_date, amount_dong, months, heir_code, note, maker, maker_role, "
    "made_at, status, checker, decided_at, decision_reason, txn_id, target_txn_id, idempotency_key";

PendingRow Read(const Statement& st) {
  PendingRow r;
  r.id = st.GetInt(0);
  r.kind = st.GetText(1);
  r.loan_code = st.GetText(2);
  r.action_date = *Date::Parse(st.GetText(3));
  r.amount_dong = st.GetInt(4);
  r.months = st.GetInt(5);
  r.heir_code = st.GetText(6);
  r.note = st.GetText(7);
  r.maker = st.GetText(8);
  r.maker_role = st.GetText(9);
  r.made_at = st.GetInt(10);
  r.status = st.GetText(11);
  r.checker = st.GetOptionalText(12);
  if (!st.IsNull(13)) r.decided_at = st.GetInt(13);
  r.decision_reason = st.GetOptionalText(14);
  if (!st.IsNull(15)) r.txn_id = st.GetInt(15);
  r.target_txn_id = st.GetInt(16);
  r.idempotency_key = st.GetText(17);
  return r;
}

}  // namespace

void AddPending(Database& db, PendingRow& r) {
  r.id = db.ReserveIdBlock("pending_request", 1);
  auto& st = db.Cached(
      "INSERT INTO pending_request (id, kind, loan_code, action_date, amount_dong, months, "
      "heir_code, note, maker, maker_role, made_at, status, target_txn_id, idempotency_key) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)");
  st.BindInt(1, r.id);
  st.BindText(2, r.kind);
  st.BindText(3, r.loan_code);
  st.BindText(4, r.action_date.ToIso());
  st.BindInt(5, r.amount_dong);
  st.BindInt(6, r.months);
  st.BindText(7, r.heir_code);
  st.BindText(8, r.note);
  st.BindText(9, r.maker);
  st.BindText(10, r.maker_role);
  st.BindInt(11, r.made_at);
  st.BindInt(12, r.target_txn_id);
  st.BindText(13, r.idempotency_key);
  st.Run();
}

std::optional<PendingRow> LockPending(Database& db, int64_t id) {
  auto st = db.Prepare(std::string("SELECT ") + kColumns + " FROM pending_request WHERE id = ?" +
                       (db.engine() == Engine::kPostgres ? " FOR UPDATE" : ""));
  st->BindInt(1, id);
  if (!st->Step()) return std::nullopt;
  return Read(*st);
}

std::optional<PendingRow> FindPending(Database& db, int64_t id) {
  auto st = db.Prepare(std::string("SELECT ") + kColumns + " FROM pending_request WHERE id = ?");
  st->BindInt(1, id);
  if (!st->Step()) return std::nullopt;
  return Read(*st);
}

std::vector<PendingRow> ListPending(Database& db, const std::string& status, int limit,
                                    const NetworkStore::SearchArea* area) {
  std::string sql = std::string("SELECT ") + kColumns + " FROM pending_request WHERE 1 = 1";
  if (!status.empty()) sql += " AND status = ?";
  // (A loan whose borrower is in no group on the date passes here: its
  // office decides, one by one, as the scope check does.)
  if (area != nullptr)
    sql += " AND EXISTS (SELECT 1 FROM loan l WHERE l.code = pending_request.loan_code AND (" +
           NetworkStore::MemberOfArea(*area, "l.borrower_id") +
           " OR NOT EXISTS (SELECT 1 FROM membership m2 WHERE m2.borrower_id = l.borrower_id "
           "AND m2.valid_from <= ? AND (m2.valid_to IS NULL OR m2.valid_to > ?))))";
  sql += " ORDER BY id DESC LIMIT ?";
  auto st = db.Prepare(sql);
  int i = 1;
  if (!status.empty()) st->BindText(i++, status);
  if (area != nullptr) {
    i = NetworkStore::BindMemberOfArea(*st, i, *area);
    st->BindText(i++, area->on.ToIso());
    st->BindText(i++, area->on.ToIso());
  }
  st->BindInt(i, limit);
  std::vector<PendingRow> out;
  while (st->Step()) out.push_back(Read(*st));
  return out;
}

std::optional<PendingRow> FindOpenRequest(Database& db, const std::string& loan_code,
                                          const std::string& kind) {
  auto st = db.Prepare(std::string("SELECT ") + kColumns +
                       " FROM pending_request WHERE loan_code = ? AND kind = ? AND "
                       "status = 'pending'");
  st->BindText(1, loan_code);
  st->BindText(2, kind);
  if (!st->Step()) return std::nullopt;
  return Read(*st);
}

std::optional<PendingRow> FindRequestByKey(Database& db, const std::string& maker,
                                           const std::string& key) {
  if (key.empty()) return std::nullopt;
  auto st = db.Prepare(std::string("SELECT ") + kColumns +
                       " FROM pending_request WHERE maker = ? AND idempotency_key = ?");
  st->BindText(1, maker);
  st->BindText(2, key);
  if (!st->Step()) return std::nullopt;
  return Read(*st);
}

void DecidePending(Database& db, int64_t id, const std::string& status, const std::string& checker,
                   int64_t decided_at, const std::string& reason, std::optional<int64_t> txn_id) {
  auto& st = db.Cached(
      "UPDATE pending_request SET status = ?, checker = ?, decided_at = ?, decision_reason = ?, "
      "txn_id = ? WHERE id = ? AND status = 'pending'");
  st.BindText(1, status);
  st.BindText(2, checker);
  st.BindInt(3, decided_at);
  st.BindText(4, reason);
  st.BindOptionalInt(5, txn_id);
  st.BindInt(6, id);
  st.Run();
}

}  // namespace tdcs::store
