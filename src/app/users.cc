#include "app/users.h"

#include <sodium.h>

#include <algorithm>

#include "app/access.h"
#include "app/internal/access.h"
#include "app/internal/area.h"
#include "app/internal/audit.h"
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

#define TDCS_SIGN_IN_REJECTIONS(X)      \
  X(kSignInFailed, "SIGN_IN_FAILED")    \
  X(kSignInLocked, "SIGN_IN_LOCKED")    \
  X(kSessionInvalid, "SESSION_INVALID") \
  X(kCsrfInvalid, "CSRF_INVALID")       \
  X(kCurrentPasswordWrong, "CURRENT_PASSWORD_WRONG")
TDCS_DEFINE_REJECTIONS(SignInRejection, TDCS_SIGN_IN_REJECTIONS)
#undef TDCS_SIGN_IN_REJECTIONS

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

AuditState StateOf(const store::UserRow& r) {
  AuditState s;
  s.Add("role", r.role).Add("scope", r.scope);
  if (r.association_code) s.Add("association", static_cast<int64_t>(r.association_code));
  s.Add("password_set_on", r.password_set_on.ToIso());
  if (r.disabled_on) s.Add("disabled_on", r.disabled_on->ToIso());
  return s;
}

}  // namespace

std::span<const RoleInfo> Roles() { return kRoles; }

Result<UserView> AddUser(Connection& connection, const Context& context, const UserRequest& r) {
  store::Database& db = Db(connection);
  if (auto denied = Require(context.actor, Permission::kManageUsers); !denied.ok())
    return denied.error();
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
    RecordAudit(db, context, "user.add", "user:" + r.login, {}, StateOf(row));
    tx.Commit();
    return ViewOf(row);
  });
}

Result<UserView> ChangeRole(Connection& connection, const Context& context, const UserRequest& r) {
  store::Database& db = Db(connection);
  if (auto denied = Require(context.actor, Permission::kManageUsers); !denied.ok())
    return denied.error();
  return store::RunTransaction(db, [&](store::Transaction& tx) -> Result<UserView> {
    db.LockKey("user:" + r.login);  // one change of a user at a time
    auto row = Existing(db, r.login);
    if (!row.ok()) return row.error();
    auto role = CheckRole(db, r, RequestDate(db, context));
    if (!role.ok()) return role.error();
    store::UpdateUserRole(db, row.value().id, r.role, role.value().first, role.value().second);
    store::DeleteSessionsOf(db, row.value().id);  // signed in again, in the new role
    const auto after = *store::FindUser(db, r.login);
    RecordAudit(db, context, "user.role", "user:" + r.login, StateOf(row.value()), StateOf(after));
    tx.Commit();
    return ViewOf(after);
  });
}

Result<UserView> ResetPassword(Connection& connection, const Context& context,
                               const std::string& login, const std::string& password) {
  store::Database& db = Db(connection);
  if (auto denied = Require(context.actor, Permission::kManageUsers); !denied.ok())
    return denied.error();
  if (auto bad = CheckNewPassword(login, password)) return *bad;
  const std::string hash = Hash(password);
  return store::RunTransaction(db, [&](store::Transaction& tx) -> Result<UserView> {
    db.LockKey("user:" + login);  // one change of a user at a time
    auto row = Existing(db, login);
    if (!row.ok()) return row.error();
    store::UpdateUserPassword(db, row.value().id, hash, RequestDate(db, context));
    store::DeleteSessionsOf(db, row.value().id);
    store::ClearFailures(db, login);  // a locked-out user can sign in with the new password
    const auto after = *store::FindUser(db, login);
    RecordAudit(db, context, "user.reset_password", "user:" + login, StateOf(row.value()),
                StateOf(after));
    tx.Commit();
    return ViewOf(after);
  });
}

Result<UserView> DisableUser(Connection& connection, const Context& context,
                             const std::string& login) {
  store::Database& db = Db(connection);
  if (auto denied = Require(context.actor, Permission::kManageUsers); !denied.ok())
    return denied.error();
  return store::RunTransaction(db, [&](store::Transaction& tx) -> Result<UserView> {
    db.LockKey("user:" + login);  // one change of a user at a time
    auto row = Existing(db, login);
    if (!row.ok()) return row.error();
    store::DisableUser(db, row.value().id, RequestDate(db, context));
    store::DeleteSessionsOf(db, row.value().id);  // signed out everywhere at once
    const auto after = *store::FindUser(db, login);
    RecordAudit(db, context, "user.disable", "user:" + login, StateOf(row.value()), StateOf(after));
    tx.Commit();
    return ViewOf(after);
  });
}

