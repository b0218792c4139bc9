#include "cli/user_commands.h"

#include <fmt/core.h>

#include <ctime>
#include <iostream>

#include "app/connection.h"
#include "app/users.h"
#include "cli/command_line.h"

namespace tdcs::cli {

struct UserCommands {
  CLI::App *user = nullptr, *add = nullptr, *role = nullptr, *reset = nullptr, *disable = nullptr,
           *list = nullptr;
  app::UserRequest request;
};

namespace {

// The operator at the console, on today's date (UTC).
app::Context ConsoleContext() {
  app::Context context = app::SystemContext();
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  context.on = Date::FromCivil(utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday);
  return context;
}

// The first line of standard input, without its line end.
std::string ReadPassword() {
  std::string line;
  std::getline(std::cin, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

void Print(const app::UserView& u) {
  fmt::print("{} — {} {}{}{}\n", u.login, u.role, u.scope,
             u.association.empty() ? "" : " (" + u.association + ")",
             u.disabled_on ? " — khóa/disabled " + u.disabled_on->ToVietnamese() : "");
}

int Run(const UserCommands& c, const std::string& db_target) {
  auto db = app::Connection::OpenInitialised(db_target);
  const app::Context context = ConsoleContext();
  Result<app::UserView> result = Error{};
  if (*c.list) {
    for (const auto& u : app::ListUsers(*db, context)) Print(u);
    return 0;
  }
  if (*c.add) {
    app::UserRequest r = c.request;
    r.password = ReadPassword();
    result = app::AddUser(*db, context, r);
  } else if (*c.role) {
    result = app::ChangeRole(*db, context, c.request);
  } else if (*c.reset) {
    result = app::ResetPassword(*db, context, c.request.login, ReadPassword());
  } else {
    result = app::DisableUser(*db, context, c.request.login);
  }
  if (!result.ok()) return Rejected(result.error());
  Print(result.value());
  return 0;
}

}  // namespace

std::shared_ptr<UserCommands> AddUserCommands(CLI::App& app,
                                              const std::function<void(CLI::App*)>& add_db) {
  auto c = std::make_shared<UserCommands>();
  c->user = app.add_subcommand("user", "Users and roles / người dùng và vai trò (RULES §14)");
  c->user->require_subcommand(1);
  c->add = c->user->add_subcommand(
      "add", "Add a user; the password is read from standard input / thêm người dùng");
  c->role = c->user->add_subcommand("role", "Change a user's role and scope / đổi vai trò");
  c->reset = c->user->add_subcommand(
      "reset-password", "Set a new password, read from standard input / đặt lại mật khẩu");
  c->disable = c->user->add_subcommand("disable", "Disable a user / khóa người dùng");
  c->list = c->user->add_subcommand("list", "List the users / danh sách người dùng");
  for (auto* sub : {c->add, c->role, c->reset, c->disable})
    sub->add_option("login", c->request.login, "the user's login")->required();
  for (auto* sub : {c->add, c->role}) {
    sub->add_option("--role", c->request.role,
                    "officer | director | association | leader | branch | head_office | board | "
                    "auditor | admin")
        ->required();
    sub->add_option("--scope", c->request.scope,
                    "a unit's code, or national (default for national roles)");
    sub->add_option("--association", c->request.association,
                    "an association officer's: farmers | women | veterans | youth");
  }
  for (auto* sub : {c->add, c->role, c->reset, c->disable, c->list}) add_db(sub);
  return c;
}

std::optional<int> RunUserCommand(const UserCommands& c, const std::string& db_target) {
  if (!*c.user) return std::nullopt;
  return Run(c, db_target);
}

}  // namespace tdcs::cli
