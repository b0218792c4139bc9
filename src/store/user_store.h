// The users' table (migration 0021): rows in, rows out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/date.h"
#include "store/db.h"

namespace tdcs::store {

struct UserRow {
  int64_t id = 0;
  std::string login, password_hash, role, scope;
  int association_code = 0;
  Date created_on, password_set_on;
  std::optional<Date> disabled_on;
};

void AddUser(Database& db, UserRow& row);  // assigns row.id
std::optional<UserRow> FindUser(Database& db, const std::string& login);
std::vector<UserRow> ListUsers(Database& db);
void UpdateUserRole(Database& db, int64_t id, const std::string& role, const std::string& scope,
                    int association_code);
void UpdateUserPassword(Database& db, int64_t id, const std::string& hash, Date on);
void DisableUser(Database& db, int64_t id, Date on);

}  // namespace tdcs::store

namespace tdcs::store {

// Signed-in sessions (migration 0022), found by the hash of their token.
struct SessionRow {
  std::string token_hash;
  int64_t user_id = 0;
  std::string csrf_token;
  int64_t created_at = 0, expires_at = 0;  // microseconds since the Unix epoch
  std::string origin;
};
void AddSession(Database& db, const SessionRow& row);
// The session and its user.
std::optional<std::pair<SessionRow, UserRow>> FindSession(Database& db,
                                                          const std::string& token_hash);
void DeleteSession(Database& db, const std::string& token_hash);
void DeleteSessionsOf(Database& db, int64_t user_id);
// Sessions expired before `now` (kept for a day after, then removed).
void DeleteSessionsExpiredBefore(Database& db, int64_t now);

// Failed sign-ins of a login (known or not).
struct SignInFailures {
  int64_t failures = 0, last_failure_at = 0, locked_until = 0;
};
SignInFailures FailuresOf(Database& db, const std::string& login);
void WriteFailures(Database& db, const std::string& login, const SignInFailures& f);
void ClearFailures(Database& db, const std::string& login);

}  // namespace tdcs::store
