// What a loan achieves for the households it reaches, recorded on its
// application (RULES §9.9): jobs created, clean-water and sanitation works
// built, students financed, houses built, people released from prison
// helped back into work. A program's own outcome follows from its catalog
// row: a limit per worker (jobs), per work (water works), per month of
// study (students), or its households' category (social housing: houses;
// people released from prison). Pure.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "programs/program.h"

namespace tdcs::programs {

inline constexpr std::array<std::string_view, 5> kOutcomeKinds = {"jobs", "water_works", "students",
                                                                  "houses", "released_prisoners"};
// "việc làm", "công trình nước sạch và vệ sinh", …
std::string_view OutcomeNameVi(std::string_view kind);

// kind → count.
using OutcomeCounts = std::map<std::string, int>;

// The program's own outcome kind ("" when it has none).
std::string OwnOutcome(const ProgramVersion& version);
// What an application that states nothing records: one of the program's
// own outcome (a loan for water works: one work), or nothing.
OutcomeCounts DefaultOutcomes(const ProgramVersion& version);
// Why `kind` × `count` cannot be recorded on a loan of the program
// (Vietnamese, English), or nullopt: a kind not in kOutcomeKinds, a count
// outside its range (jobs 1–1,000; water works 1–2, the program's most per
// household; students 1–10; a house and a person released from prison 1), or
// a kind that is neither jobs (any loan may create them) nor the program's own.
std::optional<std::pair<std::string, std::string>> OutcomeProblem(const ProgramVersion& version,
                                                                  const std::string& kind,
                                                                  int count);

}  // namespace tdcs::programs
