#include "store/network_store.h"

#include <sodium.h>

#include <map>

#include "base/check.h"
#include "store/partition.h"
#include "store/report_store.h"

namespace tdcs::store {
namespace {

constexpr const char* kInForce = "valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)";

void BindPeriodEnd(Statement& st, int index, const Period& p) {
  if (p.to)
    st.BindText(index, p.to->ToIso());
  else
    st.BindNull(index);
}

Period ReadPeriod(const Statement& st, int from_col, int to_col) {
  Period p;
  p.from = *Date::Parse(st.GetText(from_col));
  if (!st.IsNull(to_col)) p.to = *Date::Parse(st.GetText(to_col));
  return p;
}

void InsertIdentity(Database& db, const std::string& table, int64_t id, const std::string& code,
                    const Period& period) {
  const std::string sql =
      "INSERT INTO " + table + " (id, code, valid_from, valid_to) VALUES (?, ?, ?, ?)";
  auto& st = db.Cached(sql);
  st.BindInt(1, id);
  st.BindText(2, code);
  st.BindText(3, period.from.ToIso());
  BindPeriodEnd(st, 4, period);
  st.Run();
}

// Ends the open version of `id` in `table` on `date`.
// A borrower and one of its versions, from columns 0–10: id, code, name,
// name_folded, citizen_id, birth_date, sex, valid_from, address, village_id,
// categories.
BorrowerRow ReadBorrowerVersionColumns(const Statement& st) {
  BorrowerRow b;
  b.id = st.GetInt(0);
  b.code = st.GetText(1);
  b.name = st.GetText(2);
  b.name_folded = st.GetText(3);
  b.citizen_id = st.GetText(4);
  b.birth_date = *Date::Parse(st.GetText(5));
  b.sex = st.GetText(6);
  b.valid_from = *Date::Parse(st.GetText(7));
  b.address = st.GetText(8);
  if (!st.IsNull(9)) b.village_id = st.GetInt(9);
  b.categories = st.GetText(10);
  return b;
}

void EndOpenVersion(Database& db, const std::string& table, const std::string& id_column,
                    int64_t id, Date date) {
  const std::string sql = "UPDATE " + table + " SET valid_to = ? WHERE " + id_column +
                          " = ? AND valid_to IS NULL AND valid_from < ?";
  auto& st = db.Cached(sql);
  st.BindText(1, date.ToIso());
  st.BindInt(2, id);
  st.BindText(3, date.ToIso());
  st.Run();
}

constexpr const char* kInsertBranchVersion =
    "INSERT INTO branch_version (branch_id, valid_from, valid_to, name, province_era, "
    "province_code) VALUES (?, ?, ?, ?, ?, ?)";
void InsertBranchVersion(Database& db, const BranchRow& r) {
  auto& st = db.Cached(kInsertBranchVersion);
  st.BindInt(1, r.id);
  st.BindText(2, r.period.from.ToIso());
  BindPeriodEnd(st, 3, r.period);
  st.BindText(4, r.name);
  st.BindText(5, r.province_era);
  st.BindText(6, r.province_code);
  st.Run();
}

constexpr const char* kInsertOfficeVersion =
    "INSERT INTO office_version (office_id, valid_from, valid_to, name, branch_id, kind) "
    "VALUES (?, ?, ?, ?, ?, ?)";
void InsertOfficeVersion(Database& db, const OfficeRow& r) {
  auto& st = db.Cached(kInsertOfficeVersion);
  st.BindInt(1, r.id);
  st.BindText(2, r.period.from.ToIso());
  BindPeriodEnd(st, 3, r.period);
  st.BindText(4, r.name);
  st.BindInt(5, r.branch_id);
  st.BindText(6, r.kind);
  st.Run();
}

constexpr const char* kInsertPointVersion =
    "INSERT INTO commune_point_version (point_id, valid_from, valid_to, name, office_id, "
    "session_day, site_commune_era, site_commune_code, report_commune_era, report_commune_code) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
void InsertPointVersion(Database& db, const PointRow& r) {
  auto& st = db.Cached(kInsertPointVersion);
  st.BindInt(1, r.id);
  st.BindText(2, r.period.from.ToIso());
  BindPeriodEnd(st, 3, r.period);
  st.BindText(4, r.name);
  st.BindInt(5, r.office_id);
  st.BindInt(6, r.session_day);
  st.BindText(7, r.site_era);
  st.BindText(8, r.site_code);
  st.BindText(9, r.report_era);
  st.BindText(10, r.report_code);
  st.Run();
}

constexpr const char* kInsertVillageVersion =
    "INSERT INTO village_version (village_id, valid_from, valid_to, name, commune_era, "
    "commune_code) VALUES (?, ?, ?, ?, ?, ?)";
void InsertVillageVersion(Database& db, const VillageRow& r) {
  auto& st = db.Cached(kInsertVillageVersion);
  st.BindInt(1, r.id);
  st.BindText(2, r.period.from.ToIso());
  BindPeriodEnd(st, 3, r.period);
  st.BindText(4, r.name);
  st.BindText(5, r.commune_era);
  st.BindText(6, r.commune_code);
  st.Run();
}

constexpr const char* kInsertGroupVersion =
    "INSERT INTO savings_group_version (group_id, valid_from, valid_to, name, point_id, "
    "village_id, association_code, commune_era, commune_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
void InsertGroupVersion(Database& db, const GroupRow& r) {
  auto& st = db.Cached(kInsertGroupVersion);
  st.BindInt(1, r.id);
  st.BindText(2, r.period.from.ToIso());
  BindPeriodEnd(st, 3, r.period);
  st.BindText(4, r.name);
  st.BindInt(5, r.point_id);
  st.BindOptionalInt(6, r.village_id);
  st.BindInt(7, r.association_code);
  st.BindText(8, r.commune_era);
  st.BindText(9, r.commune_code);
  st.Run();
}

}  // namespace

int64_t NetworkStore::ReserveIds(const std::string& sequence, int64_t count) {
  // A branch's id is its partitions' range (at most 8,192): never a block.
  if (count == 1 && sequence != "branch") return ids_.Next(sequence);
  return db_.ReserveIdBlock(sequence, count);
}

void NetworkStore::AddBranch(BranchRow& r) {
  if (r.id == 0) r.id = ReserveIds("branch", 1);
  InsertIdentity(db_, "branch", r.id, r.code, r.period);
  InsertBranchVersion(db_, r);
  AddBranchPartitions(db_, r.id);
}

void NetworkStore::AddOffice(OfficeRow& r) {
  if (r.id == 0) r.id = ReserveIds("office", 1);
  InsertIdentity(db_, "office", r.id, r.code, r.period);
  InsertOfficeVersion(db_, r);
}

void NetworkStore::AddPoint(PointRow& r) {
  if (r.id == 0) r.id = ReserveIds("commune_point", 1);
  InsertIdentity(db_, "commune_point", r.id, r.code, r.period);
  InsertPointVersion(db_, r);
}

void NetworkStore::AddVillage(VillageRow& r) {
  if (r.id == 0) r.id = ReserveIds("village", 1);
  InsertIdentity(db_, "village", r.id, r.code, r.period);
  InsertVillageVersion(db_, r);
}

void NetworkStore::TouchGroup(int64_t group_id) {
  if (!defer_report_series_) TouchGroups(db_, {group_id});
}

void NetworkStore::AddGroup(GroupRow& r) {
  if (r.id == 0) r.id = ReserveIds("savings_group", 1);
  TouchGroup(r.id);
  InsertIdentity(db_, "savings_group", r.id, r.code, r.period);
  InsertGroupVersion(db_, r);
}

constexpr const char* kInsertBorrower =
    "INSERT INTO borrower (id, code, name, name_folded, citizen_id, birth_date, sex, valid_from) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kInsertBorrowerVersion =
    "INSERT INTO borrower_version (borrower_id, valid_from, valid_to, address, village_id, "
    "categories, name) VALUES (?, ?, NULL, ?, ?, ?, ?)";
void NetworkStore::AddBorrower(BorrowerRow& r) {
  if (r.id == 0) r.id = ReserveIds("borrower", 1);
  auto& st = db_.Cached(kInsertBorrower);
  st.BindInt(1, r.id);
  st.BindText(2, r.code);
  st.BindText(3, r.name);
  st.BindText(4, r.name_folded);
  st.BindText(5, r.citizen_id);
  st.BindText(6, r.birth_date.ToIso());
  st.BindText(7, r.sex);
  st.BindText(8, r.valid_from.ToIso());
  st.Run();
  auto& v = db_.Cached(kInsertBorrowerVersion);
  v.BindInt(1, r.id);
  v.BindText(2, r.valid_from.ToIso());
  v.BindText(3, r.address);
  v.BindOptionalInt(4, r.village_id);
  v.BindText(5, r.categories);
  v.BindText(6, r.name);
  v.Run();
}

void NetworkStore::ReviseBorrower(const BorrowerRow& r) {
  EndOpenVersion(db_, "borrower_version", "borrower_id", r.id, r.valid_from);
  auto& v = db_.Cached(kInsertBorrowerVersion);
  v.BindInt(1, r.id);
  v.BindText(2, r.valid_from.ToIso());
  v.BindText(3, r.address);
  v.BindOptionalInt(4, r.village_id);
  v.BindText(5, r.categories);
  v.BindText(6, r.name);
  v.Run();
  auto& st = db_.Cached("UPDATE borrower SET name = ?, name_folded = ? WHERE id = ?");
  st.BindText(1, r.name);
  st.BindText(2, r.name_folded);
  st.BindInt(3, r.id);
  st.Run();
}

std::optional<BorrowerRow> NetworkStore::LoadBorrower(int64_t id, std::optional<Date> on) {
  // The name too is the version's (the borrower row holds the latest).
  auto& st = db_.Cached(
      on ? "SELECT b.id, b.code, COALESCE(v.name, b.name), b.name_folded, b.citizen_id, "
           "b.birth_date, b.sex, v.valid_from, v.address, v.village_id, v.categories FROM borrower "
           "b JOIN borrower_version v ON v.borrower_id = b.id AND v.valid_from <= ? AND "
           "(v.valid_to IS NULL OR v.valid_to > ?) WHERE b.id = ?"
         : "SELECT b.id, b.code, b.name, b.name_folded, b.citizen_id, b.birth_date, b.sex, "
           "v.valid_from, v.address, v.village_id, v.categories FROM borrower b JOIN "
           "borrower_version v ON v.borrower_id = b.id AND v.valid_to IS NULL WHERE b.id = ?");
  int i = 1;
  if (on) {
    st.BindText(i++, on->ToIso());
    st.BindText(i++, on->ToIso());
  }
  st.BindInt(i, id);
  if (!st.Step()) {
    st.Reset();
    return std::nullopt;
  }
  BorrowerRow r = ReadBorrowerVersionColumns(st);  // valid_from: the version's
  st.Reset();
  return r;
}

std::optional<std::pair<int64_t, int>> NetworkStore::PointLinksOn(int64_t point_id, Date on) {
  auto& st = db_.Cached(
      "SELECT office_id, session_day FROM commune_point_version WHERE point_id = ? AND "
      "valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)");
  st.BindInt(1, point_id);
  st.BindText(2, on.ToIso());
  st.BindText(3, on.ToIso());
  std::optional<std::pair<int64_t, int>> out;
  if (st.Step()) out = std::pair{st.GetInt(0), static_cast<int>(st.GetInt(1))};
  st.Reset();
  return out;
}

namespace {
// The one integer a unit's version in force on a date has in `sql` (three
// placeholders: the unit's id, the date twice).
std::optional<int64_t> LinkOn(Database& db, const char* sql, int64_t id, Date on) {
  auto& st = db.Cached(sql);
  st.BindInt(1, id);
  st.BindText(2, on.ToIso());
  st.BindText(3, on.ToIso());
  std::optional<int64_t> out;
  if (st.Step()) out = st.GetInt(0);
  st.Reset();
  return out;
}
}  // namespace

std::optional<int64_t> NetworkStore::GroupPointOn(int64_t group_id, Date on) {
  return LinkOn(db_,
                "SELECT point_id FROM savings_group_version WHERE group_id = ? AND valid_from <= ? "
                "AND (valid_to IS NULL OR valid_to > ?)",
                group_id, on);
}

std::optional<std::pair<int64_t, int>> NetworkStore::GroupPointAndAssociationOn(int64_t group_id,
                                                                                Date on) {
  auto& st = db_.Cached(
      "SELECT point_id, association_code FROM savings_group_version WHERE group_id = ? AND "
      "valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)");
  st.BindInt(1, group_id);
  st.BindText(2, on.ToIso());
  st.BindText(3, on.ToIso());
  std::optional<std::pair<int64_t, int>> out;
  if (st.Step()) out = std::pair<int64_t, int>{st.GetInt(0), static_cast<int>(st.GetInt(1))};
  st.Reset();
  return out;
}

std::string NetworkStore::UnitCode(const std::string& table, int64_t id) {
  return db_.LookupText("SELECT code FROM " + table + " WHERE id = ?", id).value_or("");
}

std::optional<int64_t> NetworkStore::OfficeBranchOn(int64_t office_id, Date on) {
  return LinkOn(db_,
                "SELECT branch_id FROM office_version WHERE office_id = ? AND valid_from <= ? AND "
                "(valid_to IS NULL OR valid_to > ?)",
                office_id, on);
}

int64_t NetworkStore::OpenLoansServedBy(const std::string& table, int64_t id, Date on) {
  const std::string where = table == "commune_point" ? "g.point_id = ?" : "g.group_id = ?";
  auto& st = db_.Cached(
      "SELECT COUNT(*) FROM loan l JOIN membership m ON m.borrower_id = l.borrower_id "
      "AND m.valid_from <= ? AND (m.valid_to IS NULL OR m.valid_to > ?) "
      "JOIN savings_group_version g ON g.group_id = m.group_id AND g.valid_from <= ? "
      "AND (g.valid_to IS NULL OR g.valid_to > ?) WHERE " +
      where + " AND l.status IN ('applied', 'approved', 'active')");
  for (int i = 1; i <= 4; ++i) st.BindText(i, on.ToIso());
  st.BindInt(5, id);
  int64_t count = 0;
  if (st.Step()) count = st.GetInt(0);
  st.Reset();
  return count;
}

std::optional<Date> NetworkStore::OpenVersionFrom(const std::string& table, int64_t id) {
  static const std::map<std::string, std::pair<std::string, std::string>> kVersions = {
      {"branch", {"branch_version", "branch_id"}},
      {"office", {"office_version", "office_id"}},
      {"commune_point", {"commune_point_version", "point_id"}},
      {"village", {"village_version", "village_id"}},
      {"savings_group", {"savings_group_version", "group_id"}},
      {"borrower", {"borrower_version", "borrower_id"}}};
  const auto& [versions, column] = kVersions.at(table);
  auto& st = db_.Cached("SELECT MAX(valid_from) FROM " + versions + " WHERE " + column + " = ?");
  st.BindInt(1, id);
  std::optional<Date> out;
  if (st.Step() && !st.IsNull(0)) out = Date::Parse(st.GetText(0));
  st.Reset();
  return out;
}

constexpr const char* kInsertMembership =
    "INSERT INTO membership (id, borrower_id, group_id, role, valid_from, valid_to) "
    "VALUES (?, ?, ?, ?, ?, ?)";
void NetworkStore::AddMembership(MembershipRow& r) {
  if (r.id == 0) r.id = InRangeOf(r.borrower_id, ReserveIds("membership", 1));
  TouchGroup(r.group_id);
  auto& st = db_.Cached(kInsertMembership);
  st.BindInt(1, r.id);
  st.BindInt(2, r.borrower_id);
  st.BindInt(3, r.group_id);
  st.BindText(4, r.role);
  st.BindText(5, r.period.from.ToIso());
  BindPeriodEnd(st, 6, r.period);
  st.Run();
}

constexpr const char* kEndMembership = "UPDATE membership SET valid_to = ? WHERE id = ?";
void NetworkStore::EndMembership(int64_t membership_id, Date date) {
  if (!defer_report_series_)
    if (auto group = db_.LookupInt("SELECT group_id FROM membership WHERE id = ?", membership_id))
      TouchGroup(*group);
  auto& st = db_.Cached(kEndMembership);
  st.BindText(1, date.ToIso());
  st.BindInt(2, membership_id);
  st.Run();
}

constexpr const char* kInsertAssociationUnit =
    "INSERT INTO association_unit (id, association_code, level, area_era, area_code, name, "
    "valid_from, valid_to) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
void NetworkStore::AddAssociationUnit(AssociationUnitRow& r) {
  if (r.id == 0) r.id = ReserveIds("association_unit", 1);
  auto& st = db_.Cached(kInsertAssociationUnit);
  st.BindInt(1, r.id);
  st.BindInt(2, r.association_code);
  st.BindText(3, r.level);
  st.BindText(4, r.area_era);
  st.BindText(5, r.area_code);
  st.BindText(6, r.name);
  st.BindText(7, r.period.from.ToIso());
  BindPeriodEnd(st, 8, r.period);
  st.Run();
}

void NetworkStore::ReviseBranch(const BranchRow& r) {
  EndOpenVersion(db_, "branch_version", "branch_id", r.id, r.period.from);
  InsertBranchVersion(db_, r);
}
void NetworkStore::ReviseOffice(const OfficeRow& r) {
  EndOpenVersion(db_, "office_version", "office_id", r.id, r.period.from);
  InsertOfficeVersion(db_, r);
}
void NetworkStore::RevisePoint(const PointRow& r) {
  if (!defer_report_series_) TouchGroupsOfPoint(db_, r.id);
  EndOpenVersion(db_, "commune_point_version", "point_id", r.id, r.period.from);
  InsertPointVersion(db_, r);
}
void NetworkStore::ReviseVillage(const VillageRow& r) {
  EndOpenVersion(db_, "village_version", "village_id", r.id, r.period.from);
  InsertVillageVersion(db_, r);
}
void NetworkStore::ReviseGroup(const GroupRow& r) {
  TouchGroup(r.id);
  EndOpenVersion(db_, "savings_group_version", "group_id", r.id, r.period.from);
  InsertGroupVersion(db_, r);
}

constexpr const char* kCloseBranch = "UPDATE branch SET valid_to = ? WHERE id = ?";
void NetworkStore::CloseBranch(int64_t id, Date date) {
  EndOpenVersion(db_, "branch_version", "branch_id", id, date);
  auto& st = db_.Cached(kCloseBranch);
  st.BindText(1, date.ToIso());
  st.BindInt(2, id);
  st.Run();
}

constexpr const char* kCloseAssociationUnits =
    "UPDATE association_unit SET valid_to = ? WHERE level = ? AND area_era = ? AND "
    "valid_to IS NULL AND valid_from < ?";
void NetworkStore::CloseAssociationUnitsOf(const std::string& level, const std::string& era,
                                           Date date) {
  auto& st = db_.Cached(kCloseAssociationUnits);
  st.BindText(1, date.ToIso());
  st.BindText(2, level);
  st.BindText(3, era);
  st.BindText(4, date.ToIso());
  st.Run();
}

namespace {
void BindOn(Statement& st, Date on, int first = 1) {
  st.BindText(first, on.ToIso());
  st.BindText(first + 1, on.ToIso());
}
}  // namespace

constexpr const char* kBranchesOn =
    "SELECT b.id, b.code, v.name, v.province_era, v.province_code, v.valid_from, v.valid_to "
    "FROM branch_version v JOIN branch b ON b.id = v.branch_id "
    "WHERE v.valid_from <= ? AND (v.valid_to IS NULL OR v.valid_to > ?) ORDER BY b.code";
std::vector<BranchRow> NetworkStore::BranchesOn(Date on) {
  std::vector<BranchRow> out;
  auto st = db_.Prepare(kBranchesOn);
  BindOn(*st, on);
  while (st->Step()) {
    BranchRow r;
    r.id = st->GetInt(0);
    r.code = st->GetText(1);
    r.name = st->GetText(2);
    r.province_era = st->GetText(3);
    r.province_code = st->GetText(4);
    r.period = ReadPeriod(*st, 5, 6);
    out.push_back(std::move(r));
  }
  return out;
}

constexpr const char* kOfficesOn =
    "SELECT o.id, o.code, v.name, v.branch_id, v.kind, v.valid_from, v.valid_to "
    "FROM office_version v JOIN office o ON o.id = v.office_id "
    "WHERE v.valid_from <= ? AND (v.valid_to IS NULL OR v.valid_to > ?)";
std::vector<OfficeRow> NetworkStore::OfficesOn(Date on, std::optional<int64_t> parent) {
  std::vector<OfficeRow> out;
  auto st = db_.Prepare(std::string(kOfficesOn) + (parent ? " AND v.branch_id = ?" : "") +
                        " ORDER BY o.code");
  BindOn(*st, on);
  if (parent) st->BindInt(3, *parent);
  while (st->Step()) {
    OfficeRow r;
    r.id = st->GetInt(0);
    r.code = st->GetText(1);
    r.name = st->GetText(2);
    r.branch_id = st->GetInt(3);
    r.kind = st->GetText(4);
    r.period = ReadPeriod(*st, 5, 6);
    out.push_back(std::move(r));
  }
  return out;
}

constexpr const char* kPointsOn =
    "SELECT p.id, p.code, v.name, v.office_id, v.session_day, v.site_commune_era, "
    "v.site_commune_code, v.report_commune_era, v.report_commune_code, v.valid_from, v.valid_to "
    "FROM commune_point_version v JOIN commune_point p ON p.id = v.point_id "
    "WHERE v.valid_from <= ? AND (v.valid_to IS NULL OR v.valid_to > ?)";
std::vector<PointRow> NetworkStore::PointsOn(Date on, std::optional<int64_t> parent) {
  std::vector<PointRow> out;
  auto st = db_.Prepare(std::string(kPointsOn) + (parent ? " AND v.office_id = ?" : "") +
                        " ORDER BY p.code");
  BindOn(*st, on);
  if (parent) st->BindInt(3, *parent);
  while (st->Step()) {
    PointRow r;
    r.id = st->GetInt(0);
    r.code = st->GetText(1);
    r.name = st->GetText(2);
    r.office_id = st->GetInt(3);
    r.session_day = static_cast<int>(st->GetInt(4));
    r.site_era = st->GetText(5);
    r.site_code = st->GetText(6);
    r.report_era = st->GetText(7);
    r.report_code = st->GetText(8);
    r.period = ReadPeriod(*st, 9, 10);
    out.push_back(std::move(r));
  }
  return out;
}

constexpr const char* kVillagesOn =
    "SELECT g.id, g.code, v.name, v.commune_era, v.commune_code, v.valid_from, v.valid_to "
    "FROM village_version v JOIN village g ON g.id = v.village_id "
    "WHERE v.valid_from <= ? AND (v.valid_to IS NULL OR v.valid_to > ?) ORDER BY g.code";
std::vector<VillageRow> NetworkStore::VillagesOn(Date on) {
  std::vector<VillageRow> out;
  auto st = db_.Prepare(kVillagesOn);
  BindOn(*st, on);
  while (st->Step()) {
    VillageRow r;
    r.id = st->GetInt(0);
    r.code = st->GetText(1);
    r.name = st->GetText(2);
    r.commune_era = st->GetText(3);
    r.commune_code = st->GetText(4);
    r.period = ReadPeriod(*st, 5, 6);
    out.push_back(std::move(r));
  }
  return out;
}

constexpr const char* kGroupsOn =
    "SELECT g.id, g.code, v.name, v.point_id, v.village_id, v.association_code, v.commune_era, "
    "v.commune_code, v.valid_from, v.valid_to "
    "FROM savings_group_version v JOIN savings_group g ON g.id = v.group_id "
    "WHERE v.valid_from <= ? AND (v.valid_to IS NULL OR v.valid_to > ?)";
std::vector<GroupRow> NetworkStore::GroupsOn(Date on, std::optional<int64_t> parent) {
  std::vector<GroupRow> out;
  auto st = db_.Prepare(std::string(kGroupsOn) + (parent ? " AND v.point_id = ?" : "") +
                        " ORDER BY g.code");
  BindOn(*st, on);
  if (parent) st->BindInt(3, *parent);
  while (st->Step()) {
    GroupRow r;
    r.id = st->GetInt(0);
    r.code = st->GetText(1);
    r.name = st->GetText(2);
    r.point_id = st->GetInt(3);
    if (!st->IsNull(4)) r.village_id = st->GetInt(4);
    r.association_code = static_cast<int>(st->GetInt(5));
    r.commune_era = st->GetText(6);
    r.commune_code = st->GetText(7);
    r.period = ReadPeriod(*st, 8, 9);
    out.push_back(std::move(r));
  }
  return out;
}

constexpr const char* kAssociationUnitsOn =
    "SELECT id, association_code, level, area_era, area_code, name, valid_from, valid_to "
    "FROM association_unit WHERE valid_from <= ? AND (valid_to IS NULL OR valid_to > ?) "
    "ORDER BY level, area_code, association_code";
std::vector<AssociationUnitRow> NetworkStore::AssociationUnitsOn(Date on) {
  std::vector<AssociationUnitRow> out;
  auto st = db_.Prepare(kAssociationUnitsOn);
  BindOn(*st, on);
  while (st->Step()) {
    AssociationUnitRow r;
    r.id = st->GetInt(0);
    r.association_code = static_cast<int>(st->GetInt(1));
    r.level = st->GetText(2);
    r.area_era = st->GetText(3);
    r.area_code = st->GetText(4);
    r.name = st->GetText(5);
    r.period = ReadPeriod(*st, 6, 7);
    out.push_back(std::move(r));
  }
  return out;
}

std::optional<NetworkStore::Identity> NetworkStore::FindUnit(const std::string& table,
                                                             const std::string& code) {
  TDCS_CHECK(table == "branch" || table == "office" || table == "commune_point" ||
             table == "village" || table == "savings_group");
  auto& st = db_.Cached("SELECT id, valid_from, valid_to FROM " + table + " WHERE code = ?");
  st.BindText(1, code);
  if (!st.Step()) return std::nullopt;
  Identity out{st.GetInt(0), ReadPeriod(st, 1, 2)};
  st.Reset();
  return out;
}

constexpr const char* kVillageCommuneOn =
    "SELECT commune_era, commune_code FROM village_version WHERE village_id = ? AND "
    "valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)";
std::optional<std::pair<std::string, std::string>> NetworkStore::VillageCommuneOn(
    int64_t village_id, Date on) {
  auto& st = db_.Cached(kVillageCommuneOn);
  st.BindInt(1, village_id);
  BindOn(st, on, 2);
  if (!st.Step()) return std::nullopt;
  auto out = std::make_pair(st.GetText(0), st.GetText(1));
  st.Reset();
  return out;
}

constexpr const char* kHasAssociationUnits =
    "SELECT COUNT(*) FROM association_unit WHERE level = ? AND area_era = ? AND area_code = ? "
    "AND valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)";
bool NetworkStore::HasAssociationUnits(const std::string& level, const std::string& era,
                                       const std::string& area_code, Date on) {
  auto& st = db_.Cached(kHasAssociationUnits);
  st.BindText(1, level);
  st.BindText(2, era);
  st.BindText(3, area_code);
  BindOn(st, on, 4);
  st.Step();
  const bool any = st.GetInt(0) > 0;
  st.Reset();
  return any;
}

constexpr const char* kBorrowerByCitizenId = "SELECT id FROM borrower WHERE citizen_id = ?";
std::optional<int64_t> NetworkStore::FindBorrowerIdByCitizenId(const std::string& citizen_id) {
  return db_.LookupInt(kBorrowerByCitizenId, citizen_id);
}

std::string NetworkStore::BorrowerCode(int64_t borrower_id) {
  return db_.LookupText("SELECT code FROM borrower WHERE id = ?", borrower_id).value_or("");
}

std::optional<Date> NetworkStore::BorrowerValidFrom(int64_t borrower_id) {
  auto text = db_.LookupText("SELECT valid_from FROM borrower WHERE id = ?", borrower_id);
  return text ? Date::Parse(*text) : std::nullopt;
}

std::optional<Date> NetworkStore::ReformAppliedOn() {
  auto text = db_.LookupText(
      "SELECT effective_date FROM network_operation WHERE kind = 'reform_2025' AND id <> ?", 0);
  return text ? Date::Parse(*text) : std::nullopt;
}

constexpr const char* kBorrowerByCode = "SELECT id FROM borrower WHERE code = ?";
std::optional<int64_t> NetworkStore::FindBorrowerIdByCode(const std::string& code) {
  return db_.LookupInt(kBorrowerByCode, code);
}

namespace {
std::unordered_map<std::string, int64_t> BorrowerIdsBy(Database& db, const char* pg_head,
                                                       const char* head,
                                                       const std::vector<std::string>& keys) {
  std::unordered_map<std::string, int64_t> out;
  QueryIn(db, db.engine() == Engine::kPostgres ? pg_head : head, "", {}, keys,
          [&](const Statement& st) { out.emplace(st.GetText(0), st.GetInt(1)); });
  return out;
}
}  // namespace

std::unordered_map<std::string, int64_t> NetworkStore::FindBorrowerIdsByCode(
    const std::vector<std::string>& codes) {
  return BorrowerIdsBy(db_,
                       "SELECT k.code, k.borrower_id FROM unique_borrower_code k JOIN borrower b "
                       "ON b.id = k.borrower_id WHERE k.code",
                       "SELECT code, id FROM borrower WHERE code", codes);
}

std::unordered_map<std::string, int64_t> NetworkStore::FindBorrowerIdsByCitizenId(
    const std::vector<std::string>& citizen_ids) {
  return BorrowerIdsBy(db_,
                       "SELECT k.citizen_id, k.borrower_id FROM unique_borrower_citizen_id k "
                       "JOIN borrower b ON b.id = k.borrower_id WHERE k.citizen_id",
                       "SELECT citizen_id, id FROM borrower WHERE citizen_id", citizen_ids);
}

namespace {
std::vector<MembershipRow> ReadMemberships(Statement& st) {
  std::vector<MembershipRow> out;
  while (st.Step()) {
    MembershipRow r;
    r.id = st.GetInt(0);
    r.borrower_id = st.GetInt(1);
    r.group_id = st.GetInt(2);
    r.role = st.GetText(3);
    r.period = ReadPeriod(st, 4, 5);
    out.push_back(std::move(r));
  }
  return out;
}
}  // namespace

constexpr const char* kMembershipsOfBorrower =
    "SELECT id, borrower_id, group_id, role, valid_from, valid_to FROM membership "
    "WHERE borrower_id = ? ORDER BY valid_from";
std::vector<MembershipRow> NetworkStore::MembershipsOfBorrower(int64_t borrower_id) {
  auto& st = db_.Cached(kMembershipsOfBorrower);
  st.BindInt(1, borrower_id);
  return ReadMemberships(st);
}

constexpr const char* kMembershipsOfGroup =
    "SELECT id, borrower_id, group_id, role, valid_from, valid_to FROM membership "
    "WHERE group_id = ? ORDER BY valid_from";
std::vector<MembershipRow> NetworkStore::MembershipsOfGroup(int64_t group_id) {
  auto& st = db_.Cached(kMembershipsOfGroup);
  st.BindInt(1, group_id);
  return ReadMemberships(st);
}

NetworkCounts NetworkStore::CountsOn(Date on) {
  NetworkCounts c;
  auto count = [&](const std::string& from_where) {
    auto st = db_.Prepare("SELECT COUNT(*) FROM " + from_where);
    BindOn(*st, on);
    st->Step();
    return st->GetInt(0);
  };
  const std::string in_force = std::string(" WHERE ") + kInForce;
  c.branches = count("branch_version" + in_force);
  c.offices = count("office_version" + in_force + " AND kind = 'office'");
  c.seats = count("office_version" + in_force + " AND kind = 'seat'");
  c.points = count("commune_point_version" + in_force);
  c.villages = count("village_version" + in_force);
  c.groups = count("savings_group_version" + in_force);
  c.borrowers = count("borrower_version" + in_force);
  c.memberships = count("membership" + in_force);
  c.association_units = count("association_unit" + in_force);
  return c;
}

constexpr const char* kPlacementOn =
    "SELECT m.group_id, g.point_id, p.office_id, p.session_day, g.association_code "
    "FROM membership m "
    "JOIN savings_group_version g ON g.group_id = m.group_id "
    "AND g.valid_from <= ? AND (g.valid_to IS NULL OR g.valid_to > ?) "
    "JOIN commune_point_version p ON p.point_id = g.point_id "
    "AND p.valid_from <= ? AND (p.valid_to IS NULL OR p.valid_to > ?) "
    "WHERE m.borrower_id = ? AND m.valid_from <= ? AND (m.valid_to IS NULL OR m.valid_to > ?)";
std::optional<NetworkStore::Placement> NetworkStore::PlacementOn(int64_t borrower_id, Date on) {
  auto& st = db_.Cached(kPlacementOn);
  BindOn(st, on, 1);
  BindOn(st, on, 3);
  st.BindInt(5, borrower_id);
  BindOn(st, on, 6);
  if (!st.Step()) return std::nullopt;
  Placement p{st.GetInt(0), st.GetInt(1), st.GetInt(2), static_cast<int>(st.GetInt(3)),
              static_cast<int>(st.GetInt(4))};
  st.Reset();
  return p;
}

constexpr const char* kCategoriesOn =
    "SELECT categories FROM borrower_version WHERE borrower_id = ? AND valid_from <= ? AND "
    "(valid_to IS NULL OR valid_to > ?)";
std::optional<std::string> NetworkStore::CategoriesOn(int64_t borrower_id, Date on) {
  auto& st = db_.Cached(kCategoriesOn);
  st.BindInt(1, borrower_id);
  BindOn(st, on, 2);
  if (!st.Step()) return std::nullopt;
  std::string out = st.GetText(0);
  st.Reset();
  return out;
}

const char* const kSelectBorrowersOn =
    "SELECT b.id, b.code, COALESCE(v.name, b.name), b.name_folded, b.citizen_id, b.birth_date, "
    "b.sex, b.valid_from, v.address, v.village_id, v.categories, g.code, m.role, vl.code, "
    "m.valid_from "
    "FROM borrower b JOIN borrower_version v ON v.borrower_id = b.id "
    "AND v.valid_from <= ? AND (v.valid_to IS NULL OR v.valid_to > ?) "
    "LEFT JOIN membership m ON m.borrower_id = b.id "
    "AND m.valid_from <= ? AND (m.valid_to IS NULL OR m.valid_to > ?) "
    "LEFT JOIN savings_group g ON g.id = m.group_id "
    "LEFT JOIN village vl ON vl.id = v.village_id ORDER BY b.code";

void NetworkStore::BindBorrowerOn(Statement& st, Date on) {
  BindOn(st, on, 1);
  BindOn(st, on, 3);
}

NetworkStore::BorrowerOn ReadBorrowerOn(const Statement& st) {
  NetworkStore::BorrowerOn out;
  out.borrower = ReadBorrowerVersionColumns(st);
  if (!st.IsNull(11)) {
    out.group_code = st.GetText(11);
    out.role = st.GetText(12);
    out.membership_from = *Date::Parse(st.GetText(14));
  }
  if (!st.IsNull(13)) out.village_code = st.GetText(13);
  return out;
}

namespace {

constexpr const char* kBorrowerColumns =
    "SELECT id, code, name, name_folded, citizen_id, birth_date, sex, valid_from FROM borrower ";

std::vector<BorrowerRow> ReadBorrowers(Statement& st) {
  std::vector<BorrowerRow> out;
  while (st.Step()) {
    BorrowerRow r;
    r.id = st.GetInt(0);
    r.code = st.GetText(1);
    r.name = st.GetText(2);
    r.name_folded = st.GetText(3);
    r.citizen_id = st.GetText(4);
    r.birth_date = *Date::Parse(st.GetText(5));
    r.sex = st.GetText(6);
    r.valid_from = *Date::Parse(st.GetText(7));
    out.push_back(std::move(r));
  }
  return out;
}

// The smallest string above every string that starts with `prefix` (ASCII).
std::string PrefixEnd(std::string prefix) {
  while (!prefix.empty() && static_cast<unsigned char>(prefix.back()) >= 0x7e) prefix.pop_back();
  if (!prefix.empty()) prefix.back() = static_cast<char>(prefix.back() + 1);
  return prefix.empty() ? std::string("\x7f") : prefix;
}

}  // namespace

std::string NetworkStore::MemberOfArea(const SearchArea& area, const std::string& borrower_id_sql) {
  // A member, on the date, of a group whose point and office then lie in the area.
  static constexpr const char* kUnit[] = {"1", "o.branch_id", "p.office_id", "g.point_id",
                                          "m.group_id"};
  return std::string(
             "EXISTS (SELECT 1 FROM membership m "
             "JOIN savings_group_version g ON g.group_id = m.group_id AND g.valid_from <= ? "
             "AND (g.valid_to IS NULL OR g.valid_to > ?) "
             "JOIN commune_point_version p ON p.point_id = g.point_id AND p.valid_from <= ? "
             "AND (p.valid_to IS NULL OR p.valid_to > ?) "
             "JOIN office_version o ON o.office_id = p.office_id AND o.valid_from <= ? "
             "AND (o.valid_to IS NULL OR o.valid_to > ?) WHERE m.borrower_id = ") +
         borrower_id_sql +
         " AND m.valid_from <= ? AND (m.valid_to IS NULL OR m.valid_to > ?) AND " +
         kUnit[area.kind] + " = ?" + (area.association ? " AND g.association_code = ?" : "") + ")";
}

int NetworkStore::BindMemberOfArea(Statement& st, int i, const SearchArea& area) {
  for (int k = 0; k < 8; ++k) st.BindText(i++, area.on.ToIso());
  st.BindInt(i++, area.unit_id);
  if (area.association) st.BindInt(i++, area.association);
  return i;
}

std::vector<BorrowerRow> NetworkStore::SearchBorrowers(const std::string& text, SearchMode mode,
                                                       int limit, const SearchArea* area) {
  std::string sql = kBorrowerColumns;
  switch (mode) {
    case SearchMode::kNumberPrefix:
      // A customer code by its start; a citizen ID only whole (a prefix search
      // would give away the digits a masked ID hides).
      sql += "WHERE ((code >= ? AND code < ?) OR citizen_id = ?)";
      break;
    case SearchMode::kNamePrefix:
      sql += "WHERE name_folded >= ? AND name_folded < ?";
      break;
    case SearchMode::kNameContains:
      sql += "WHERE name_folded LIKE ?";
      break;
  }
  if (area != nullptr) sql += " AND " + MemberOfArea(*area, "borrower.id");
  sql += " LIMIT ?";
  auto& st = db_.Cached(sql);  // (a few texts in all: kept prepared)
  int i = 1;
  if (mode == SearchMode::kNameContains) {
    st.BindText(i++, "%" + text + "%");
  } else {
    st.BindText(i++, text);
    st.BindText(i++, PrefixEnd(text));
    if (mode == SearchMode::kNumberPrefix) st.BindText(i++, text);
  }
  if (area != nullptr) i = BindMemberOfArea(st, i, *area);
  st.BindInt(i, limit);
  return ReadBorrowers(st);
}

constexpr const char* kReformApplied =
    "SELECT COUNT(*) FROM network_operation WHERE kind = 'reform_2025'";
bool NetworkStore::ReformApplied() { return db_.QueryInt(kReformApplied).value_or(0) > 0; }

constexpr const char* kRecordReform =
    "INSERT INTO network_operation (id, kind, effective_date, applied_at, summary) "
    "VALUES (?, 'reform_2025', ?, ?, ?)";
void NetworkStore::RecordReform(Date on, const std::string& summary) {
  auto& st = db_.Cached(kRecordReform);
  st.BindInt(1, ReserveIds("network_operation", 1));
  st.BindText(2, on.ToIso());
  st.BindText(3, on.ToIso());
  st.BindText(4, summary);
  st.Run();
}

bool NetworkStore::HasNetwork() {
  return db_.QueryInt("SELECT COUNT(*) FROM branch").value_or(0) > 0;
}

std::string NetworkStore::ContentHash(std::string_view bytes) {
  unsigned char hash[crypto_generichash_BYTES];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size(), nullptr, 0);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : hash) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

std::optional<std::pair<std::string, int64_t>> NetworkStore::FindImportedFile(
    const std::string& kind, const std::string& hash) {
  auto& st = db_.Cached(
      "SELECT imported_on, rows_imported FROM import_file WHERE kind = ? AND content_hash = ?");
  st.BindText(1, kind);
  st.BindText(2, hash);
  if (!st.Step()) return std::nullopt;
  auto out = std::make_pair(st.GetText(0), st.GetInt(1));
  st.Reset();
  return out;
}

void NetworkStore::RecordImportedFile(const std::string& kind, const std::string& hash,
                                      int64_t rows, const std::string& imported_on) {
  auto& st = db_.Cached(
      "INSERT INTO import_file (kind, content_hash, rows_imported, imported_on) VALUES (?, ?, ?, "
      "?) ON CONFLICT (kind, content_hash) DO NOTHING");
  st.BindText(1, kind);
  st.BindText(2, hash);
  st.BindInt(3, rows);
  st.BindText(4, imported_on);
  st.Run();
}

}  // namespace tdcs::store
