// The reports' read model (migration 0019, docs/RULES.md §9): per unit —
// nation, office, commune point, savings group — association, program and
// fund source, each measure's value at the end of every day it changed.
// ReportWriter adds the effect of loan entries in the caller's transaction
// (LoanStore::PostEntry calls it); ValuesOn reads what the model holds on a
// date for a set of units.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "base/date.h"
#include "reports/measures.h"
#include "store/db.h"

namespace tdcs::store {

// Levels of the model.
inline constexpr char kLevelNation = 'n';
inline constexpr char kLevelOffice = 'o';
inline constexpr char kLevelPoint = 'p';
inline constexpr char kLevelGroup = 'g';

// The network's series (RULES §9.1): groups in force and their member
// households, per association, of the nation, of each office (by the office
// of the group's commune point on each day) and of each commune point (a
// commune's are its points'; migration 0027). Measures "groups" and
// "members".
inline constexpr char kLevelNationNetwork = 'N';
inline constexpr char kLevelOfficeNetwork = 'O';
inline constexpr char kLevelPointNetwork = 'P';
inline constexpr const char* kNetworkGroups = "groups";
inline constexpr const char* kNetworkMembers = "members";

struct SeriesKey {
  char level = kLevelNation;
  int64_t unit_id = 0;
  int association = 0;
  std::string program;
  int fund_source = 0;
  std::string measure;
  std::string Text() const;
  auto Tie() const { return std::tie(level, unit_id, association, program, fund_source, measure); }
  bool operator<(const SeriesKey& o) const { return Tie() < o.Tie(); }
};

// Changes of series by day, to be added (a day's change also moves every
// later day's value).
using SeriesChanges = std::map<std::pair<SeriesKey, Date>, int64_t>;
void WriteSeriesChanges(Database& db, const SeriesChanges& changes);

// The changes the network tables give the network series for `groups` —
// +1 on the day a group (a member) comes into force at an office, −1 on the
// day it leaves — times `sign`, added to `out`. All groups when `all`.
void AddNetworkChanges(Database& db, const std::vector<int64_t>& groups, bool all, int sign,
                       SeriesChanges& out);

// Keeps the network series with the network tables (NetworkStore calls it):
// TouchGroups before a write that changes the groups' versions, members or
// their point's versions, in the write transaction. The first touch of a
// group in a transaction takes its contribution as the tables hold it; just
// before the commit the contributions as they are then replace them. Past
// kRebuildAbove groups in one transaction, the network series are rebuilt
// whole instead.
void TouchGroups(Database& db, const std::vector<int64_t>& groups);
void TouchGroupsOfPoint(Database& db, int64_t point_id);
inline constexpr size_t kRebuildAbove = 5'000;
// Replaces the network series with what the tables give (a bulk load, the
// migration), in the caller's transaction.
void RebuildNetworkSeries(Database& db);

class ReportWriter {
 public:
  explicit ReportWriter(Database& db) : db_(db) {}
  // The effect of one loan entry dated `day`, at each level the loan has a
  // unit at. Household changes are counted at once (a read of
  // report_household); the rest is kept until Flush.
  void Add(const reports::LoanPlace& place, Date day, const reports::EntryEffect& effect);
  // Writes what was added, in the caller's transaction.
  void Flush();
  // Drops what was added and not written (its transaction rolled back).
  void Discard() {
    pending_.clear();
    households_.clear();
  }
  // In memory (the replay of the journal): counts the households added
  // against `owing` instead of the table, and hands over the series' changes.
  void CountHouseholdsIn(std::map<std::string, int64_t>& owing);
  std::map<std::pair<SeriesKey, Date>, int64_t> TakeChanges() { return std::move(pending_); }
  // Loans' outcomes known without a read of loan_outcome: every loan's when
  // `complete` (the replay), else those just saved (a loan not among them
  // is read).
  void UseOutcomes(const std::map<int64_t, std::map<std::string, int>>* outcomes, bool complete) {
    outcomes_ = outcomes;
    outcomes_complete_ = complete;
  }

  // A change of a household's count of loans owing under a unit (key:
  // "borrower|level|unit|association"), and the unit's customers series.
  struct HouseholdChange {
    std::string key;
    SeriesKey customers;
    Date day;
    int change = 0;
  };

