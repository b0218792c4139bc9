// The program catalog in the database: program (code, names) and
// program_version (effective-dated parameters). See programs/program.h.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/result.h"
#include "programs/program.h"
#include "store/db.h"

namespace tdcs::store {

// Inserts or replaces versions (keyed by program and valid_from) inside the
// caller's transaction.
void SaveProgramVersions(Database& db, const std::vector<programs::ProgramVersion>& versions);
// Every version of every program, by code, oldest first.
std::map<std::string, std::vector<programs::ProgramVersion>> ReadPrograms(Database& db);

// Parses the catalog CSV text (data/programs.csv format); every bad row is listed.
Result<std::vector<programs::ProgramVersion>> ParseProgramCatalog(std::string_view csv_text,
                                                                  std::vector<RowError>& errors);

}  // namespace tdcs::store
