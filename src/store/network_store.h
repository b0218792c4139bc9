// NetworkStore: reads and writes the bank's network, borrowers and
// memberships (tables of migration 0001). Every unit has an identity row
// (code, opened, closed) and versions: [valid_from, valid_to) rows holding its
// name and links, so the structure as of any date is a query.
//
// Writes do not check business rules (app/ does, before writing); they assume
// their caller runs them inside one Transaction. Faults are StorageFault.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/date.h"
#include "store/db.h"

namespace tdcs::store {

struct BranchRow {
  int64_t id = 0;
  std::string code, name, province_era, province_code;
  Period period;  // of this version
};
struct OfficeRow {
  int64_t id = 0;
  std::string code, name;
  int64_t branch_id = 0;
  std::string kind = "office";  // office | seat
  Period period;
};
struct PointRow {
  int64_t id = 0;
  std::string code, name;
  int64_t office_id = 0;
  int session_day = 1;
  std::string site_era, site_code, report_era, report_code;
  Period period;
};
struct VillageRow {
  int64_t id = 0;
  std::string code, name, commune_era, commune_code;
  Period period;
};
struct GroupRow {
  int64_t id = 0;
  std::string code, name;
  int64_t point_id = 0;
  std::optional<int64_t> village_id;
  int association_code = 12;
  std::string commune_era, commune_code;
  Period period;
};
struct BorrowerRow {
  int64_t id = 0;
  std::string code, name, name_folded, citizen_id;
  Date birth_date;
  std::string sex;  // male | female
  Date valid_from;
  std::string address;
  std::optional<int64_t> village_id;
  std::string categories;  // ';'-separated keys
};
struct MembershipRow {
  int64_t id = 0;
  int64_t borrower_id = 0, group_id = 0;
  std::string role = "member";
  Period period;
};
struct AssociationUnitRow {
  int64_t id = 0;
  int association_code = 0;
  std::string level, area_era, area_code, name;
  Period period;
};

// Counts of the structure in force on a date.
struct NetworkCounts {
  int64_t branches = 0, offices = 0, seats = 0, points = 0, villages = 0, groups = 0, borrowers = 0,
          memberships = 0, association_units = 0;
};

class NetworkStore {
 public:
  // Single ids one at a time at first (a use case adding one unit takes
  // exactly its id), then in growing blocks (a load's thousands).
  explicit NetworkStore(Database& db) : db_(db), ids_(db, 1) {}

  // Reserves `count` consecutive ids of a sequence; returns the first. A
  // single one comes from the block this object keeps (IdBlocks), but a
  // branch's.
  int64_t ReserveIds(const std::string& sequence, int64_t count);

  // The reports' network series follow every change of groups, members and
  // points (store/report_store.h TouchGroups). A bulk load that rebuilds them
  // once at its end (RebuildNetworkSeries) defers them instead.
  void DeferReportSeries() { defer_report_series_ = true; }

  // Inserts identity + first version; assigns row.id if it is 0.
  void AddBranch(BranchRow& row);
  void AddOffice(OfficeRow& row);
  void AddPoint(PointRow& row);
  void AddVillage(VillageRow& row);
  void AddGroup(GroupRow& row);
  void AddBorrower(BorrowerRow& row);
  void AddMembership(MembershipRow& row);
  void AddAssociationUnit(AssociationUnitRow& row);
  // Sets the end of a membership period.
  void EndMembership(int64_t membership_id, Date date);

  // Ends the open version of a unit on `date` and starts `row` (same id) from it.
  void ReviseBranch(const BranchRow& row);
  void ReviseOffice(const OfficeRow& row);
  void RevisePoint(const PointRow& row);
  void ReviseVillage(const VillageRow& row);
  void ReviseGroup(const GroupRow& row);
  // A borrower's new version from row.valid_from: name, address, village,
  // categories (the identity — code, citizen ID, birth date, sex — stays).
  void ReviseBorrower(const BorrowerRow& row);
  // The borrower with the version in force now (the latest), or on `on`.
  std::optional<BorrowerRow> LoadBorrower(int64_t borrower_id,
                                          std::optional<Date> on = std::nullopt);
  // The start of the latest version of a unit (`table`: branch, office,
  // commune_point, village, savings_group, borrower).
  std::optional<Date> OpenVersionFrom(const std::string& table, int64_t id);
  // A point's office and session day on a date; a group's point on a date.
  std::optional<std::pair<int64_t, int>> PointLinksOn(int64_t point_id, Date on);
  std::optional<int64_t> GroupPointOn(int64_t group_id, Date on);
  // A group's point and association on a date.
  std::optional<std::pair<int64_t, int>> GroupPointAndAssociationOn(int64_t group_id, Date on);
  // The code of a unit (`table`: office, commune_point, savings_group, …), "" if none.
  std::string UnitCode(const std::string& table, int64_t id);
  // The branch an office is of on a date.
  std::optional<int64_t> OfficeBranchOn(int64_t office_id, Date on);
  // Loans applied for, approved or active of the borrowers a point
  // (`table` commune_point) or a group (savings_group) serves on a date.
  int64_t OpenLoansServedBy(const std::string& table, int64_t id, Date on);
  // Closes a unit (identity and open version) on `date`.
  void CloseBranch(int64_t id, Date date);
  void CloseAssociationUnitsOf(const std::string& level, const std::string& era, Date date);

