// The program catalog in the database: program (code, names) and
// program_version (effective-dated parameters). See programs/program.h.
#pragma once

#include <map>
#include <optional>
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

// ParseProgramCatalog's rejection; each bad row's own (programs::ProgramRowRejection)
// is listed in `errors`.
enum class CatalogRejection {
  kImportRejected,  // some row of the catalog is bad
};
std::string_view RejectionKey(CatalogRejection code);
std::span<const RejectionEntry<CatalogRejection>> RejectionTable(CatalogRejection);

// Parses the catalog CSV text (data/programs.csv format); every bad row is listed.
Result<std::vector<programs::ProgramVersion>> ParseProgramCatalog(std::string_view csv_text,
                                                                  std::vector<RowError>& errors);

// Dated settings (table `setting`): the value in force on a date, if any.
std::optional<std::string> SettingOn(Database& db, const std::string& name, Date on);
void SaveSetting(Database& db, const std::string& name, Date from, const std::string& value);

// The chart of accounts (data/chart_of_accounts.csv) into ledger_account.
int LoadChartOfAccounts(Database& db);

}  // namespace tdcs::store
