#include "cli/user_commands.h"

#include <fmt/core.h>
#include <termios.h>
#include <unistd.h>

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

std::optional<std::string> ReadPassword() {
  const auto line = [] {
    std::string text;
    std::getline(std::cin, text);
    if (!text.empty() && text.back() == '\r') text.pop_back();
    return text;
  };
  if (!isatty(STDIN_FILENO)) return line();
  termios saved{};
  tcgetattr(STDIN_FILENO, &saved);
  termios quiet = saved;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  fmt::print(stderr, "Mật khẩu / password: ");
  const std::string first = line();
  fmt::print(stderr, "\nNhắc lại / again: ");
  const std::string second = line();
  fmt::print(stderr, "\n");
  tcsetattr(STDIN_FILENO, TCSANOW, &saved);
  if (first != second) {
    fmt::print(stderr, "Hai lần nhập khác nhau / the two entries differ\n");
    return std::nullopt;
  }
  return first;
}

namespace {

void Print(const app::UserView& u) {
  fmt::print("{} — {} {}{}{}\n", u.login, u.role, u.scope,
             u.association.empty() ? "" : " (" + u.association + ")",
             u.disabled_on ? " — khóa/disabled " + u.disabled_on->ToVietnamese() : "");
}

int Run(const UserCommands& c, const std::string& db_target) {
  auto db = app::Connection::OpenInitialised(db_target);
  // The operator at the console, on the business date.
  const app::Context context = cli::OperatorContext();
  Result<app::UserView> result = Error{};
  if (*c.list) {
    auto users = app::ListUsers(*db, context);
    if (!users.ok()) return Rejected(users.error());
    for (const auto& u : users.value()) Print(u);
    return 0;
  }
  if (*c.add || *c.reset) {
    const auto password = ReadPassword();
    if (!password) return kExitRejected;
    if (*c.add) {
      app::UserRequest r = c.request;
      r.password = *password;
      result = app::AddUser(*db, context, r);
    } else {
      result = app::ResetPassword(*db, context, c.request.login, *password);
    }
  } else if (*c.role) {
    result = app::ChangeRole(*db, context, c.request);
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
