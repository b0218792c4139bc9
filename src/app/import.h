// Importing the network, groups, borrowers and memberships from CSV files.
//
// All or nothing: every row is checked first (formats, references to units in
// the database or earlier in the same file, citizen ID consistency, group
// capacity, one group at a time per borrower, one leader and one deputy at a
// time); if any row is bad, the report lists every bad row and field in
// Vietnamese and English and nothing is written. Otherwise all rows are
// written in one transaction. Files: UTF-8 (names are stored NFC), one header
// row naming the columns (any order); formats in docs/IMPORT.md:
//
//   network:     kind,code,name,parent_code,area_code,session_day,valid_from
//                kind = branch (area_code: province) | seat | office (parent: branch)
//                       | point (parent: office or seat, area_code: commune, session_day)
//                       | village (area_code: commune; code 8 digits)
//   groups:      code,name,point_code,village_code,association,valid_from
//   borrowers:   code,name,citizen_id,birth_date,sex,address,village_code,categories,
//                group_code,role,valid_from
//   memberships: action,borrower_code,group_code,role,valid_from
//                action = join (a new membership from valid_from) | leave (ends the
//                borrower's membership of group_code on valid_from)
//
//   loans:       code,borrower_code,program,fund_source,approved_dong,term_months,
//                every_months,grace_months,interest_charge,disbursed_on,disbursed_dong,
//                balance_on,normal_dong,overdue_dong,frozen_dong,principal_due_dong,
//                interest_owed_dong,next_due,frozen_from,frozen_until
//                loans taken over from another system as opening balances on
//                balance_on (RULES §4.13); empty optional values: every_months the
//                program's, grace 0, interest_charge the setting, disbursed the
//                approved amount, balances 0, next_due the schedule's.
//
// Codes of provinces and communes are GSO codes of the structure in force on
// the row's valid_from (before 1 July 2025: legacy; from then: 2025).
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "app/connection.h"
#include "app/context.h"
#include "base/result.h"

namespace tdcs::app {

enum class ImportKind { kNetwork, kGroups, kBorrowers, kMemberships, kLoans };
std::optional<ImportKind> ParseImportKind(std::string_view text);
// The header of each kind, in the documented order (also the export order).
const std::vector<std::string>& ImportColumns(ImportKind kind);

inline constexpr int64_t kImportRowsMax = 2'000'000;

struct ImportReport {
  int64_t rows = 0;     // data rows read
  int64_t written = 0;  // rows written (0 when rejected)
  int64_t updated = 0;  // of them, rows that revised an existing unit or borrower
  std::vector<RowError> errors;
  std::vector<std::string> warnings;
  bool ok() const { return errors.empty(); }
};

// Called now and then with (rows done, rows total or 0 if unknown, phase).
using ProgressFn = std::function<void(int64_t, int64_t, const char*)>;

// `update` (tdcs import … --update): a row naming a unit or borrower that
// exists already is a change from its valid_from — a new version, the one
// before ending that day (history is kept) — instead of CODE_DUPLICATE. Its
// valid_from must be after the start of the version in force
// (VERSION_NOT_AFTER_CURRENT); a unit or borrower is changed once per file. A
// borrower's identity (citizen ID, birth date, sex) does not change
// (BORROWER_IDENTITY_CHANGED) and a move to another group or role is a
// memberships file (MEMBERSHIP_CHANGE_NEEDS_MEMBERSHIPS_FILE); an empty
// group_code keeps the membership. Not for memberships or loans.
struct ImportOptions {
  bool update = false;
};

ImportReport Import(Connection& connection, const Context& context, ImportKind kind,
                    std::istream& in, const ProgressFn& progress = nullptr,
                    const ImportOptions& options = {});

}  // namespace tdcs::app