  // Versions in force on `on`, ordered by code; with `parent`, only the
  // offices of that branch, the points of that office, the groups of that point.
  std::vector<BranchRow> BranchesOn(Date on);
  std::vector<OfficeRow> OfficesOn(Date on, std::optional<int64_t> parent = std::nullopt);
  std::vector<PointRow> PointsOn(Date on, std::optional<int64_t> parent = std::nullopt);
  std::vector<VillageRow> VillagesOn(Date on);
  std::vector<GroupRow> GroupsOn(Date on, std::optional<int64_t> parent = std::nullopt);
  std::vector<AssociationUnitRow> AssociationUnitsOn(Date on);

  // Identity lookups by code (any date): id and the identity's period.
  struct Identity {
    int64_t id = 0;
    Period period;
  };
  std::optional<Identity> FindUnit(const std::string& table, const std::string& code);
  // The commune (era, code) of a village on a date.
  std::optional<std::pair<std::string, std::string>> VillageCommuneOn(int64_t village_id, Date on);
  // Whether association units of `level` exist for an area, open on `on`.
  bool HasAssociationUnits(const std::string& level, const std::string& era,
                           const std::string& area_code, Date on);
  std::optional<int64_t> FindBorrowerIdByCitizenId(const std::string& citizen_id);
  std::optional<int64_t> FindBorrowerIdByCode(const std::string& code);
  // The same for many at once (an import's): code (or citizen ID) → id, for
  // those that exist. PostgreSQL reads the key tables (one index each)
  // rather than the index of every branch partition.
  std::unordered_map<std::string, int64_t> FindBorrowerIdsByCode(
      const std::vector<std::string>& codes);
  std::unordered_map<std::string, int64_t> FindBorrowerIdsByCitizenId(
      const std::vector<std::string>& citizen_ids);
  std::string BorrowerCode(int64_t borrower_id);
  std::optional<Date> BorrowerValidFrom(int64_t borrower_id);
  // The date the network was moved onto the 2025 structure, if it was.
  std::optional<Date> ReformAppliedOn();
  // Whether the 2025 reform was applied, and its record (network_operation).
  bool ReformApplied();
  void RecordReform(Date on, const std::string& summary);
  // Files imported before, by kind and the BLAKE2b hash of their bytes
  // (ContentHash): the date and the rows of the import, if there was one.
  static std::string ContentHash(std::string_view bytes);
  std::optional<std::pair<std::string, int64_t>> FindImportedFile(const std::string& kind,
                                                                  const std::string& hash);
  void RecordImportedFile(const std::string& kind, const std::string& hash, int64_t rows,
                          const std::string& imported_on);
  // Whether any branch exists (a database that already holds a network).
  bool HasNetwork();

  // Every membership period of a borrower / of a group.
  std::vector<MembershipRow> MembershipsOfBorrower(int64_t borrower_id);
  std::vector<MembershipRow> MembershipsOfGroup(int64_t group_id);

  NetworkCounts CountsOn(Date on);

  // Where a borrower is served on a date: group, point, office, session day.
  struct Placement {
    int64_t group_id = 0, point_id = 0, office_id = 0;
    int session_day = 1;
    int association = 0;  // the group's
  };
  std::optional<Placement> PlacementOn(int64_t borrower_id, Date on);
  // The household's categories (';'-separated) on a date.
  std::optional<std::string> CategoriesOn(int64_t borrower_id, Date on);

  // Borrowers with their version and membership in force on `on`, by code.
  struct BorrowerOn {
    BorrowerRow borrower;
    std::string group_code, role;
    std::string village_code;
    Date membership_from;
  };
  // Calls `visit` for each, streaming (the national table does not fit a vector comfortably).
  template <typename Visit>
  void ForEachBorrowerOn(Date on, Visit&& visit);

  // Borrowers found by text, at most `limit`, in no particular order:
  //  kNumberPrefix: code starting with the digits, or the whole citizen ID (indexed);
  //  kNamePrefix:   folded name starting with the folded text (indexed);
  //  kNameContains: folded name containing it anywhere (a scan).
  enum class SearchMode { kNumberPrefix, kNamePrefix, kNameContains };
  // Only the borrowers members on `on` of a group in an area (a branch's,
  // an office's, a point's, or the group itself), of one association when
  // `association` is not 0.
  struct SearchArea {
    int kind = 0;  // 0 the whole bank (unit_id 1), 1 branch, 2 office, 3 point, 4 group
    int64_t unit_id = 0;
    int association = 0;
    Date on;
  };
  std::vector<BorrowerRow> SearchBorrowers(const std::string& text, SearchMode mode, int limit,
                                           const SearchArea* area = nullptr);
  // The condition "the borrower `borrower_id_sql` is a member of the area"
  // (an EXISTS over memberships, groups, points, offices in force on
  // area.on), and the binding of its parameters from `index` (the next).
  static std::string MemberOfArea(const SearchArea& area, const std::string& borrower_id_sql);
  static int BindMemberOfArea(Statement& st, int index, const SearchArea& area);

  Database& db() { return db_; }

 private:
  void BindBorrowerOn(Statement& st, Date on);
  void TouchGroup(int64_t group_id);
  Database& db_;
  IdBlocks ids_;  // this object's single ids
  bool defer_report_series_ = false;
};

// Statement text and row mapping for ForEachBorrowerOn.
extern const char* const kSelectBorrowersOn;
NetworkStore::BorrowerOn ReadBorrowerOn(const Statement& st);

template <typename Visit>
void NetworkStore::ForEachBorrowerOn(Date on, Visit&& visit) {
  auto st = db_.Prepare(kSelectBorrowersOn);
  BindBorrowerOn(*st, on);
  while (st->Step()) visit(ReadBorrowerOn(*st));
}

}  // namespace tdcs::store
