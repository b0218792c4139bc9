#include "store/user_store.h"

namespace tdcs::store {

namespace {

constexpr const char* kColumns =
    "id, login, password_hash, role, scope, association_code, created_on, password_set_on, "
    "disabled_on";

UserRow ReadUser(const Statement& st) {
  UserRow r;
  r.id = st.GetInt(0);
  r.login = st.GetText(1);
  r.password_hash = st.GetText(2);
  r.role = st.GetText(3);
  r.scope = st.GetText(4);
  r.association_code = static_cast<int>(st.GetInt(5));
  r.created_on = *Date::Parse(st.GetText(6));
  r.password_set_on = *Date::Parse(st.GetText(7));
  if (!st.IsNull(8)) r.disabled_on = Date::Parse(st.GetText(8));
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
