#include "cli/user_commands.h"

#include <fmt/core.h>
#include <termios.h>
#include <unistd.h>

#include <ctime>
#include <iostream>

#include "app/approvals.h"
#include "app/audit.h"
#include "app/connection.h"
#include "app/users.h"
#include "cli/command_line.h"

namespace tdcs::cli {

struct UserCommands {
  CLI::App *user = nullptr, *add = nullptr, *role = nullptr, *reset = nullptr, *disable = nullptr,
           *list = nullptr;
  app::UserRequest request;
  // tdcs approval list|approve|reject
  CLI::App *approval = nullptr, *approval_list = nullptr, *approve = nullptr, *reject = nullptr;
  std::string status = "pending", reason;
  int64_t request_id = 0;
  // tdcs audit
  CLI::App* audit = nullptr;
  app::AuditQuery audit_query;
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

void AddOversightOfPeople(UserCommands& c, CLI::App& app,
                          const std::function<void(CLI::App*)>& add_db);

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
  AddOversightOfPeople(*c, app, add_db);
  return c;
}

namespace {

std::string Micros(int64_t micros) {
  const std::time_t seconds = static_cast<std::time_t>(micros / 1'000'000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char out[32];
  std::strftime(out, sizeof out, "%d/%m/%Y %H:%M:%S", &utc);
  return out;
}

void Print(const app::PendingRequest& r) {
  fmt::print("#{} {} {} {} {} đ{} — {} ({}) {}{}\n", r.id, r.status, r.kind, r.loan_code,
             r.amount.ToVietnamese(), r.months ? ", " + std::to_string(r.months) + " tháng" : "",
             r.maker, r.maker_role, Micros(r.made_at),
             r.checker.empty() ? ""
                               : " — " + r.checker + " " + Micros(r.decided_at) +
                                     (r.decision_reason.empty() ? "" : ": " + r.decision_reason));
}

int RunApproval(const UserCommands& c, const std::string& db_target) {
  auto db = app::Connection::OpenInitialised(db_target);
  const app::Context context = cli::OperatorContext();
  if (*c.approval_list) {
    auto list = app::ListRequests(*db, context, c.status == "all" ? "" : c.status);
    if (!list.ok()) return Rejected(list.error());
    for (const auto& r : list.value()) Print(r);
    if (list.value().empty()) fmt::print("Không có yêu cầu / no requests\n");
    return 0;
  }
  auto decided = app::DecideRequest(*db, context, c.request_id, c.approve->parsed(), c.reason);
  if (!decided.ok()) return Rejected(decided.error());
  Print(decided.value());
  return 0;
}

int RunAudit(const UserCommands& c, const std::string& db_target) {
  auto db = app::Connection::OpenInitialised(db_target);
  auto records = app::ReadAudit(*db, cli::OperatorContext(), c.audit_query);
  if (!records.ok()) return Rejected(records.error());
  for (const auto& r : records.value())
    fmt::print("{} {} {} ({} {}) {} {} {}\n    trước/before {}\n    sau/after {}\n", r.seq,
               Micros(r.at_micros), r.actor, r.role, r.scope, r.origin, r.action, r.subject,
               r.before.empty() ? "-" : r.before, r.after.empty() ? "-" : r.after);
  return 0;
}

}  // namespace

void AddOversightOfPeople(UserCommands& c, CLI::App& app,
                          const std::function<void(CLI::App*)>& add_db) {
  c.approval = app.add_subcommand(
      "approval", "Requests waiting for a second person / yêu cầu chờ phê duyệt (RULES §14.4)");
  c.approval->require_subcommand(1);
  c.approval_list = c.approval->add_subcommand("list", "the requests / danh sách yêu cầu");
  c.approval_list->add_option("--status", c.status, "pending (default) | approved | rejected | all")
      ->check(CLI::IsMember({"pending", "approved", "rejected", "all"}));
  c.approve = c.approval->add_subcommand("approve", "approve: the action posts / phê duyệt");
  c.reject = c.approval->add_subcommand("reject", "reject, with a reason / từ chối");
  for (auto* sub : {c.approve, c.reject}) {
    sub->add_option("id", c.request_id, "the request's number")
        ->required()
        ->check(CLI::PositiveNumber);
    sub->add_option("--reason", c.reason, "why (required to reject)");
  }
  c.audit =
      app.add_subcommand("audit", "The audit trail, newest first / nhật ký kiểm toán (RULES §15)");
  c.audit->add_option("--actor", c.audit_query.actor, "a login (os:USER for the command line)");
  c.audit->add_option("--action", c.audit_query.action,
                      "an action or its prefix: loan, loan.pay, user");
  c.audit->add_option("--subject", c.audit_query.subject, "loan:CODE, borrower:CODE, user:LOGIN");
  c.audit->add_option("--before", c.audit_query.before_seq, "records older than this position");
  c.audit->add_option("--limit", c.audit_query.limit, "1–1000 (default 100)")
      ->check(CLI::Range(1, 1000));
  for (auto* sub : {c.approval_list, c.approve, c.reject, c.audit}) add_db(sub);
}

std::optional<int> RunUserCommand(const UserCommands& c, const std::string& db_target) {
  if (*c.user) return Run(c, db_target);
  if (*c.approval) return RunApproval(c, db_target);
  if (*c.audit) return RunAudit(c, db_target);
  return std::nullopt;
}

}  // namespace tdcs::cli