 private:
  void AddAtLevels(const reports::LoanPlace& place, Date day, const std::string& measure,
                   const std::string& program, int fund_source, int64_t delta);
  Database& db_;
  std::map<std::pair<SeriesKey, Date>, int64_t> pending_;
  std::vector<HouseholdChange> households_;  // in posting order
  const std::map<int64_t, std::map<std::string, int>>* outcomes_ = nullptr;
  bool outcomes_complete_ = false;
};

// A series' value on a date, summed over the units asked for (or, per
// unit, with the unit's id).
struct SeriesValue {
  int64_t unit_id = 0;
  int association = 0;
  std::string program;
  int fund_source = 0;
  std::string measure;
  int64_t value = 0;
};
std::vector<SeriesValue> ValuesOn(Database& db, char level, const std::vector<int64_t>& units,
                                  Date on, bool per_unit = false);
// The same on several dates at once (one read of the units' series): one
// list per date, in their order.
std::vector<std::vector<SeriesValue>> ValuesOnDays(Database& db, char level,
                                                   const std::vector<int64_t>& units,
                                                   const std::vector<Date>& days,
                                                   bool per_unit = false);

// The commune points in force on a date within units of a level (the
// nation: all), with their office and reporting commune then.
struct PointOn {
  int64_t point_id = 0, office_id = 0;
  std::string code, name, commune_era, commune_code, commune_name;
};
std::vector<PointOn> PointsOn(Database& db, char level, const std::vector<int64_t>& units, Date on);

// The groups in force on a date at the given points: id, code, name, point.
struct GroupOn {
  int64_t group_id = 0, point_id = 0;
  std::string code, name;
};
std::vector<GroupOn> GroupsAtPointsOn(Database& db, const std::vector<int64_t>& points, Date on);

// The units of the model an area is made of on a structure date: the
// offices of a branch; the commune points whose reporting commune is (era,
// code) — the point's version in force then.
std::vector<int64_t> OfficesOfBranchOn(Database& db, int64_t branch_id, Date on);
std::vector<int64_t> PointsOfCommuneOn(Database& db, const std::string& era,
                                       const std::string& code, Date on);

// What the network holds on a date in the units asked for (at `level`),
// optionally of one association: groups in force, their member households,
// the commune points they meet at.
struct NetworkFigures {
  int64_t groups = 0, households = 0, points = 0;
};
NetworkFigures NetworkFiguresOn(Database& db, char level, const std::vector<int64_t>& units,
                                int association, Date on);

// The latest month rated on or before `on` (YYYY-MM; "" when none) and its
// groups in the units by class (tot, kha, trung_binh, yeu).
struct RatingCounts {
  std::string month;
  std::map<std::string, int64_t> by_class;
};
RatingCounts RatingCountsOn(Database& db, char level, const std::vector<int64_t>& units,
                            int association, Date on);
// The latest month rated on or before `on`'s month (YYYY-MM; "" when none).
std::string LatestRatedMonth(Database& db, Date on);
// Groups' code and name (the version in force on `on`, or their latest).
std::map<int64_t, std::pair<std::string, std::string>> GroupNames(Database& db,
                                                                  const std::vector<int64_t>& ids,
                                                                  Date on);

// Rewrites a month's groups by class of the nation and of each office (its
// point's office on the day rated), per association (report_rating, 0020),
// from the month's ratings; ReplaceGroupRatings calls it. And the months
// whose counts differ from their ratings (for tdcs verify).
void WriteRatingCounts(Database& db, const std::string& month);
std::vector<std::string> RatingCountProblems(Database& db);

// A commune's full name in a structure (era L or N), if there is one.
std::optional<std::string> CommuneName(Database& db, const std::string& era,
                                       const std::string& code);
// A unit's name on a date (its version then, or its latest before):
// `table` is branch_version, office_version, commune_point_version or
// savings_group_version, `id_column` its unit column.
std::optional<std::string> UnitNameOn(Database& db, const std::string& table,
                                      const std::string& id_column, int64_t id, Date on);
// The loans applied for by a date, by code: where each is reported.
struct LoanToExport {
  int64_t id = 0;
  std::string code, group, office, point;
  int association = 0;
};
std::vector<LoanToExport> LoansAppliedBy(Database& db, Date on);

// The year's plan (plan_target, 0020): a unit's target outstanding at the
// year's end per program. Level 'n' (unit 0), 'b' (branch) or 'o' (office).
std::map<std::string, int64_t> PlanTargets(Database& db, int year, char level,
                                           const std::vector<int64_t>& units);
// Sets (or replaces) one target.
void SetPlanTarget(Database& db, int year, char level, int64_t unit_id, const std::string& program,
                   int64_t target_dong, Date set_on);
// The branches in force on a date.
std::vector<int64_t> BranchesOn(Database& db, Date on);

// The whole model: every series with every day, and every household's
// count of loans owing per unit (key as HouseholdChange's; zeros left out).
struct ReportModel {
  std::map<SeriesKey, std::map<Date, int64_t>> series;
  std::map<std::string, int64_t> households;
};
// As the tables hold it (for the check).
ReportModel ReadModel(Database& db);
// As the journal says it should be: every loan entry in the journal's
// order, from nothing (RULES §9). RebuildReportModel replaces the tables with
// it (in the caller's transaction; it takes the journal's chain head, as
// every writer of the model does).
ReportModel ComputeModel(Database& db);
void RebuildReportModel(Database& db);

}  // namespace tdcs::store
