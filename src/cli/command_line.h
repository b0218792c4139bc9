// What the commands of the command line share: the exit status of a
// business rejection and how it is printed, and the check of a date option
// while parsing (so that a bad one is a usage error, exit 2, naming the
// option: CLI11 puts the option's name before the message).
#pragma once

#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <string>

#include "app/context.h"
#include "base/date.h"
#include "base/result.h"

namespace tdcs::cli {

inline constexpr int kExitRejected = 1;

// Prints a business rejection and gives the exit status for it.
inline int Rejected(const Error& error) {
  fmt::print(stderr, "{}\n", error.ToString());
  return kExitRejected;
}

// The command line acts as the operator at the console: the operating
// system's user ("os:LOGIN"), an administrator over the whole bank, from
// this host; the audit trail names them so.
app::Context OperatorContext();

inline CLI::Validator IsDate() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        if (Date::Parse(text)) return {};
        return "ngày không hợp lệ / not a date (YYYY-MM-DD): '" + text + "'";
      },
      "DATE");
}

}  // namespace tdcs::cli
