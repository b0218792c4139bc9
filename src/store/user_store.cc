#include "store/user_store.h"

namespace tdcs::store {

namespace {

constexpr const char* kColumns =
    "id, login, password_hash, role, scope, association_code, created_on, password_set_on, "
    "disabled_on";

// A user's row from the columns kColumns lists, starting at column `first`.
UserRow ReadUser(const Statement& st, int first = 0) {
  UserRow r;
  r.id = st.GetInt(first);
  r.login = st.GetText(first + 1);
  r.password_hash = st.GetText(first + 2);
  r.role = st.GetText(first + 3);
  r.scope = st.GetText(first + 4);
  r.association_code = static_cast<int>(st.GetInt(first + 5));
  r.created_on = *Date::Parse(st.GetText(first + 6));
  r.password_set_on = *Date::Parse(st.GetText(first + 7));
  if (!st.IsNull(first + 8)) r.disabled_on = Date::Parse(st.GetText(first + 8));
  return r;
}

}  // namespace

void AddUser(Database& db, UserRow& r) {
  r.id = db.ReserveIdBlock("app_user", 1);
  auto& st = db.Cached(
      "INSERT INTO app_user (id, login, password_hash, role, scope, association_code, "
      "created_on, password_set_on, disabled_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)");
  st.BindInt(1, r.id);
  st.BindText(2, r.login);
  st.BindText(3, r.password_hash);
  st.BindText(4, r.role);
  st.BindText(5, r.scope);
  st.BindInt(6, r.association_code);
  st.BindText(7, r.created_on.ToIso());
  st.BindText(8, r.password_set_on.ToIso());
  st.Run();
}

std::optional<UserRow> FindUser(Database& db, const std::string& login) {
  auto st = db.Prepare(std::string("SELECT ") + kColumns + " FROM app_user WHERE login = ?");
  st->BindText(1, login);
  if (!st->Step()) return std::nullopt;
  return ReadUser(*st);
}

std::vector<UserRow> ListUsers(Database& db) {
  auto st = db.Prepare(std::string("SELECT ") + kColumns + " FROM app_user ORDER BY login");
  std::vector<UserRow> out;
  while (st->Step()) out.push_back(ReadUser(*st));
  return out;
}

void UpdateUserRole(Database& db, int64_t id, const std::string& role, const std::string& scope,
                    int association_code) {
  auto& st =
      db.Cached("UPDATE app_user SET role = ?, scope = ?, association_code = ? WHERE id = ?");
  st.BindText(1, role);
  st.BindText(2, scope);
  st.BindInt(3, association_code);
  st.BindInt(4, id);
  st.Run();
}

void UpdateUserPassword(Database& db, int64_t id, const std::string& hash, Date on) {
  auto& st = db.Cached("UPDATE app_user SET password_hash = ?, password_set_on = ? WHERE id = ?");
  st.BindText(1, hash);
  st.BindText(2, on.ToIso());
  st.BindInt(3, id);
  st.Run();
}

void DisableUser(Database& db, int64_t id, Date on) {
  auto& st = db.Cached("UPDATE app_user SET disabled_on = ? WHERE id = ? AND disabled_on IS NULL");
  st.BindText(1, on.ToIso());
  st.BindInt(2, id);
  st.Run();
}

}  // namespace tdcs::store

namespace tdcs::store {

void AddSession(Database& db, const SessionRow& r) {
  auto& st = db.Cached(
      "INSERT INTO user_session (token_hash, user_id, csrf_token, created_at, expires_at, origin) "
      "VALUES (?, ?, ?, ?, ?, ?)");
  st.BindText(1, r.token_hash);
  st.BindInt(2, r.user_id);
  st.BindText(3, r.csrf_token);
  st.BindInt(4, r.created_at);
  st.BindInt(5, r.expires_at);
  st.BindText(6, r.origin);
  st.Run();
}

std::optional<std::pair<SessionRow, UserRow>> FindSession(Database& db,
                                                          const std::string& token_hash) {
  auto& st = db.Cached(
      "SELECT s.token_hash, s.user_id, s.csrf_token, s.created_at, s.expires_at, s.origin, "
      "u.id, u.login, u.password_hash, u.role, u.scope, u.association_code, u.created_on, "
      "u.password_set_on, u.disabled_on FROM user_session s JOIN app_user u ON u.id = s.user_id "
      "WHERE s.token_hash = ?");  // (the user's columns in kColumns' order)
  st.BindText(1, token_hash);
  if (!st.Step()) return std::nullopt;
  SessionRow s{st.GetText(0), st.GetInt(1), st.GetText(2),
               st.GetInt(3),  st.GetInt(4), st.GetText(5)};
  UserRow u = ReadUser(st, 6);
  st.Reset();
  return std::pair<SessionRow, UserRow>{std::move(s), std::move(u)};
}

void DeleteSession(Database& db, const std::string& token_hash) {
  auto& st = db.Cached("DELETE FROM user_session WHERE token_hash = ?");
  st.BindText(1, token_hash);
  st.Run();
}

void DeleteSessionsOf(Database& db, int64_t user_id) {
  auto& st = db.Cached("DELETE FROM user_session WHERE user_id = ?");
  st.BindInt(1, user_id);
  st.Run();
}

void DeleteSessionsExpiredBefore(Database& db, int64_t now) {
  auto& st = db.Cached("DELETE FROM user_session WHERE expires_at < ?");
  st.BindInt(1, now);
  st.Run();
}

SignInFailures FailuresOf(Database& db, const std::string& login) {
  auto& st = db.Cached(
      "SELECT failures, last_failure_at, locked_until FROM sign_in_failure WHERE login = ?");
  st.BindText(1, login);
  SignInFailures f;
  if (st.Step()) f = {st.GetInt(0), st.GetInt(1), st.GetInt(2)};
  st.Reset();
  return f;
}

void WriteFailures(Database& db, const std::string& login, const SignInFailures& f) {
  auto& st = db.Cached(
      "INSERT INTO sign_in_failure (login, failures, last_failure_at, locked_until) "
      "VALUES (?, ?, ?, ?) ON CONFLICT (login) DO UPDATE SET failures = excluded.failures, "
      "last_failure_at = excluded.last_failure_at, locked_until = excluded.locked_until");
  st.BindText(1, login);
  st.BindInt(2, f.failures);
  st.BindInt(3, f.last_failure_at);
  st.BindInt(4, f.locked_until);
  st.Run();
}

void ClearFailures(Database& db, const std::string& login) {
  auto& st = db.Cached("DELETE FROM sign_in_failure WHERE login = ?");
  st.BindText(1, login);
  st.Run();
}

}  // namespace tdcs::store
