#include "app/users.h"

#include <sodium.h>

#include <algorithm>

#include "app/internal/access.h"
#include "app/internal/area.h"
#include "app/reconcile.h"
#include "base/check.h"
#include "network/network.h"
#include "store/loan_store.h"
#include "store/user_store.h"
#include "text/text.h"

namespace tdcs::app {

// The wire string of each rejection code (docs/API.md "Error codes").
#define TDCS_USER_REJECTIONS(X)           \
  X(kLoginInvalid, "LOGIN_INVALID")       \
  X(kUserExists, "USER_EXISTS")           \
  X(kUserUnknown, "USER_UNKNOWN")         \
  X(kRoleUnknown, "ROLE_UNKNOWN")         \
  X(kScopeInvalid, "SCOPE_INVALID")       \
  X(kPasswordInvalid, "PASSWORD_INVALID") \
  X(kUserDisabled, "USER_DISABLED")
TDCS_DEFINE_REJECTIONS(UserRejection, TDCS_USER_REJECTIONS)
#undef TDCS_USER_REJECTIONS

namespace {

constexpr RoleInfo kRoles[] = {
    {"officer", "Cán bộ tín dụng", "office"},
    {"director", "Giám đốc phòng giao dịch", "office"},
    {"association", "Cán bộ hội đoàn thể", "area"},
    {"leader", "Tổ trưởng tổ TK&VV", "group"},
    {"branch", "Cán bộ chi nhánh", "branch"},
    {"head_office", "Cán bộ hội sở chính", "national"},
    {"board", "Thành viên ban đại diện", "area"},
    {"auditor", "Kiểm toán viên", "national"},
    {"admin", "Quản trị hệ thống", "national"},
};

bool ValidLogin(const std::string& login) {
  return login.size() >= 3 && login.size() <= 64 &&
         std::all_of(login.begin(), login.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                  c == '-';
         });
}

Date RequestDate(store::Database& db, const Context& context) {
  if (context.on) return *context.on;
  return store::LoanStore(db).BusinessDate().value_or(*Date::FromCivil(1995, 10, 4));
}

// A password that can be typed again, at a console or in the sign-in form:
// 10–128 bytes of UTF-8 without control characters, not only spaces, not
// the login.
std::optional<Error> CheckNewPassword(const std::string& login, const std::string& password) {
  const bool printable = std::none_of(password.begin(), password.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
  const bool blank = password.find_first_not_of(' ') == std::string::npos;
  if (password.size() >= 10 && password.size() <= 128 && password != login && printable && !blank &&
      text::IsValidUtf8(password))
    return std::nullopt;
  return MakeError(UserRejection::kPasswordInvalid, "password",
                   "Mật khẩu dài 10–128 byte UTF-8, không có ký tự điều khiển, không chỉ gồm "
                   "khoảng trắng và khác tên đăng nhập",
                   "A password is 10–128 bytes of UTF-8, without control characters, not only "
                   "spaces, and not the login");
}

// Argon2id, libsodium's interactive limits.
std::string Hash(const std::string& password) {
  static const bool ready = sodium_init() >= 0;
  TDCS_CHECK_MSG(ready, "libsodium could not be initialised");
  char out[crypto_pwhash_STRBYTES];
  TDCS_CHECK_MSG(crypto_pwhash_str_alg(
                     out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                     crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) == 0,
                 "out of memory hashing a password");
  return out;
}

// The role, scope and association, checked: the scope a unit of the kind the
// role acts in, open on the date.
Result<std::pair<std::string, int>> CheckRole(store::Database& db, const UserRequest& r, Date on) {
  const RoleInfo* role = nullptr;
  for (const auto& k : kRoles)
    if (k.key == r.role) role = &k;
  if (role == nullptr) {
    std::string keys;
    for (const auto& k : kRoles) keys += (keys.empty() ? "" : ", ") + std::string(k.key);
    return MakeError(UserRejection::kRoleUnknown, "role",
                     "Không có vai trò '" + r.role + "' (" + keys + ")",
                     "No role '" + r.role + "' (" + keys + ")");
  }
  const std::string kind(role->scope_kind);
  const std::string scope = r.scope.empty() && kind == "national" ? "national" : r.scope;
  const auto wrong = [&](const std::string& why_vi, const std::string& why_en) {
    return MakeError(UserRejection::kScopeInvalid, "scope",
                     "Phạm vi '" + scope + "' của vai trò " + r.role + ": " + why_vi,
                     "Scope '" + scope + "' of role " + r.role + ": " + why_en);
  };
  if (kind == "national" && scope != "national")
    return wrong("vai trò này làm việc toàn quốc (national)", "this role works nationally");
  // A role of one kind of unit names it: a code that is also another
  // kind's is not ambiguous here.
  const bool one_kind = kind == "office" || kind == "group" || kind == "branch";
  auto area =
      ResolveArea(db, one_kind && scope.find(':') == std::string::npos ? kind + ":" + scope : scope,
                  on, UserRejection::kScopeInvalid, UserRejection::kScopeInvalid, "scope");
  if (!area.ok()) return area.error();
  const std::string& got = area.value().kind;
  if (one_kind ? got != kind : got != "national" && got != "branch" && got != "office")
    return wrong(
        one_kind ? "cần mã một " + kind : "cần toàn quốc, một chi nhánh hoặc một PGD",
        one_kind ? "a " + kind + " code is needed" : "national, a branch or an office is needed");
  int association = 0;
  if (r.role == "association") {
    auto a = ParseAssociationCode(r.association, "association");
    if (!a.ok()) {
      Error e = a.error();
      if (r.association.empty()) {
        e.message_vi = "Cán bộ hội đoàn thể cần --association (farmers, women, veterans, youth)";
        e.message_en =
            "An association officer needs --association (farmers, women, veterans, youth)";
      }
      return e;
    }
    association = a.value();
  } else if (!r.association.empty()) {
    return MakeError(UserRejection::kScopeInvalid, "association",
                     "Chỉ cán bộ hội đoàn thể mới thuộc một hội",
                     "Only an association officer belongs to an association");
  }
  // Stored with its kind, so that it always names the one unit.
  const std::string stored =
      got == "national" ? std::string("national") : got + ":" + area.value().code;
  return std::pair<std::string, int>{stored, association};
}

UserView ViewOf(const store::UserRow& r) {
  return {r.login,
          r.role,
          r.scope,
          r.association_code ? std::string(network::AssociationKey(
                                   static_cast<network::Association>(r.association_code)))
                             : std::string(),
          r.created_on,
          r.password_set_on,
          r.disabled_on};
}

Result<store::UserRow> Existing(store::Database& db, const std::string& login) {
  auto row = store::FindUser(db, login);
  if (!row)
    return MakeError(UserRejection::kUserUnknown, "login", "Không có người dùng '" + login + "'",
                     "No user '" + login + "'");
  if (row->disabled_on)
    return MakeError(
        UserRejection::kUserDisabled, "login",
        "Người dùng '" + login + "' đã bị khóa ngày " + row->disabled_on->ToVietnamese(),
        "User '" + login + "' was disabled on " + row->disabled_on->ToIso());
  return *row;
}

}  // namespace

std::span<const RoleInfo> Roles() { return kRoles; }

Result<UserView> AddUser(Connection& connection, const Context& context, const UserRequest& r) {
  store::Database& db = Db(connection);
  if (!ValidLogin(r.login))
    return MakeError(UserRejection::kLoginInvalid, "login",
                     "Tên đăng nhập gồm 3–64 ký tự chữ thường, số, '.', '_' hoặc '-'",
                     "A login is 3–64 lowercase letters, digits, '.', '_' or '-'");
  if (auto bad = CheckNewPassword(r.login, r.password)) return *bad;
  const std::string hash = Hash(r.password);  // slow by design: outside the transaction
  return store::RunTransaction(db, [&](store::Transaction& tx) -> Result<UserView> {
    db.LockKey("user:" + r.login);
    const Date on = RequestDate(db, context);
    auto role = CheckRole(db, r, on);
    if (!role.ok()) return role.error();
    if (store::FindUser(db, r.login))
      return MakeError(UserRejection::kUserExists, "login", "Tên đăng nhập '" + r.login + "' đã có",
                       "The login '" + r.login + "' is taken");
    store::UserRow row{0,  r.login, hash,        r.role, role.value().first, role.value().second,
                       on, on,      std::nullopt};
    store::AddUser(db, row);
    tx.Commit();
    return ViewOf(row);
  });
}

Result<UserView> ChangeRole(Connection& connection, const Context& context, const UserRequest& r) {
  store::Database& db = Db(connection);
  return store::RunTransaction(db, [&](store::Transaction& tx) -> Result<UserView> {
    db.LockKey("user:" + r.login);  // one change of a user at a time
    auto row = Existing(db, r.login);
    if (!row.ok()) return row.error();
    auto role = CheckRole(db, r, RequestDate(db, context));
    if (!role.ok()) return role.error();
    store::UpdateUserRole(db, row.value().id, r.role, role.value().first, role.value().second);
    tx.Commit();
    return ViewOf(*store::FindUser(db, r.login));
  });
}

Result<UserView> ResetPassword(Connection& connection, const Context& context,
                               const std::string& login, const std::string& password) {
  store::Database& db = Db(connection);
  if (auto bad = CheckNewPassword(login, password)) return *bad;
  const std::string hash = Hash(password);
  return store::RunTransaction(db, [&](store::Transaction& tx) -> Result<UserView> {
    db.LockKey("user:" + login);  // one change of a user at a time
    auto row = Existing(db, login);
    if (!row.ok()) return row.error();
    store::UpdateUserPassword(db, row.value().id, hash, RequestDate(db, context));
    tx.Commit();
    return ViewOf(*store::FindUser(db, login));
  });
}

Result<UserView> DisableUser(Connection& connection, const Context& context,
                             const std::string& login) {
  store::Database& db = Db(connection);
  return store::RunTransaction(db, [&](store::Transaction& tx) -> Result<UserView> {
    db.LockKey("user:" + login);  // one change of a user at a time
    auto row = Existing(db, login);
    if (!row.ok()) return row.error();
    store::DisableUser(db, row.value().id, RequestDate(db, context));
    tx.Commit();
    return ViewOf(*store::FindUser(db, login));
  });
}

std::vector<UserView> ListUsers(Connection& connection, const Context&) {
  std::vector<UserView> out;
  for (const auto& r : store::ListUsers(Db(connection))) out.push_back(ViewOf(r));
  return out;
}

bool CheckPassword(Connection& connection, const std::string& login, const std::string& password) {
  const auto row = store::FindUser(Db(connection), login);
  // An unknown or disabled user's answer takes as long as a known one's: a
  // hash of the same cost is checked anyway.
  static const std::string dummy = Hash("tdcs-no-such-user-password");
  const bool verified = crypto_pwhash_str_verify(row ? row->password_hash.c_str() : dummy.c_str(),
                                                 password.data(), password.size()) == 0;
  return verified && row && !row->disabled_on;
}

}  // namespace tdcs::app
