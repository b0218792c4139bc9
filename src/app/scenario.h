// Scenario files: a loan's story as dated actions and expected balances, run
// on a fresh in-memory database (`tdcs scenario run FILE`). The language is in
// docs/SCENARIOS.md. Every check prints one line; the run holds only if every
// check holds, every `fail` line was rejected, and the books verify at the end.
#pragma once

#include <ostream>
#include <string>

namespace tdcs::app {

struct ScenarioResult {
  int checks = 0;
  int failures = 0;
  bool ok() const { return failures == 0; }
};

// Runs the scenario text; `name` labels the output. Writes one line per check.
ScenarioResult RunScenario(const std::string& text, const std::string& name, std::ostream& out);

}  // namespace tdcs::app