Result<std::vector<UserView>> ListUsers(Connection& connection, const Context& context) {
  if (auto denied = Require(context.actor, Permission::kManageUsers); !denied.ok())
    return denied.error();
  std::vector<UserView> out;
  for (const auto& r : store::ListUsers(Db(connection))) out.push_back(ViewOf(r));
  return out;
}

namespace {

// Whether `password` is the row's (an unknown user's answer takes as long as
// a known one's: a hash of the same cost is checked anyway).
bool Verifies(const std::optional<store::UserRow>& row, const std::string& password) {
  static const std::string dummy = Hash("tdcs-no-such-user-password");
  return crypto_pwhash_str_verify(row ? row->password_hash.c_str() : dummy.c_str(), password.data(),
                                  password.size()) == 0 &&
         row.has_value();
}

std::string RandomHex(size_t bytes) {
  static const bool ready = sodium_init() >= 0;
  TDCS_CHECK_MSG(ready, "libsodium could not be initialised");
  std::vector<unsigned char> raw(bytes);
  randombytes_buf(raw.data(), raw.size());
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), raw.data(), raw.size());
  hex.pop_back();
  return hex;
}

std::string TokenHash(const std::string& token) {
  unsigned char hash[32];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  std::string hex(65, '\0');
  sodium_bin2hex(hex.data(), hex.size(), hash, sizeof hash);
  hex.pop_back();
  return hex;
}

constexpr int64_t kMinute = 60'000'000;

Error SignInFailed() {
  return MakeError(SignInRejection::kSignInFailed, "password", "Sai tên đăng nhập hoặc mật khẩu",
                   "Wrong login or password");
}

Error SessionInvalid() {
  return MakeError(SignInRejection::kSessionInvalid, "session",
                   "Phiên làm việc không hợp lệ hoặc đã hết hạn: hãy đăng nhập lại",
                   "The session is invalid or has expired: sign in again");
}

}  // namespace

namespace {

Error LockedError(int64_t locked_until, int64_t now) {
  const int64_t minutes = (locked_until - now + kMinute - 1) / kMinute;
  return MakeError(
      SignInRejection::kSignInLocked, "login",
      "Đăng nhập sai quá nhiều lần: hãy thử lại sau " + std::to_string(minutes) + " phút",
      "Too many failed sign-ins: try again in " + std::to_string(minutes) + " minutes");
}

// Counts an attempt against `key` before its password is checked (so that
// attempts at once cannot pass the limit together): nullopt, or the refusal
// of a key locked now. In the caller's transaction.
std::optional<Error> CountAttempt(store::Database& db, const std::string& key, int64_t now,
                                  int64_t most) {
  auto f = store::FailuresOf(db, key);
  if (f.locked_until > now) return LockedError(f.locked_until, now);
  if (now - f.last_failure_at > kFailureWindowMinutes * kMinute) f.failures = 0;
  ++f.failures;
  f.last_failure_at = now;
  if (f.failures >= most) {
    f.locked_until = now + kLockoutMinutes * kMinute;
    f.failures = 0;
  }
  store::WriteFailures(db, key, f);
  return std::nullopt;
}

}  // namespace

