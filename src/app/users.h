// The people who use TDCS (RULES §14): their logins, roles and areas, and
// their passwords, hashed with Argon2id (libsodium). Managed by an
// administrator from the command line (`tdcs user add|role|disable|
// reset-password|list`); the HTTP sign-in checks passwords with
// CheckPassword.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "app/connection.h"
#include "app/context.h"
#include "base/date.h"
#include "base/result.h"

namespace tdcs::app {

enum class UserRejection {
  kLoginInvalid,     // not 3–64 lowercase letters, digits, '.', '_' or '-'
  kUserExists,       // the login is taken (a disabled user's too: logins are never reused)
  kUserUnknown,      // no user with the login
  kRoleUnknown,      // not one of the roles
  kScopeInvalid,     // not a unit of the kind the role acts in (or not open today)
  kPasswordInvalid,  // shorter than 10 or longer than 128 bytes, or the login itself
  kUserDisabled,     // the user is disabled: nothing more is changed
};
std::string_view RejectionKey(UserRejection code);
std::span<const RejectionEntry<UserRejection>> RejectionTable(UserRejection);

// The roles (docs/RULES.md §14) and the kind of unit each acts in.
struct RoleInfo {
  std::string_view key;  // officer, director, association, leader, branch, …
  std::string_view name_vi;
  std::string_view scope_kind;  // office | group | branch | any | national
};
std::span<const RoleInfo> Roles();

struct UserRequest {
  std::string login, role, scope, association, password;
};
struct UserView {
  std::string login, role, scope, association;
  Date created_on, password_set_on;
  std::optional<Date> disabled_on;
};

Result<UserView> AddUser(Connection& connection, const Context& context, const UserRequest& r);
// A new role and scope (and association) for an enabled user.
Result<UserView> ChangeRole(Connection& connection, const Context& context, const UserRequest& r);
Result<UserView> ResetPassword(Connection& connection, const Context& context,
                               const std::string& login, const std::string& password);
Result<UserView> DisableUser(Connection& connection, const Context& context,
                             const std::string& login);
Result<std::vector<UserView>> ListUsers(Connection& connection, const Context& context);
// Signing in over HTTP (RULES §14.3). A session is a random token (256 bits)
// the face keeps in a cookie, valid for kSessionHours; writes must repeat its
// CSRF token. Every attempt is counted before its password is checked; five
// within kFailureWindowMinutes (a success takes the login's back) lock the
// login for kLockoutMinutes, known or not (the answer never says whether a
// login exists), and kFailuresFromAddress lock the address the same way.
inline constexpr int64_t kSessionHours = 12;
inline constexpr int kFailuresBeforeLockout = 5;
inline constexpr int64_t kFailureWindowMinutes = 15;
inline constexpr int64_t kLockoutMinutes = 15;
// Failed sign-ins from one address (any logins) within the window that lock
// the address out for kLockoutMinutes.
inline constexpr int kFailuresFromAddress = 100;

enum class SignInRejection {
  kSignInFailed,          // wrong login or password, or a disabled user (401)
  kSignInLocked,          // too many failures: locked for a while (429)
  kSessionInvalid,        // no session, an unknown, forged or expired token, a disabled user (401)
  kCsrfInvalid,           // a write without the session's CSRF token (403)
  kCurrentPasswordWrong,  // ChangeOwnPassword: the current password is not the user's (403)
};
std::string_view RejectionKey(SignInRejection code);
std::span<const RejectionEntry<SignInRejection>> RejectionTable(SignInRejection);

struct SignedIn {
  std::string token, csrf_token;
  int64_t expires_micros = 0;
  UserView user;
};
// context.now_micros must be set (the face's clock).
Result<SignedIn> SignIn(Connection& connection, const Context& context, const std::string& login,
                        const std::string& password);
// The signed-in session of `token`: the actor it acts as, its CSRF token.
struct SessionInfo {
  Actor actor;
  std::string csrf_token;
  int64_t expires_micros = 0;
};
Result<SessionInfo> ResumeSession(Connection& connection, const Context& context,
                                  const std::string& token);
// Ends the session (nothing when there is none).
void SignOut(Connection& connection, const Context& context, const std::string& token);
// The signed-in user's own password: the current one, then the new one.
Result<UserView> ChangeOwnPassword(Connection& connection, const Context& context,
                                   const std::string& current, const std::string& password);

// Whether the password is the enabled user's (false for an unknown or
// disabled user, without saying which).
bool CheckPassword(Connection& connection, const std::string& login, const std::string& password);

}  // namespace tdcs::app
