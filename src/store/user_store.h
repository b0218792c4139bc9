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
