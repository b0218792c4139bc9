// Scenario files: a loan's story as dated actions and expected balances, run
// on a fresh database (`tdcs scenario run FILE`: in memory by default, or a
// scratch PostgreSQL database). The runner is a face like the command line:
// it reaches the books only through the use cases of src/app, and builds its
// network through the same imports as a bank's files. The language is in
// docs/SCENARIOS.md. Every check prints one line; the run holds only if every
// check holds, every `fail` line was rejected, and the books verify at the end.
#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "app/connection.h"

namespace tdcs::scenario {

struct ScenarioResult {
  int checks = 0;
  int failures = 0;
  bool ok() const { return failures == 0; }
};

// Runs the scenario text; `name` labels the output. Writes one line per check.
// `open` gives the fresh, empty database each scenario runs on (default: an
// in-memory SQLite database); the runner initialises it.
using OpenDatabase = std::function<std::unique_ptr<app::Connection>()>;
ScenarioResult RunScenario(const std::string& text, const std::string& name, std::ostream& out,
                           const OpenDatabase& open = nullptr);

}  // namespace tdcs::scenario
