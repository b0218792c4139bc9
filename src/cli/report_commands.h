// tdcs report NAME …: the reports of docs/RULES.md §9 for any unit and date,
// as JSON, CSV, a workbook or a printable page. AddReportCommands adds the
// options to the command line; RunReportCommand runs the report given, if any.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace tdcs::cli {

struct ReportCommands;

std::shared_ptr<ReportCommands> AddReportCommands(CLI::App& app,
                                                  const std::function<void(CLI::App*)>& add_db);

// The exit status of the report command parsed, or nullopt if it was not given.
std::optional<int> RunReportCommand(const ReportCommands& commands, const std::string& db_target);

}  // namespace tdcs::cli
