// Import: parse → check every row → write all in one transaction, or nothing.
// See import.h for the file formats.
#include "app/import.h"

#include <algorithm>
#include <functional>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "app/access.h"
#include "app/internal/access.h"
#include "app/internal/audit.h"
#include "app/internal/import_loans.h"
#include "app/internal/import_rows.h"
#include "app/internal/network_units.h"
#include "app/internal/scope.h"
#include "app/network_ops.h"
#include "base/csv.h"
#include "network/network.h"
#include "network/rules.h"
#include "store/admin_units.h"
#include "store/loan_store.h"
#include "store/network_store.h"
#include "store/partition.h"
#include "text/text.h"

namespace tdcs::app {

// The wire string of each rejection code (docs/API.md "Error codes").
#define TDCS_IMPORT_REJECTIONS(X)                                                      \
  X(kCsvEmpty, "CSV_EMPTY")                                                            \
  X(kCsvColumnMissing, "CSV_COLUMN_MISSING")                                           \
  X(kCsvColumnUnknown, "CSV_COLUMN_UNKNOWN")                                           \
  X(kCsvColumnRepeated, "CSV_COLUMN_REPEATED")                                         \
  X(kCsvSeparatorSemicolon, "CSV_SEPARATOR_SEMICOLON")                                 \
  X(kImportTooLarge, "IMPORT_TOO_LARGE")                                               \
  X(kCsvFieldCount, "CSV_FIELD_COUNT")                                                 \
  X(kTextNotUtf8, "TEXT_NOT_UTF8")                                                     \
  X(kCsvMalformed, "CSV_MALFORMED")                                                    \
  X(kFileAlreadyImported, "FILE_ALREADY_IMPORTED")                                     \
  X(kDatedBeforeReform, "DATED_BEFORE_REFORM")                                         \
  X(kNetworkKindUnknown, "NETWORK_KIND_UNKNOWN")                                       \
  X(kCodeFormat, "CODE_FORMAT")                                                        \
  X(kNameRequired, "NAME_REQUIRED")                                                    \
  X(kNameTooLong, "NAME_TOO_LONG")                                                     \
  X(kDateFormat, "DATE_FORMAT")                                                        \
  X(kSessionDayRange, "SESSION_DAY_RANGE")                                             \
  X(kCategoryUnknown, "CATEGORY_UNKNOWN")                                              \
  X(kCitizenIdFormat, "CITIZEN_ID_FORMAT")                                             \
  X(kCitizenIdProvinceUnknown, "CITIZEN_ID_PROVINCE_UNKNOWN")                          \
  X(kCitizenIdCenturySexMismatch, "CITIZEN_ID_CENTURY_SEX_MISMATCH")                   \
  X(kCitizenIdBirthYearMismatch, "CITIZEN_ID_BIRTH_YEAR_MISMATCH")                     \
  X(kTextControlCharacter, "TEXT_CONTROL_CHARACTER")                                   \
  X(kTextFormulaLike, "TEXT_FORMULA_LIKE")                                             \
  X(kAddressTooLong, "ADDRESS_TOO_LONG")                                               \
  X(kDateOutOfRange, "DATE_OUT_OF_RANGE")                                              \
  X(kCodeDuplicate, "CODE_DUPLICATE")                                                  \
  X(kProvinceUnknown, "PROVINCE_UNKNOWN")                                              \
  X(kBranchUnknown, "BRANCH_UNKNOWN")                                                  \
  X(kOfficeUnknown, "OFFICE_UNKNOWN")                                                  \
  X(kUnitNotOpen, "UNIT_NOT_OPEN")                                                     \
  X(kCommuneUnknown, "COMMUNE_UNKNOWN")                                                \
  X(kAssociationUnknown, "ASSOCIATION_UNKNOWN")                                        \
  X(kPointUnknown, "POINT_UNKNOWN")                                                    \
  X(kVillageUnknown, "VILLAGE_UNKNOWN")                                                \
  X(kBirthDateInvalid, "BIRTH_DATE_INVALID")                                           \
  X(kSexInvalid, "SEX_INVALID")                                                        \
  X(kRoleInvalid, "ROLE_INVALID")                                                      \
  X(kBorrowerUnderage, "BORROWER_UNDERAGE")                                            \
  X(kCitizenIdDuplicate, "CITIZEN_ID_DUPLICATE")                                       \
  X(kGroupUnknown, "GROUP_UNKNOWN")                                                    \
  X(kMembershipActionInvalid, "MEMBERSHIP_ACTION_INVALID")                             \
  X(kBorrowerUnknown, "BORROWER_UNKNOWN")                                              \
  X(kMembershipBeforeBorrower, "MEMBERSHIP_BEFORE_BORROWER")                           \
  X(kMembershipNotFound, "MEMBERSHIP_NOT_FOUND")                                       \
  X(kMembershipOverlap, "MEMBERSHIP_OVERLAP")                                          \
  X(kGroupFull, "GROUP_FULL")                                                          \
  X(kGroupRoleTaken, "GROUP_ROLE_TAKEN")                                               \
  X(kVersionNotAfterCurrent, "VERSION_NOT_AFTER_CURRENT")                              \
  X(kBorrowerIdentityChanged, "BORROWER_IDENTITY_CHANGED")                             \
  X(kMembershipChangeNeedsMembershipsFile, "MEMBERSHIP_CHANGE_NEEDS_MEMBERSHIPS_FILE") \
  X(kUpdateNotApplicable, "UPDATE_NOT_APPLICABLE")                                     \
  X(kUnitHasOpenLoans, "UNIT_HAS_OPEN_LOANS")                                          \
  X(kAmountFormat, "AMOUNT_FORMAT")                                                    \
  X(kMonthsInvalid, "MONTHS_INVALID")                                                  \
  X(kInterestChargeInvalid, "INTEREST_CHARGE_INVALID")                                 \
  X(kBalanceDateAfterBusinessDate, "BALANCE_DATE_AFTER_BUSINESS_DATE")                 \
  X(kBalanceDateTooOld, "BALANCE_DATE_TOO_OLD")                                        \
  X(kBusinessDateMissing, "BUSINESS_DATE_MISSING")                                     \
  X(kLoanCodeFormat, "LOAN_CODE_FORMAT")                                               \
  X(kLoanCodeDuplicate, "LOAN_CODE_DUPLICATE")                                         \
  X(kProgramUnknown, "PROGRAM_UNKNOWN")                                                \
  X(kProgramNotInForce, "PROGRAM_NOT_IN_FORCE")                                        \
  X(kFundSourceInvalid, "FUND_SOURCE_INVALID")                                         \
  X(kBorrowerNotInGroup, "BORROWER_NOT_IN_GROUP")                                      \
  X(kScheduleInvalid, "SCHEDULE_INVALID")                                              \
  X(kOpeningBalanceInvalid, "OPENING_BALANCE_INVALID")                                 \
  X(kOpeningNextDueInvalid, "OPENING_NEXT_DUE_INVALID")                                \
  X(kFreezePeriodInvalid, "FREEZE_PERIOD_INVALID")
TDCS_DEFINE_REJECTIONS(ImportRejection, TDCS_IMPORT_REJECTIONS)
#undef TDCS_IMPORT_REJECTIONS

using network::CheckBankCode;
using network::CheckDigitsCode;
using network::CheckName;
using network::ParseDateField;

namespace {
constexpr ImportKind kImportKinds[] = {ImportKind::kNetwork, ImportKind::kGroups,
                                       ImportKind::kBorrowers, ImportKind::kMemberships,
                                       ImportKind::kLoans};
}  // namespace

std::string_view ImportKindKey(ImportKind kind) {
  switch (kind) {
    case ImportKind::kNetwork:
      return "network";
    case ImportKind::kGroups:
      return "groups";
    case ImportKind::kBorrowers:
      return "borrowers";
    case ImportKind::kMemberships:
      return "memberships";
    case ImportKind::kLoans:
      return "loans";
  }
  return "";
}

std::optional<ImportKind> ParseImportKind(std::string_view text) {
  for (const ImportKind kind : kImportKinds)
    if (ImportKindKey(kind) == text) return kind;
  return std::nullopt;
}

const std::vector<std::string>& ImportColumns(ImportKind kind) {
  static const std::vector<std::string> kNetwork = {
      "kind", "code", "name", "parent_code", "area_code", "session_day", "valid_from"};
  static const std::vector<std::string> kGroups = {"code",         "name",        "point_code",
                                                   "village_code", "association", "valid_from"};
  static const std::vector<std::string> kBorrowers = {
      "code",         "name",       "citizen_id", "birth_date", "sex",       "address",
      "village_code", "categories", "group_code", "role",       "valid_from"};
  static const std::vector<std::string> kMemberships = {"action", "borrower_code", "group_code",
                                                        "role", "valid_from"};
  static const std::vector<std::string> kLoans = {"code",
                                                  "borrower_code",
                                                  "program",
                                                  "fund_source",
                                                  "approved_dong",
                                                  "term_months",
                                                  "every_months",
                                                  "grace_months",
                                                  "interest_charge",
                                                  "disbursed_on",
                                                  "disbursed_dong",
                                                  "balance_on",
                                                  "normal_dong",
                                                  "overdue_dong",
                                                  "frozen_dong",
                                                  "principal_due_dong",
                                                  "interest_owed_dong",
                                                  "next_due",
                                                  "frozen_from",
                                                  "frozen_until",
                                                  "frozen_overdue_dong",
                                                  "extension_months"};
  switch (kind) {
    case ImportKind::kNetwork:
      return kNetwork;
    case ImportKind::kGroups:
      return kGroups;
    case ImportKind::kBorrowers:
      return kBorrowers;
    case ImportKind::kMemberships:
      return kMemberships;
    case ImportKind::kLoans:
      return kLoans;
  }
  return kNetwork;
}

namespace {

// Reads the whole file; header problems and malformed rows go to the report.
std::vector<Line> ReadLines(ImportKind kind, std::istream& in, ImportReport& report) {
  const auto& expected = ImportColumns(kind);
  csv::Reader reader(in);
  csv::Row row;
  std::vector<Line> lines;
  if (!reader.Next(row)) {
    report.errors.push_back(
        {1, MakeError(ImportRejection::kCsvEmpty, "", "Tệp rỗng, thiếu dòng tiêu đề",
                      "The file is empty; the header row is missing")});
    return lines;
  }
  std::vector<std::string> header = row.fields;
  for (auto& h : header) {
    h.erase(0, h.find_first_not_of(' '));
    h.erase(h.find_last_not_of(' ') + 1);
  }
  // Excel in a Vietnamese locale saves "CSV" with semicolons: say so once,
  // instead of a missing column for each.
  if (header.size() == 1 && header[0].find(';') != std::string::npos) {
    report.errors.push_back(
        {1, MakeError(ImportRejection::kCsvSeparatorSemicolon, "",
                      "Tệp ngăn cách bằng dấu chấm phẩy ';': hãy lưu lại dạng \"CSV UTF-8 "
                      "(Comma delimited)\" (ngăn cách bằng dấu phẩy)",
                      "The file is separated by semicolons: save it again as \"CSV UTF-8 "
                      "(Comma delimited)\"")});
    return lines;
  }
  for (size_t i = 0; i < header.size(); ++i)
    if (std::find(header.begin(), header.begin() + static_cast<std::ptrdiff_t>(i), header[i]) !=
        header.begin() + static_cast<std::ptrdiff_t>(i))
      report.errors.push_back(
          {1, MakeError(ImportRejection::kCsvColumnRepeated, header[i],
                        "Cột '" + header[i] + "' lặp lại trong dòng tiêu đề",
                        "Column '" + header[i] + "' appears twice in the header")});
  for (const auto& column : expected)
    if (std::find(header.begin(), header.end(), column) == header.end())
      report.errors.push_back({1, MakeError(ImportRejection::kCsvColumnMissing, column,
                                            "Thiếu cột '" + column + "' trong dòng tiêu đề",
                                            "Column '" + column + "' is missing from the header")});
  for (const auto& column : header)
    if (std::find(expected.begin(), expected.end(), column) == expected.end())
      report.errors.push_back({1, MakeError(ImportRejection::kCsvColumnUnknown, column,
                                            "Cột không được hỗ trợ '" + column + "'",
                                            "Unknown column '" + column + "'")});
  if (!report.errors.empty()) return lines;
  while (reader.Next(row)) {
    if (row.fields.size() == 1 && row.fields[0].empty()) continue;  // blank line
    ++report.rows;
    if (report.rows > kImportRowsMax) {
      report.errors.push_back(
          {row.line, MakeError(ImportRejection::kImportTooLarge, "", "Tệp vượt quá 2.000.000 dòng",
                               "The file has more than 2,000,000 rows")});
      return lines;
    }
    if (row.fields.size() != header.size()) {
      report.errors.push_back(
          {row.line, MakeError(ImportRejection::kCsvFieldCount, "",
                               "Dòng có " + std::to_string(row.fields.size()) + " cột, cần " +
                                   std::to_string(header.size()),
                               "The row has " + std::to_string(row.fields.size()) +
                                   " fields, expected " + std::to_string(header.size()))});
      continue;
    }
    Line line;
    line.line = row.line;
    for (size_t i = 0; i < header.size(); ++i) {
      std::string value = row.fields[i];
      value.erase(0, value.find_first_not_of(" \t"));
      value.erase(value.find_last_not_of(" \t") + 1);
      if (!text::IsValidUtf8(value)) {
        report.errors.push_back(
            {row.line, MakeError(ImportRejection::kTextNotUtf8, header[i],
                                 "Văn bản không phải UTF-8 hợp lệ", "Text is not valid UTF-8")});
        line.line = 0;  // the row is reported; its other fields are not checked
      }
      line.fields[header[i]] = value;
    }
    if (line.line != 0) lines.push_back(std::move(line));
  }
  if (!reader.error().empty())
    report.errors.push_back({reader.line(), MakeError(ImportRejection::kCsvMalformed, "",
                                                      "Tệp CSV sai cấu trúc: " + reader.error(),
                                                      "Malformed CSV: " + reader.error())});
  return lines;
}

Error Unknown(ImportRejection code, const std::string& field, const std::string& what_vi,
              const std::string& what_en, const std::string& value) {
  return MakeError(code, field, what_vi + " '" + value + "' không tồn tại",
                   what_en + " '" + value + "' does not exist");
}

Error NotOpen(const std::string& field, const std::string& value, Date on) {
  return MakeError(ImportRejection::kUnitNotOpen, field,
                   "'" + value + "' không hoạt động vào ngày " + on.ToVietnamese(),
                   "'" + value + "' is not open on " + on.ToIso());
}

Error Duplicate(const std::string& field, const std::string& value) {
  return MakeError(ImportRejection::kCodeDuplicate, field, "Mã '" + value + "' đã tồn tại",
                   "Code '" + value + "' already exists");
}

// A row of an --update import that changes an existing unit or borrower:
// the unit is open on the date and the date is after its version in force.
bool CheckRevision(LineErrors& e, store::NetworkStore& store, const std::string& table, int64_t id,
                   const Period& identity, const std::string& code, Date from) {
  if (!identity.Contains(from)) {
    e.Add(NotOpen("code", code, from));
    return false;
  }
  const auto current = store.OpenVersionFrom(table, id);
  if (current && from <= *current) {
    e.Add(MakeError(
        ImportRejection::kVersionNotAfterCurrent, "valid_from",
        "Ngày hiệu lực của thay đổi phải sau ngày bắt đầu của thông tin hiện hành (" +
            current->ToVietnamese() + ")",
        "A change must start after the version in force began (" + current->ToIso() + ")"));
    return false;
  }
  return true;
}

// A loan keeps the office and session day of its approval (they date its
// overdue transfers and carry its postings), so while loans are open there a
// change may not move a point to another office or session day, or a group to
// another point: the loans would silently part from their point.
bool CheckServedLoansStay(LineErrors& e, store::NetworkStore& store, const std::string& table,
                          int64_t id, Date from, const std::string& field) {
  const int64_t open = store.OpenLoansServedBy(table, id, from);
  if (open == 0) return true;
  e.Add(MakeError(ImportRejection::kUnitHasOpenLoans, field,
                  "Đơn vị đang phục vụ " + std::to_string(open) +
                      " khoản vay chưa tất toán: không đổi phòng giao dịch, ngày giao dịch hoặc "
                      "điểm giao dịch khi còn khoản vay",
                  "The unit serves " + std::to_string(open) +
                      " loans not yet settled: its office, session day or point cannot change "
                      "while they are open"));
  return false;
}

// Units known so far: the file's own rows (in order) and the database.
struct KnownUnit {
  std::string table;
  int64_t id = 0;  // 0 until written
  Period period;
  std::string era, area_code;  // for points and villages: their commune
};

class UnitDirectory {
 public:
  explicit UnitDirectory(store::NetworkStore& store) : store_(store) {}
  // Looks a code up in `table` among the file's rows first, then the database.
  std::optional<KnownUnit> Find(const std::string& table, const std::string& code) {
    const std::string key = table + ":" + code;
    auto it = file_.find(key);
    if (it != file_.end()) return it->second;
    // The database's answer, once per code (a file names the same village
    // and group on many rows); nothing in the file's transaction changes it
    // before the checks end.
    auto seen = stored_.find(key);
    if (seen != stored_.end()) return seen->second;
    auto id = store_.FindUnit(table, code);
    std::optional<KnownUnit> unit;
    if (id) unit = KnownUnit{table, id->id, id->period, "", ""};
    stored_.emplace(key, unit);
    return unit;
  }
  void AddFromFile(const std::string& table, const std::string& code, KnownUnit unit) {
    file_[table + ":" + code] = std::move(unit);
  }
  bool InFile(const std::string& table, const std::string& code) const {
    return file_.count(table + ":" + code) > 0;
  }
  void SetId(const std::string& table, const std::string& code, int64_t id) {
    file_[table + ":" + code].id = id;
  }

