// tdcs user add|role|reset-password|disable|list: the people who use TDCS
// (RULES §14); tdcs approval list|approve|reject: the requests waiting for a
// second person (§14.4); tdcs audit: the audit trail (§15). A password is read from standard input
// (its first line), never from the command line.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace tdcs::cli {

struct UserCommands;

std::shared_ptr<UserCommands> AddUserCommands(CLI::App& app,
                                              const std::function<void(CLI::App*)>& add_db);
// A password from standard input: its first line; at a terminal asked for
// twice without echo (nullopt when the two differ).
std::optional<std::string> ReadPassword();

// The exit status of the user command parsed, or nullopt if none was given.
std::optional<int> RunUserCommand(const UserCommands& commands, const std::string& db_target);

}  // namespace tdcs::cli