Result<SignedIn> SignIn(Connection& connection, const Context& context, const std::string& login,
                        const std::string& password) {
  store::Database& db = Db(connection);
  const int64_t now = context.now_micros;
  TDCS_CHECK_MSG(now > 0, "SignIn needs the request's time");
  // A login that cannot be anybody's is refused at once: nothing to count,
  // nothing to hash, nothing typed by mistake (a password) stored.
  if (!ValidLogin(login) || password.size() > 1024) return SignInFailed();
  // Each attempt is counted before its password is checked, against the
  // login and the address it comes from (so that attempts sent at once
  // cannot pass either limit together), and a success takes it back from
  // both (an office behind one address signs in all morning).
  const std::string address = "address:" + context.origin;
  auto counted = store::RunTransaction(db, [&](store::Transaction& tx) -> std::optional<Error> {
    db.LockKey("sign-in:" + login);
    db.LockKey("sign-in:" + address);
    auto refused = CountAttempt(db, address, now, kFailuresFromAddress);
    if (!refused) refused = CountAttempt(db, login, now, kFailuresBeforeLockout);
    if (refused) return refused;
    tx.Commit();
    return std::nullopt;
  });
  if (counted) return *counted;
  const auto row = store::FindUser(db, login);
  // Slow by design, outside any transaction.
  const bool verified = Verifies(row, password) && !row->disabled_on;
  return store::RunTransaction(db, [&](store::Transaction& tx) -> Result<SignedIn> {
    if (!verified) {
      const bool locked = store::FailuresOf(db, login).locked_until > now;
      RecordAudit(db, context, "auth.sign_in", "user:" + login, {},
                  AuditState().Add("result", locked ? "locked" : "failed"));
      tx.Commit();
      return SignInFailed();
    }
    db.LockKey("sign-in:" + login);
    db.LockKey("sign-in:" + address);
    // (A lock set meanwhile by other attempts stays.)
    if (store::FailuresOf(db, login).locked_until <= now) store::ClearFailures(db, login);
    if (auto a = store::FailuresOf(db, address); a.failures > 0 && a.locked_until <= now) {
      --a.failures;  // a success takes its attempt back from the address too
      store::WriteFailures(db, address, a);
    }
    store::DeleteSessionsExpiredBefore(db, now - 24 * 60 * kMinute);
    SignedIn out{RandomHex(32), RandomHex(32), now + kSessionHours * 60 * kMinute, ViewOf(*row)};
    store::AddSession(db, {TokenHash(out.token), row->id, out.csrf_token, now, out.expires_micros,
                           context.origin});
    Context as_user = context;
    as_user.actor = {row->login, row->role, row->scope, row->association_code};
    AuditState after;
    after.Add("result", "signed_in").Add("expires_at", out.expires_micros);
    RecordAudit(db, as_user, "auth.sign_in", "user:" + row->login, {}, after);
    tx.Commit();
    return out;
  });
}

Result<SessionInfo> ResumeSession(Connection& connection, const Context& context,
                                  const std::string& token) {
  if (token.size() != 64) return SessionInvalid();
  const auto found = store::FindSession(Db(connection), TokenHash(token));
  if (!found) return SessionInvalid();
  const auto& [session, user] = *found;
  if (session.expires_at <= context.now_micros || user.disabled_on) return SessionInvalid();
  return SessionInfo{{user.login, user.role, user.scope, user.association_code},
                     session.csrf_token,
                     session.expires_at};
}

void SignOut(Connection& connection, const Context& context, const std::string& token) {
  store::Database& db = Db(connection);
  if (token.size() != 64) return;
  store::RunTransaction(db, [&](store::Transaction& tx) {
    const std::string hash = TokenHash(token);
    if (!store::FindSession(db, hash)) return;
    store::DeleteSession(db, hash);
    RecordAudit(db, context, "auth.sign_out", "user:" + context.actor.login, {}, {});
    tx.Commit();
  });
}

Result<UserView> ChangeOwnPassword(Connection& connection, const Context& context,
                                   const std::string& current, const std::string& password) {
  store::Database& db = Db(connection);
  const std::string& login = context.actor.login;
  TDCS_CHECK_MSG(context.now_micros > 0, "ChangeOwnPassword needs the request's time");
  // The current password's guesses count as sign-ins do: a session left
  // open does not let anyone try passwords without end.
  auto counted = store::RunTransaction(db, [&](store::Transaction& tx) -> std::optional<Error> {
    db.LockKey("sign-in:" + login);
    auto refused = CountAttempt(db, login, context.now_micros, kFailuresBeforeLockout);
    if (refused) return refused;
    tx.Commit();
    return std::nullopt;
  });
  if (counted) return *counted;
  const auto row = store::FindUser(db, login);
  if (current.size() > 1024 || !Verifies(row, current) || row->disabled_on)
    return MakeError(SignInRejection::kCurrentPasswordWrong, "current_password",
                     "Mật khẩu hiện tại không đúng", "The current password is wrong");
  if (auto bad = CheckNewPassword(login, password)) return *bad;
  const std::string hash = Hash(password);
  return store::RunTransaction(db, [&](store::Transaction& tx) -> Result<UserView> {
    db.LockKey("user:" + login);
    store::UpdateUserPassword(db, row->id, hash, RequestDate(db, context));
    store::ClearFailures(db, login);
    // Every session of the user ends, this one too: sign in with the new password.
    store::DeleteSessionsOf(db, row->id);
    const auto after = *store::FindUser(db, login);
    RecordAudit(db, context, "user.change_password", "user:" + login, StateOf(*row),
                StateOf(after));
    tx.Commit();
    return ViewOf(after);
  });
}

bool CheckPassword(Connection& connection, const std::string& login, const std::string& password) {
  const auto row = store::FindUser(Db(connection), login);
  return Verifies(row, password) && !row->disabled_on;
}

}  // namespace tdcs::app