 private:
  store::NetworkStore& store_;
  std::unordered_map<std::string, KnownUnit> file_;
  std::unordered_map<std::string, std::optional<KnownUnit>> stored_;
};

void ReportProgress(const ProgressFn& progress, int64_t done, int64_t total, const char* phase) {
  if (progress && (done % 10000 == 0 || done == total)) progress(done, total, phase);
}

// ---------------------------------------------------------------- network

struct NetworkRow {
  int line;
  std::string kind, code, name, parent_code, area_code;
  int session_day = 0;
  Date valid_from;
  std::string era;
  int64_t existing_id = 0;  // --update: the unit this row changes
};

std::vector<NetworkRow> CheckNetwork(const std::vector<Line>& lines, store::NetworkStore& store,
                                     const store::AdminIndex& admin, UnitDirectory& units,
                                     ImportReport& report, bool update) {
  std::vector<NetworkRow> plan;
  std::unordered_set<std::string> revised;  // units this file changes
  static const std::map<std::string, std::string> kTable = {{"branch", "branch"},
                                                            {"seat", "office"},
                                                            {"office", "office"},
                                                            {"point", "commune_point"},
                                                            {"village", "village"}};
  for (const Line& l : lines) {
    LineErrors e(report, l.line);
    NetworkRow r{l.line,           l["kind"],     l["code"], text::ToNfc(l["name"]),
                 l["parent_code"], l["area_code"]};
    auto table_it = kTable.find(r.kind);
    if (table_it == kTable.end()) {
      e.Add(
          MakeError(ImportRejection::kNetworkKindUnknown, "kind",
                    "Loại đơn vị '" + r.kind + "' không hợp lệ (branch|seat|office|point|village)",
                    "Unit kind '" + r.kind + "' is invalid (branch|seat|office|point|village)"));
      continue;
    }
    const std::string& table = table_it->second;
    bool ok = r.kind == "village" ? e.Check(CheckDigitsCode(r.code, 8, "code"))
                                  : e.Check(CheckBankCode(r.code, "code"));
    ok &= e.Check(CheckName(r.name, "name"));
    auto from = e.Take(ParseDateField(l["valid_from"], "valid_from"));
    if (!from) continue;
    r.valid_from = *from;
    r.era = admin.EraOn(r.valid_from);
    if (auto known = ok ? units.Find(table, r.code) : std::nullopt) {
      if (update && !units.InFile(table, r.code) && !revised.count(table + ":" + r.code)) {
        r.existing_id = known->id;
        ok = CheckRevision(e, store, table, known->id, known->period, r.code, r.valid_from);
      } else {
        e.Add(Duplicate("code", r.code));
        ok = false;
      }
    }
    KnownUnit self{table, 0, Period{r.valid_from, std::nullopt}, r.era, ""};
    if (r.kind == "branch") {
      if (!admin.Province(r.era, r.area_code)) {
        e.Add(Unknown(ImportRejection::kProvinceUnknown, "area_code", "Tỉnh", "Province",
                      r.area_code));
        ok = false;
      }
      self.area_code = r.area_code;
    } else {
      const std::string parent_table = r.kind == "point"     ? "office"
                                       : r.kind == "village" ? ""
                                                             : "branch";
      if (!parent_table.empty()) {
        auto parent = units.Find(parent_table, r.parent_code);
        if (!parent) {
          e.Add(Unknown(parent_table == "branch" ? ImportRejection::kBranchUnknown
                                                 : ImportRejection::kOfficeUnknown,
                        "parent_code", parent_table == "branch" ? "Chi nhánh" : "Phòng giao dịch",
                        parent_table == "branch" ? "Branch" : "Office", r.parent_code));
          ok = false;
        } else if (!parent->period.Contains(r.valid_from)) {
          e.Add(NotOpen("parent_code", r.parent_code, r.valid_from));
          ok = false;
        }
      }
      if (r.kind == "point" || r.kind == "village") {
        if (!e.Check(CheckDigitsCode(r.area_code, 5, "area_code"))) {
          ok = false;
        } else if (!admin.Commune(r.era, r.area_code)) {
          e.Add(Unknown(
              ImportRejection::kCommuneUnknown, "area_code", "Xã", "Commune",
              r.area_code + " (" +
                  (r.era == store::kLegacyEra ? "trước/before 01/07/2025" : "từ/from 01/07/2025") +
                  ")"));
          ok = false;
        }
        self.area_code = r.area_code;
      }
      if (r.kind == "point") {
        const std::string& day = l["session_day"];
        r.session_day =
            day.size() <= 2 && !day.empty() && std::all_of(day.begin(), day.end(), ::isdigit)
                ? std::stoi(day)
                : 0;
        ok &= e.Check(network::CheckSessionDay(r.session_day, "session_day"));
        if (ok && r.existing_id) {
          const auto office = units.Find("office", r.parent_code);
          const auto links = store.PointLinksOn(r.existing_id, r.valid_from);
          if (links && (!office || office->id != links->first || r.session_day != links->second))
            ok = CheckServedLoansStay(e, store, "commune_point", r.existing_id, r.valid_from,
                                      "session_day");
        }
      }
    }
    if (!ok) continue;
    if (r.existing_id)
      revised.insert(table + ":" + r.code);
    else
      units.AddFromFile(table, r.code, self);
    plan.push_back(std::move(r));
  }
  return plan;
}

void WriteNetwork(const std::vector<NetworkRow>& plan, store::NetworkStore& store,
                  const store::AdminIndex& admin, UnitDirectory& units,
                  const ProgressFn& progress) {
  int64_t done = 0;
  for (const NetworkRow& r : plan) {
    const Period period{r.valid_from, std::nullopt};
    // A new unit, or (--update) a new version of one.
    auto write = [&](auto& row, auto add, auto revise, const char* table) {
      if (r.existing_id) {
        (store.*revise)(row);
      } else {
        (store.*add)(row);
        units.SetId(table, r.code, row.id);
      }
    };
    using S = store::NetworkStore;
    if (r.kind == "branch") {
      store::BranchRow b{r.existing_id, r.code, r.name, r.era, r.area_code, period};
      write(b, &S::AddBranch, &S::ReviseBranch, "branch");
      EnsureAssociationUnits(store, admin, "province", r.era, r.area_code, r.valid_from);
    } else if (r.kind == "seat" || r.kind == "office") {
      store::OfficeRow o{r.existing_id, r.code, r.name, units.Find("branch", r.parent_code)->id,
                         r.kind,        period};
      write(o, &S::AddOffice, &S::ReviseOffice, "office");
    } else if (r.kind == "point") {
      store::PointRow p{r.existing_id, r.code, r.name,      units.Find("office", r.parent_code)->id,
                        r.session_day, r.era,  r.area_code, r.era,
                        r.area_code,   period};
      write(p, &S::AddPoint, &S::RevisePoint, "commune_point");
      EnsureCommuneAssociationUnits(store, admin, r.era, r.area_code, r.valid_from);
    } else {
      store::VillageRow v{r.existing_id, r.code, r.name, r.era, r.area_code, period};
      write(v, &S::AddVillage, &S::ReviseVillage, "village");
    }
    ReportProgress(progress, ++done, static_cast<int64_t>(plan.size()), "write");
  }
}

// ---------------------------------------------------------------- groups

struct GroupPlan {
  store::GroupRow row;
  bool revision = false;  // --update: row.id is the group it changes
};

std::vector<GroupPlan> CheckGroups(const std::vector<Line>& lines, store::NetworkStore& store,
                                   UnitDirectory& units, ImportReport& report, bool update) {
  std::vector<GroupPlan> plan;
  std::unordered_set<std::string> revised;
  for (const Line& l : lines) {
    LineErrors e(report, l.line);
    store::GroupRow g;
    g.code = l["code"];
    g.name = text::ToNfc(l["name"]);
    bool ok = e.Check(CheckDigitsCode(g.code, 7, "code"));
    ok &= e.Check(CheckName(g.name, "name"));
    auto from = e.Take(ParseDateField(l["valid_from"], "valid_from"));
    auto association = network::ParseAssociation(l["association"]);
    if (!association) {
      e.Add(MakeError(
          ImportRejection::kAssociationUnknown, "association",
          "Hội đoàn thể '" + l["association"] + "' không hợp lệ (farmers|women|veterans|youth)",
          "Association '" + l["association"] + "' is invalid (farmers|women|veterans|youth)"));
      ok = false;
    }
    if (!from || !ok) continue;
    g.period = Period{*from, std::nullopt};
    g.association_code = static_cast<int>(*association);
    bool revision = false;
    if (auto known = units.Find("savings_group", g.code)) {
      if (!update || units.InFile("savings_group", g.code) || revised.count(g.code)) {
        e.Add(Duplicate("code", g.code));
        continue;
      }
      if (!CheckRevision(e, store, "savings_group", known->id, known->period, g.code, *from))
        continue;
      g.id = known->id;
      revision = true;
    }
    auto point = units.Find("commune_point", l["point_code"]);
    if (!point) {
      e.Add(Unknown(ImportRejection::kPointUnknown, "point_code", "Điểm giao dịch", "Commune point",
                    l["point_code"]));
      ok = false;
    } else if (!point->period.Contains(*from)) {
      e.Add(NotOpen("point_code", l["point_code"], *from));
      ok = false;
    }
    auto village = units.Find("village", l["village_code"]);
    std::optional<std::pair<std::string, std::string>> commune;
    if (!village) {
      e.Add(Unknown(ImportRejection::kVillageUnknown, "village_code", "Thôn", "Village",
                    l["village_code"]));
      ok = false;
    } else if (!(commune = store.VillageCommuneOn(village->id, *from))) {
      e.Add(NotOpen("village_code", l["village_code"], *from));
      ok = false;
    }
    if (!ok) continue;
    if (revision) {
      const auto current_point = store.GroupPointOn(g.id, *from);
      if (current_point && *current_point != point->id &&
          !CheckServedLoansStay(e, store, "savings_group", g.id, *from, "point_code"))
        continue;
    }
    g.point_id = point->id;
    g.village_id = village->id;
    g.commune_era = commune->first;
    g.commune_code = commune->second;
    if (revision)
      revised.insert(g.code);
    else
      units.AddFromFile("savings_group", g.code, KnownUnit{"savings_group", 0, g.period, "", ""});
    plan.push_back({std::move(g), revision});
  }
  return plan;
}

// ---------------------------------------------------------------- memberships

// A membership to add (borrower or group may be new in this file) or to end.
struct MembershipChange {
  int line = 0;
  std::string borrower_code, group_code;
  int64_t group_id = 0;     // 0: a group of this file (not possible for members today)
  int64_t borrower_id = 0;  // 0: a borrower of this file
  std::string role = "member";
  Period period;
  int64_t end_membership_id = 0;  // for "leave": the membership to end at period.from
};

// Checks the planned changes against the memberships already stored: no
// borrower in two groups at once, at most 60 members in a group on any day,
// one leader and one deputy at a time. Adds warnings for groups under 5.
void CheckMembershipPlan(const std::vector<MembershipChange>& changes, store::NetworkStore& store,
                         ImportReport& report) {
  struct Span {
    Period period;
    int line;  // 0 for stored rows
    std::string role, borrower_code;
  };
  std::map<int64_t, std::vector<Span>> by_group;
  std::map<std::string, std::vector<Span>> by_borrower;  // key: borrower code
  std::map<int64_t, std::string> group_codes;
  std::set<int64_t> loaded_groups;
  std::set<int64_t> loaded_borrowers;
  std::map<int64_t, Date> ends;  // membership id → end from a "leave" row
  for (const auto& c : changes)
    if (c.end_membership_id) ends[c.end_membership_id] = c.period.from;
  auto stored = [&](const store::MembershipRow& m) {
    Span s{m.period, 0, m.role, ""};
    if (auto it = ends.find(m.id); it != ends.end()) s.period.to = it->second;
    return s;
  };
  for (const auto& c : changes) {
    if (c.end_membership_id) continue;
    group_codes[c.group_id] = c.group_code;
    if (loaded_groups.insert(c.group_id).second)
      for (const auto& m : store.MembershipsOfGroup(c.group_id))
        by_group[c.group_id].push_back(stored(m));
    if (c.borrower_id && loaded_borrowers.insert(c.borrower_id).second)
      for (const auto& m : store.MembershipsOfBorrower(c.borrower_id))
        by_borrower[c.borrower_code].push_back(stored(m));
    by_group[c.group_id].push_back({c.period, c.line, c.role, c.borrower_code});
    by_borrower[c.borrower_code].push_back({c.period, c.line, c.role, c.borrower_code});
  }
  for (const auto& [code, spans] : by_borrower) {
    std::vector<Period> periods;
    for (const auto& s : spans) periods.push_back(s.period);
    if (auto overlap = network::FindOverlap(periods)) {
      const Span& s = spans[overlap->second].line ? spans[overlap->second] : spans[overlap->first];
      report.errors.push_back(
          {s.line,
           MakeError(
               ImportRejection::kMembershipOverlap, "group_code",
               "Hộ vay " + code + " đã là thành viên của một tổ khác trong cùng thời gian",
               "Borrower " + code + " is already a member of another group in the same period")});
    }
  }
  for (const auto& [group_id, spans] : by_group) {
    std::vector<Period> all, leaders, deputies;
    int last_line = 0;
    for (const auto& s : spans) {
      all.push_back(s.period);
      if (s.role == "leader") leaders.push_back(s.period);
      if (s.role == "deputy") deputies.push_back(s.period);
      last_line = std::max(last_line, s.line);
    }
    const std::string& code = group_codes[group_id];
    if (auto breach = network::FirstCapacityBreach(all, network::kGroupMembersMax))
      report.errors.push_back(
          {last_line,
           MakeError(ImportRejection::kGroupFull, "group_code",
                     "Tổ " + code + " sẽ có " + std::to_string(breach->members) +
                         " thành viên vào ngày " + breach->date.ToVietnamese() + ", vượt quá 60",
                     "Group " + code + " would have " + std::to_string(breach->members) +
                         " members on " + breach->date.ToIso() + ", more than 60")});
    if (network::FindOverlap(leaders))
      report.errors.push_back(
          {last_line, MakeError(ImportRejection::kGroupRoleTaken, "role",
                                "Tổ " + code + " có hơn một tổ trưởng trong cùng thời gian",
                                "Group " + code + " would have two leaders at the same time")});
    if (network::FindOverlap(deputies))
      report.errors.push_back(
          {last_line, MakeError(ImportRejection::kGroupRoleTaken, "role",
                                "Tổ " + code + " có hơn một tổ phó trong cùng thời gian",
                                "Group " + code + " would have two deputies at the same time")});
    int open = 0;
    for (const auto& s : spans) open += !s.period.to;
    if (open < network::kGroupMembersMin)
      report.warnings.push_back("Tổ " + code + " có " + std::to_string(open) +
                                " thành viên, ít hơn 5 / group " + code + " has " +
                                std::to_string(open) + " members, fewer than 5");
  }
}

// ---------------------------------------------------------------- borrowers

struct BorrowerPlan {
  store::BorrowerRow row;
  std::optional<MembershipChange> membership;
  bool revision = false;  // --update: row.id is the borrower it changes
};

// An --update row for an existing borrower: the identity is unchanged and
// the membership, if named, is the one in force.
bool CheckBorrowerRevision(LineErrors& e, store::NetworkStore& store,
                           const store::BorrowerRow& stored, const store::BorrowerRow& b,
                           std::optional<Date> birth, const std::string& sex, Date from,
                           const std::optional<store::NetworkStore::Identity>& group,
                           const std::string& role) {
  bool ok = true;
  auto changed = [&](const char* field, const char* vi, const char* en) {
    e.Add(MakeError(ImportRejection::kBorrowerIdentityChanged, field,
                    std::string(vi) + " của hộ vay đã có không thay đổi qua nhập tệp",
                    std::string(en) + " of an existing borrower does not change by import"));
    ok = false;
  };
  if (b.citizen_id != stored.citizen_id) changed("citizen_id", "Số CCCD", "The citizen ID");
  if (birth && *birth != stored.birth_date) changed("birth_date", "Ngày sinh", "The birth date");
  if (!sex.empty() && sex != stored.sex) changed("sex", "Giới tính", "The sex");
  if (from <= stored.valid_from) {
    e.Add(MakeError(ImportRejection::kVersionNotAfterCurrent, "valid_from",
                    "Ngày hiệu lực của thay đổi phải sau ngày bắt đầu của thông tin hiện hành (" +
                        stored.valid_from.ToVietnamese() + ")",
                    "A change must start after the version in force began (" +
                        stored.valid_from.ToIso() + ")"));
    ok = false;
  }
  if (group) {
    bool same = false;
    for (const auto& m : store.MembershipsOfBorrower(stored.id))
      if (m.period.Contains(from)) same = m.group_id == group->id && m.role == role;
    if (!same) {
      e.Add(MakeError(ImportRejection::kMembershipChangeNeedsMembershipsFile, "group_code",
                      "Chuyển tổ hoặc đổi vai trò của hộ vay đã có: dùng tệp memberships "
                      "(leave và join); để trống group_code nếu không đổi",
                      "Moving an existing borrower to another group or role is a memberships "
                      "file (leave and join); leave group_code empty to keep the membership"));
      ok = false;
    }
  }
  return ok;
}

std::vector<BorrowerPlan> CheckBorrowers(const std::vector<Line>& lines, store::NetworkStore& store,
                                         const store::AdminIndex& admin, UnitDirectory& units,
                                         ImportReport& report, const ProgressFn& progress,
                                         bool update) {
  std::vector<BorrowerPlan> plan;
  std::unordered_set<std::string> codes, citizen_ids;
  auto province_known = [&](const std::string& code) {
    return admin.legacy_provinces.count(code) > 0 || admin.new_provinces.count(code) > 0;
  };
  // The borrowers the file's codes and citizen IDs name already, read at
  // once rather than row by row.
  std::vector<std::string> all_codes, all_citizen_ids;
  for (const Line& l : lines) {
    if (!l["code"].empty()) all_codes.push_back(l["code"]);
    if (!l["citizen_id"].empty()) all_citizen_ids.push_back(l["citizen_id"]);
  }
  const auto stored_codes = store.FindBorrowerIdsByCode(all_codes);
  const auto stored_citizen_ids = store.FindBorrowerIdsByCitizenId(all_citizen_ids);
  auto stored_code = [&](const std::string& code) -> std::optional<int64_t> {
    auto it = stored_codes.find(code);
    if (it == stored_codes.end()) return std::nullopt;
    return it->second;
  };
  int64_t done = 0;
  for (const Line& l : lines) {
    ReportProgress(progress, ++done, static_cast<int64_t>(lines.size()), "check");
    LineErrors e(report, l.line);
    store::BorrowerRow b;
    b.code = l["code"];
    b.name = text::ToNfc(l["name"]);
    b.citizen_id = l["citizen_id"];
    b.address = text::ToNfc(l["address"]);
    bool ok = e.Check(CheckDigitsCode(b.code, 10, "code"));
    ok &= e.Check(CheckName(b.name, "name"));
    ok &= e.Check(network::CheckAddress(b.address, "address"));
    auto birth = e.Take(ParseDateField(l["birth_date"], "birth_date"));
    if (birth && birth->year() < 1900) {
      e.Add(MakeError(ImportRejection::kBirthDateInvalid, "birth_date", "Năm sinh phải từ 1900",
                      "The birth year must be 1900 or later"));
      birth.reset();
    }
    auto from = e.Take(ParseDateField(l["valid_from"], "valid_from"));
    auto sex = network::ParseSex(l["sex"]);
    if (!sex) {
      e.Add(MakeError(ImportRejection::kSexInvalid, "sex",
                      "Giới tính phải là nam hoặc nữ (male|female)", "Sex must be male or female"));
      ok = false;
    }
    auto categories = e.Take(network::ParseCategories(l["categories"], "categories"));
    auto role = network::ParseMemberRole(l["role"]);
    if (!role) {
      e.Add(MakeError(ImportRejection::kRoleInvalid, "role",
                      "Vai trò phải là member, leader hoặc deputy",
                      "Role must be member, leader or deputy"));
      ok = false;
    }
    if (!birth || !from || !categories) ok = false;
    // Each field is checked whatever the others hold, so every bad field is listed.
    if (birth && sex)
      ok &= e.Check(network::CheckCitizenId(b.citizen_id, *birth, *sex, province_known));
    else if (auto facts = network::ParseCitizenId(b.citizen_id, "citizen_id"); !facts.ok())
      ok &= e.Check(Status(facts.error()));
    if (birth && from) {
      if (network::AgeYears(*birth, *from) < network::kAdultAgeYears) {
        e.Add(MakeError(ImportRejection::kBorrowerUnderage, "birth_date",
                        "Người đại diện hộ phải đủ 18 tuổi vào ngày " + from->ToVietnamese(),
                        "The household's representative must be 18 or older on " + from->ToIso()));
        ok = false;
      }
    }
    std::optional<store::BorrowerRow> stored;
    if (!b.code.empty() && (codes.count(b.code) || stored_code(b.code))) {
      const auto id = codes.count(b.code) ? std::nullopt : stored_code(b.code);
      if (update && id) {
        stored = store.LoadBorrower(*id);
      } else {
        e.Add(Duplicate("code", b.code));
        ok = false;
      }
    }
    std::optional<int64_t> holder;
    if (!b.citizen_id.empty() && !citizen_ids.count(b.citizen_id))
      if (auto it = stored_citizen_ids.find(b.citizen_id); it != stored_citizen_ids.end())
        holder = it->second;
    if (!b.citizen_id.empty() &&
        (citizen_ids.count(b.citizen_id) || (holder && (!stored || *holder != stored->id)))) {
      e.Add(MakeError(ImportRejection::kCitizenIdDuplicate, "citizen_id",
                      "Số CCCD đã thuộc về một hộ vay khác",
                      "The citizen ID already belongs to another borrower"));
      ok = false;
    }
    auto village = units.Find("village", l["village_code"]);
    if (!village) {
      e.Add(Unknown(ImportRejection::kVillageUnknown, "village_code", "Thôn", "Village",
                    l["village_code"]));
      ok = false;
    } else if (from && !village->period.Contains(*from)) {
      e.Add(NotOpen("village_code", l["village_code"], *from));
      ok = false;
    }
    std::optional<store::NetworkStore::Identity> group;
    if (!l["group_code"].empty()) {
      if (auto unit = units.Find("savings_group", l["group_code"]))
        group = store::NetworkStore::Identity{unit->id, unit->period};
      if (!group) {
        e.Add(
            Unknown(ImportRejection::kGroupUnknown, "group_code", "Tổ", "Group", l["group_code"]));
        ok = false;
      } else if (from && !group->period.Contains(*from)) {
        e.Add(NotOpen("group_code", l["group_code"], *from));
        ok = false;
      }
    }
    if (stored && from && role)
      ok &= CheckBorrowerRevision(e, store, *stored, b, birth,
                                  sex ? std::string(network::SexKey(*sex)) : std::string(), *from,
                                  group, std::string(network::MemberRoleKey(*role)));
    codes.insert(b.code);
    citizen_ids.insert(b.citizen_id);
    if (!ok) continue;
    b.birth_date = *birth;
    b.sex = std::string(network::SexKey(*sex));
    b.valid_from = *from;
    b.name_folded = text::Fold(b.name);
    b.village_id = village->id;
    b.categories = network::JoinCategories(*categories);
    if (stored) {
      b.id = stored->id;
      plan.push_back({std::move(b), std::nullopt, true});
      continue;
    }
    BorrowerPlan p{std::move(b), std::nullopt};
    if (group) {
      MembershipChange m;
      m.line = l.line;
      m.borrower_code = p.row.code;
      m.group_code = l["group_code"];
      m.group_id = group->id;
      m.role = std::string(network::MemberRoleKey(*role));
      m.period = Period{*from, std::nullopt};
      p.membership = m;
    }
    plan.push_back(std::move(p));
  }
  return plan;
}

std::vector<MembershipChange> CheckMemberships(const std::vector<Line>& lines,
                                               store::NetworkStore& store, ImportReport& report) {
  std::vector<MembershipChange> plan;
  std::set<int64_t> ended;  // memberships a `leave` of this file ends
  // The borrowers and groups the file names, read at once.
  std::vector<std::string> all_codes;
  for (const Line& l : lines) all_codes.push_back(l["borrower_code"]);
  const auto borrowers = store.FindBorrowerIdsByCode(all_codes);
  std::unordered_map<std::string, std::optional<store::NetworkStore::Identity>> groups;
  for (const Line& l : lines) {
    LineErrors e(report, l.line);
    MembershipChange c;
    c.line = l.line;
    c.borrower_code = l["borrower_code"];
    c.group_code = l["group_code"];
    auto from = e.Take(ParseDateField(l["valid_from"], "valid_from"));
    auto role = network::ParseMemberRole(l["role"]);
    const std::string& action = l["action"];
    bool ok = from.has_value();
    if (action != "join" && action != "leave") {
      e.Add(MakeError(ImportRejection::kMembershipActionInvalid, "action",
                      "Thao tác phải là join hoặc leave", "Action must be join or leave"));
      ok = false;
    }
    if (!role) {
      e.Add(MakeError(ImportRejection::kRoleInvalid, "role",
                      "Vai trò phải là member, leader hoặc deputy",
                      "Role must be member, leader or deputy"));
      ok = false;
    }
    std::optional<int64_t> borrower;
    if (auto it = borrowers.find(c.borrower_code); it != borrowers.end()) borrower = it->second;
    if (!borrower) {
      e.Add(Unknown(ImportRejection::kBorrowerUnknown, "borrower_code", "Hộ vay", "Borrower",
                    c.borrower_code));
      ok = false;
    }
    auto known = groups.find(c.group_code);
    if (known == groups.end())
      known = groups.emplace(c.group_code, store.FindUnit("savings_group", c.group_code)).first;
    const auto& group = known->second;
    if (!group) {
      e.Add(Unknown(ImportRejection::kGroupUnknown, "group_code", "Tổ", "Group", c.group_code));
      ok = false;
    }
    if (!ok) continue;
    c.borrower_id = *borrower;
    c.group_id = group->id;
    if (auto since = store.BorrowerValidFrom(*borrower); since && *from < *since) {
      e.Add(MakeError(ImportRejection::kMembershipBeforeBorrower, "valid_from",
                      "Ngày " + from->ToVietnamese() + " trước ngày hộ vay " + c.borrower_code +
                          " được ghi nhận (" + since->ToVietnamese() + ")",
                      "The date " + from->ToIso() + " is before borrower " + c.borrower_code +
                          " was recorded (" + since->ToIso() + ")"));
      continue;
    }
    c.role = std::string(network::MemberRoleKey(*role));
    c.period = Period{*from, std::nullopt};
    if (action == "leave") {
      for (const auto& m : store.MembershipsOfBorrower(c.borrower_id))
        if (m.group_id == c.group_id && !m.period.to && m.period.from < *from && !ended.count(m.id))
          c.end_membership_id = m.id;
      ended.insert(c.end_membership_id);
      if (!c.end_membership_id) {
        e.Add(MakeError(ImportRejection::kMembershipNotFound, "group_code",
                        "Hộ vay " + c.borrower_code + " không phải thành viên của tổ " +
                            c.group_code + " trước ngày " + from->ToVietnamese(),
                        "Borrower " + c.borrower_code + " is not a member of group " +
                            c.group_code + " before " + from->ToIso()));
        continue;
      }
    } else if (!group->period.Contains(*from)) {
      e.Add(NotOpen("group_code", c.group_code, *from));
      continue;
    }
    plan.push_back(std::move(c));
  }
  return plan;
}

// Checks `lines` and, when every one is right (and `admit`, if given, lets
// the borrowers through), writes them, in the caller's transaction. False
// with the report's errors when anything is wrong: nothing is written then.
using AdmitBorrowers = std::function<std::optional<Error>(const std::vector<BorrowerPlan>&)>;
bool CheckAndWrite(store::Database& db, ImportKind kind, std::vector<Line> lines,
                   ImportReport& report, const ProgressFn& progress, const ImportOptions& options,
                   const AdmitBorrowers& admit = nullptr) {
  store::NetworkStore store(db);
  const store::AdminIndex admin = store::ReadAdminIndex(db);
  UnitDirectory units(store);
  // Once the network has moved onto the 2025 structure, history before the
  // move is closed: new rows start on or after it.
  if (auto moved = store.ReformAppliedOn(); moved && kind != ImportKind::kLoans) {
    std::vector<Line> kept;
    for (auto& l : lines) {
      auto from = Date::Parse(l["valid_from"]);
      if (from && *from < *moved) {
        report.errors.push_back(
            {l.line,
             MakeError(ImportRejection::kDatedBeforeReform, "valid_from",
                       "Mạng lưới đã chuyển sang địa giới 2025 ngày " + moved->ToVietnamese() +
                           ": dữ liệu mới phải có hiệu lực từ ngày đó",
                       "The network moved onto the 2025 structure on " + moved->ToIso() +
                           ": new rows must start on or after that date")});
        continue;
      }
      kept.push_back(std::move(l));
    }
    lines = std::move(kept);
  }
  std::vector<NetworkRow> network_plan;
  std::vector<GroupPlan> group_plan;
  std::vector<BorrowerPlan> borrower_plan;
  std::vector<MembershipChange> membership_plan;
  std::vector<LoanImport> loan_plan;
  switch (kind) {
    case ImportKind::kNetwork:
      network_plan = CheckNetwork(lines, store, admin, units, report, options.update);
      break;
    case ImportKind::kGroups:
      group_plan = CheckGroups(lines, store, units, report, options.update);
      break;
    case ImportKind::kBorrowers: {
      borrower_plan = CheckBorrowers(lines, store, admin, units, report, progress, options.update);
      std::vector<MembershipChange> joins;
      for (const auto& b : borrower_plan)
        if (b.membership) joins.push_back(*b.membership);
      CheckMembershipPlan(joins, store, report);
      break;
    }
    case ImportKind::kMemberships:
      membership_plan = CheckMemberships(lines, store, report);
      CheckMembershipPlan(membership_plan, store, report);
      break;
    case ImportKind::kLoans:
      loan_plan = CheckLoans(db, lines, report, progress);
      break;
  }
  if (!report.ok()) {
    std::stable_sort(report.errors.begin(), report.errors.end(),
                     [](const RowError& a, const RowError& b) { return a.line < b.line; });
    return false;  // the transaction rolls back; nothing was written
  }
  if (admit) {
    if (auto refused = admit(borrower_plan)) {
      report.errors.push_back({lines.empty() ? 0 : lines.front().line, *refused});
      return false;
    }
  }
  switch (kind) {
    case ImportKind::kNetwork:
      WriteNetwork(network_plan, store, admin, units, progress);
      break;
    case ImportKind::kGroups:
      for (auto& g : group_plan) {
        if (g.revision)
          store.ReviseGroup(g.row);
        else
          store.AddGroup(g.row);
        EnsureCommuneAssociationUnits(store, admin, g.row.commune_era, g.row.commune_code,
                                      g.row.period.from);
      }
      break;
    case ImportKind::kBorrowers: {
      int64_t done = 0;
      // Identifiers are reserved in one block each.
      int64_t next_borrower = store.ReserveIds(
          "borrower", std::count_if(borrower_plan.begin(), borrower_plan.end(),
                                    [](const BorrowerPlan& b) { return !b.revision; }));
      int64_t next_membership = store.ReserveIds(
          "membership",
          std::count_if(borrower_plan.begin(), borrower_plan.end(),
                        [](const BorrowerPlan& b) { return b.membership.has_value(); }));
      // The id base of each group on each day, asked once (a read between
      // the rows would send the rows held so far, one by one).
      std::map<std::pair<int64_t, Date>, int64_t> bases;
      for (auto& b : borrower_plan) {
        if (b.revision) continue;
        const std::pair<int64_t, Date> at{b.membership ? b.membership->group_id : 0,
                                          b.membership ? b.membership->period.from : Date()};
        if (at.first != 0 && !bases.count(at))
          bases[at] = store::GroupIdBase(db, at.first, at.second);
      }
      for (auto& b : borrower_plan) {
        if (b.revision) {
          store.ReviseBorrower(b.row);
          ReportProgress(progress, ++done, static_cast<int64_t>(borrower_plan.size()), "write");
          continue;
        }
        // In the range of the branch of its group (store/partition.h).
        b.row.id = (b.membership ? bases.at({b.membership->group_id, b.membership->period.from})
                                 : store::GroupIdBase(db, std::nullopt, b.row.valid_from)) +
                   next_borrower++;
        store.AddBorrower(b.row);
        if (b.membership) {
          store::MembershipRow m{store::InRangeOf(b.row.id, next_membership++), b.row.id,
                                 b.membership->group_id, b.membership->role, b.membership->period};
          store.AddMembership(m);
        }
        ReportProgress(progress, ++done, static_cast<int64_t>(borrower_plan.size()), "write");
      }
      break;
    }
    case ImportKind::kMemberships:
      for (auto& c : membership_plan) {
        if (c.end_membership_id) {
          store.EndMembership(c.end_membership_id, c.period.from);
        } else {
          store::MembershipRow m{0, c.borrower_id, c.group_id, c.role, c.period};
          store.AddMembership(m);
        }
      }
      break;
    case ImportKind::kLoans:
      WriteLoans(db, loan_plan, progress);
      break;
  }
  report.written = report.rows;
  report.updated = std::count_if(network_plan.begin(), network_plan.end(),
                                 [](const NetworkRow& r) { return r.existing_id != 0; }) +
                   std::count_if(group_plan.begin(), group_plan.end(),
                                 [](const GroupPlan& g) { return g.revision; }) +
                   std::count_if(borrower_plan.begin(), borrower_plan.end(),
                                 [](const BorrowerPlan& b) { return b.revision; });
  return true;
}

}  // namespace

ImportReport Import(Connection& connection, const Context& context, ImportKind kind,
                    std::istream& in, const ProgressFn& progress, const ImportOptions& options) {
  store::Database& db = Db(connection);
  ImportReport report;
  if (auto denied = Require(context.actor, Permission::kOperate); !denied.ok()) {
    report.errors.push_back({0, denied.error()});
    return report;
  }
  if (options.update && (kind == ImportKind::kMemberships || kind == ImportKind::kLoans)) {
    report.errors.push_back(
        {0, MakeError(ImportRejection::kUpdateNotApplicable, "update",
                      "--update chỉ dùng cho network, groups và borrowers",
                      "--update applies to network, groups and borrowers only")});
    return report;
  }
  // The bytes are kept whole (an import is at most 2,000,000 rows) so that
  // the same file imported again is recognised by its hash.
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string kind_key(ImportKindKey(kind));
  const std::string content_hash = store::NetworkStore::ContentHash(bytes);
  std::istringstream input(bytes);
  std::vector<Line> lines = ReadLines(kind, input, report);
  // A bad header stops here; bad rows are listed with everything else.
  for (const auto& e : report.errors)
    if (e.line == 1) return report;
  // Checks read the database inside the same transaction as the writes, so
  // what was checked is what is written on; imports run one at a time (the
  // "import" lock), so two files into one group cannot both pass its limits.
  // Loans are taken over with no end of day running (a close waits for the
  // import, or the import for the close), taken before the transaction as a
  // close takes it.
  std::optional<store::BatchLock> close_lock;
  if (kind == ImportKind::kLoans) close_lock.emplace(db, "close");
  store::Transaction tx(db);
  db.LockKey("import");
  if (auto seen = store::NetworkStore(db).FindImportedFile(kind_key, content_hash)) {
    report.errors.push_back(
        {0, MakeError(ImportRejection::kFileAlreadyImported, "file",
                      "Tệp này đã được nhập ngày " + seen->first + " (" +
                          std::to_string(seen->second) + " dòng); không nhập lại",
                      "This file was already imported on " + seen->first + " (" +
                          std::to_string(seen->second) + " rows); not imported again")});
    return report;
  }
  if (!CheckAndWrite(db, kind, std::move(lines), report, progress, options)) {
    report.written = 0;
    report.updated = 0;
    return report;
  }
  // Dated by the business date (the day the bank is in), as everything else.
  const auto today = store::LoanStore(db).BusinessDate();
  store::NetworkStore(db).RecordImportedFile(
      kind_key, content_hash, report.rows,
      today ? today->ToVietnamese() : "trước ngày làm việc đầu tiên");
  RecordAudit(db, context, "import." + kind_key, "file:" + content_hash.substr(0, 16), {},
              AuditState()
                  .Add("rows", std::to_string(report.rows))
                  .Add("updated", std::to_string(report.updated))
                  .Add("update", options.update ? "yes" : "no"));
  tx.Commit();
  return report;
}

Result<BorrowerSaved> SaveBorrower(Connection& connection, const Context& context,
                                   const BorrowerForm& form, bool revise) {
  if (auto denied = Require(context.actor, Permission::kLend); !denied.ok()) return denied.error();
  store::Database& db = Db(connection);
  store::Transaction tx(db);
  db.LockKey("import");  // checked against the same rows an import would write
  Line line;
  line.line = 1;
  line.fields = {{"code", form.code},
                 {"name", form.name},
                 {"citizen_id", form.citizen_id},
                 {"birth_date", form.birth_date},
                 {"sex", form.sex},
                 {"address", form.address},
                 {"village_code", form.village_code},
                 {"categories", form.categories},
                 {"group_code", form.group_code},
                 {"role", form.role.empty() && !revise ? "member" : form.role},
                 {"valid_from", form.valid_from}};
  for (auto& [name, value] : line.fields) {
    value.erase(0, value.find_first_not_of(" \t"));
    value.erase(value.find_last_not_of(" \t") + 1);
    if (!text::IsValidUtf8(value))
      return MakeError(ImportRejection::kTextNotUtf8, name, "Văn bản không phải UTF-8 hợp lệ",
                       "Text is not valid UTF-8");
  }
  ScopeCheck scope(db, context.actor);
  store::NetworkStore network(db);
  const auto stored_id = network.FindBorrowerIdByCode(form.code);
  std::optional<store::BorrowerRow> before;
  if (revise) {
    // Only a borrower of the actor's area is changed: any other is unknown.
    const auto today = store::LoanStore(db).BusinessDate();
    const Date on = ScopeDate(db, today.value_or(Date::Parse(form.valid_from).value_or(Date())));
    if (!stored_id || !scope.Borrower(*stored_id, on))
      return MakeError(ImportRejection::kBorrowerUnknown, "code",
                       "Không có hộ vay '" + form.code + "'", "No borrower '" + form.code + "'");
    before = network.LoadBorrower(*stored_id);
    // What the change leaves out keeps its value.
    if (before) {
      auto keep = [&](const char* column, const std::string& value) {
        if (form.omitted.count(column)) line.fields[column] = value;
      };
      keep("name", before->name);
      keep("citizen_id", before->citizen_id);
      keep("birth_date", before->birth_date.ToIso());
      keep("sex", before->sex);
      keep("address", before->address);
      keep("categories", before->categories);
      if (before->village_id)
        keep("village_code", network.UnitCode("village", *before->village_id));
    }
  }
  // The group named must be one of the actor's area before anything about it
  // (full, closed, a leader already) is told.
  if (!line.fields["group_code"].empty() && !scope.national()) {
    // Judged on the business date, as every scope is (a date the caller
    // chooses could name a group that was theirs once).
    const auto unit = network.FindUnit("savings_group", line.fields["group_code"]);
    const Date on = ScopeDate(db, Date::Parse(line.fields["valid_from"]).value_or(Date()));
    if (!unit || !scope.Group(unit->id, on))
      return MakeError(ImportRejection::kGroupUnknown, "group_code",
                       "Không có tổ '" + line.fields["group_code"] + "'",
                       "No group '" + line.fields["group_code"] + "'");
  }
  ImportReport report;
  ImportOptions options;
  options.update = revise;
  // A new borrower joins a group of the actor's area; the group named is
  // checked by the import's own rules (open, not full, one leader).
  const AdmitBorrowers admit = [&](const std::vector<BorrowerPlan>& plan) -> std::optional<Error> {
    for (const auto& b : plan) {
      if (revise && !b.revision)
        return MakeError(ImportRejection::kBorrowerUnknown, "code",
                         "Không có hộ vay '" + form.code + "'", "No borrower '" + form.code + "'");
      if (!revise && b.revision)
        return MakeError(ImportRejection::kCodeDuplicate, "code",
                         "Mã '" + form.code + "' đã tồn tại",
                         "Code '" + form.code + "' exists already");
      if (!revise && !b.membership && !scope.national())
        return MakeError(ImportRejection::kGroupUnknown, "group_code",
                         "Cần tổ vay vốn của địa bàn mình (group_code)",
                         "A savings group of your area is needed (group_code)");
      if (b.membership &&
          !scope.Group(b.membership->group_id, ScopeDate(db, b.membership->period.from)))
        return MakeError(ImportRejection::kGroupUnknown, "group_code",
                         "Không có tổ '" + form.group_code + "'",
                         "No group '" + form.group_code + "'");
    }
    return std::nullopt;
  };
  if (!CheckAndWrite(db, ImportKind::kBorrowers, {line}, report, nullptr, options, admit))
    return report.errors.front().error;
  const auto id = network.FindBorrowerIdByCode(form.code);
  const auto after = id ? network.LoadBorrower(*id) : std::nullopt;
  const auto state = [&db](const std::optional<store::BorrowerRow>& b) {
    AuditState s;
    if (!b) return s;
    return s.Add("name", b->name)
        .Add("address", b->address)
        .Add("village", b->village_id ? store::NetworkStore(db).UnitCode("village", *b->village_id)
                                      : std::string())
        .Add("categories", b->categories)
        .Add("valid_from", b->valid_from.ToIso());
  };
  RecordAudit(db, context, revise ? "borrower.edit" : "borrower.add", "borrower:" + form.code,
              state(before), state(after).Add("group", form.group_code));
  tx.Commit();
  BorrowerSaved saved;
  saved.code = form.code;
  saved.valid_from = after ? after->valid_from : Date();
  saved.revised = revise;
  return saved;
}

}  // namespace tdcs::app
