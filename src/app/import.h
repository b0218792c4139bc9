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
#include <set>
#include <string>
#include <vector>

#include "app/connection.h"
#include "app/context.h"
#include "base/date.h"
#include "base/result.h"

namespace tdcs::app {

enum class ImportKind { kNetwork, kGroups, kBorrowers, kMemberships, kLoans };
std::optional<ImportKind> ParseImportKind(std::string_view text);
std::string_view ImportKindKey(ImportKind kind);  // "network", "groups", …
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

// Everything an import reports, per row or for the whole file (line 1: the
// header; 0: the file), in the order the checks run.
enum class ImportRejection {
  kCsvEmpty,                     // no header row
  kCsvColumnMissing,             // a column of the format is missing from the header
  kCsvColumnUnknown,             // the header has a column the format does not know
  kCsvColumnRepeated,            // the header names a column twice
  kCsvSeparatorSemicolon,        // the file is separated by ';' (Excel in a Vietnamese locale)
  kImportTooLarge,               // more than kImportRowsMax data rows
  kCsvFieldCount,                // a row has more or fewer fields than the header
  kTextNotUtf8,                  // a field is not valid UTF-8
  kCsvMalformed,                 // broken quoting, or a field over 64 KiB
  kFileAlreadyImported,          // the same bytes were imported before
  kDatedBeforeReform,            // a row dated before the move onto the 2025 structure
  kNetworkKindUnknown,           // not branch, seat, office, point or village
  kCodeFormat,                   // network::RecordRejection: a code of the wrong shape
  kNameRequired,                 // network::RecordRejection: an empty name
  kNameTooLong,                  // network::RecordRejection: a name over 200 bytes
  kDateFormat,                   // network::RecordRejection: not a date
  kSessionDayRange,              // network::RecordRejection: a session day outside 1–31
  kCategoryUnknown,              // network::RecordRejection: a category not in the catalog
  kCitizenIdFormat,              // network::RecordRejection: not 12 digits
  kCitizenIdProvinceUnknown,     // network::RecordRejection: digits 1–3
  kCitizenIdCenturySexMismatch,  // network::RecordRejection: digit 4
  kCitizenIdBirthYearMismatch,   // network::RecordRejection: digits 5–6
  kTextControlCharacter,         // network::RecordRejection: control or bidi characters
  kTextFormulaLike,              // network::RecordRejection: a leading = + - @
  kAddressTooLong,               // network::RecordRejection: an address over 500 bytes
  kDateOutOfRange,               // network::RecordRejection: a year outside 1900–2100
  kCodeDuplicate,                // the code exists already, in the database or the file
  kProvinceUnknown,              // no such province in the structure in force on the date
  kBranchUnknown,                // no such branch
  kOfficeUnknown,                // no such office
  kUnitNotOpen,                  // the referenced unit is not open on the row's date
  kCommuneUnknown,               // no such commune in the structure in force on the date
  kAssociationUnknown,           // not farmers, women, veterans or youth (or 11–14)
  kPointUnknown,                 // no such commune point
  kVillageUnknown,               // no such village
  kBirthDateInvalid,             // a birth year before 1900
  kSexInvalid,                   // not male or female
  kRoleInvalid,                  // not member, leader or deputy
  kBorrowerUnderage,             // the representative is under 18 on the date
  kCitizenIdDuplicate,           // the citizen ID belongs to another borrower
  kGroupUnknown,                 // no such group
  kMembershipActionInvalid,      // not join or leave
  kBorrowerUnknown,              // no such borrower
  kMembershipBeforeBorrower,     // a join dated before the borrower was recorded
  kMembershipNotFound,           // a leave for a membership not open before the date
  kMembershipOverlap,            // the borrower would be in two groups at once
  kGroupFull,                    // more than network::kGroupMembersMax members on some day
  kGroupRoleTaken,               // two leaders (or two deputies) at once
  kVersionNotAfterCurrent,       // --update: a change dated on or before the version in force began
  kBorrowerIdentityChanged,      // --update: another citizen ID, birth date or sex
  kMembershipChangeNeedsMembershipsFile,  // --update: another group or role
  kUpdateNotApplicable,                   // --update with memberships or loans
  kUnitHasOpenLoans,       // --update: a point's office or session day, or a group's point, moved
                           // while loans are open there
  kAmountFormat,           // loans: not whole đồng within kAmountMaxDong
  kMonthsInvalid,          // loans: months (or a fund source) not a whole number in range
  kInterestChargeInvalid,  // loans: not collection or month_end
  kBalanceDateAfterBusinessDate,  // loans: balance_on after the business date
  kBalanceDateTooOld,             // loans: balance_on more than 31 days before the business date
  kBusinessDateMissing,           // loans: no business date yet (tdcs close --to first)
  kLoanCodeFormat,                // loans: a malformed loan number
  kLoanCodeDuplicate,             // loans: the loan number exists already
  kProgramUnknown,                // loans: no such program
  kProgramNotInForce,             // loans: the program is not in force on balance_on
  kFundSourceInvalid,             // loans: the fund source does not fund the program
  kBorrowerNotInGroup,            // loans: the borrower is in no group on balance_on
  kScheduleInvalid,               // loans: the installment interval or grace is invalid
  kOpeningBalanceInvalid,         // loans: loans::LoanRejection, the balance does not fit
  kOpeningNextDueInvalid,         // loans: loans::LoanRejection, next_due not in the schedule
  kFreezePeriodInvalid,           // loans: loans::LoanRejection, not whole months
};
std::string_view RejectionKey(ImportRejection code);
std::span<const RejectionEntry<ImportRejection>> RejectionTable(ImportRejection);

// Batch work (Permission::kOperate): FORBIDDEN at line 0 for anyone else.
// Recorded in the audit trail as import.KIND with the file's hash.
ImportReport Import(Connection& connection, const Context& context, ImportKind kind,
                    std::istream& in, const ProgressFn& progress = nullptr,
                    const ImportOptions& options = {});

// One borrower added (or, with `revise`, changed from valid_from, the
// version before ending that day) through the same checks and writes as a
// one-row borrowers file (the columns above), for a credit officer of the
// area (Permission::kLend). A new borrower joins group_code, which must be a
// group of the actor's area (else GROUP_UNKNOWN, as one that does not
// exist); a changed borrower must be of the area (else BORROWER_UNKNOWN).
// Recorded in the audit trail (borrower.add, borrower.edit), before and after.
struct BorrowerForm {
  std::string code, name, citizen_id, birth_date, sex, address, village_code, categories,
      group_code, role, valid_from;
  // A change: the columns it leaves out, which keep their value from the
  // version in force (a column given empty is cleared, if it may be).
  std::set<std::string, std::less<>> omitted;
};
struct BorrowerSaved {
  std::string code;
  Date valid_from;  // of the version written
  bool revised = false;
};
Result<BorrowerSaved> SaveBorrower(Connection& connection, const Context& context,
                                   const BorrowerForm& form, bool revise);

}  // namespace tdcs::app
