// tdcs reconcile … and tdcs inspect …: debt reconciliation (list 15/TD) and
// the associations' inspections (06/TD), RULES §8. The options are added to
// the command line by AddOversightCommands; RunOversightCommand runs the one
// given, if any.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace tdcs::cli {

struct OversightCommands;

// Adds `reconcile` and `inspect` to `app`; `add_db` adds the --db option to
// a subcommand. The returned object holds the parsed options.
std::shared_ptr<OversightCommands> AddOversightCommands(
    CLI::App& app, const std::function<void(CLI::App*)>& add_db);

// The exit status of the reconcile or inspect command parsed, or nullopt if
// neither was given. Storage faults are thrown (the caller prints them).
std::optional<int> RunOversightCommand(const OversightCommands& commands,
                                       const std::string& db_target);

}  // namespace tdcs::cli
