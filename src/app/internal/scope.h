// Private to the app library: whether a thing lies in the actor's area
// (docs/RULES.md §14). The scope is stored with its kind ("national",
// "branch:CODE", "office:CODE", "group:CODE"); an association officer's area
// is further their association's groups. Structure is taken on the date the
// request is about.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>

#include "app/context.h"
#include "app/internal/area.h"
#include "base/date.h"
#include "store/db.h"
#include "store/network_store.h"

namespace tdcs::app {

// The date areas are judged on: the business date (where the thing is now:
// a borrower who moved away is no longer the old office's, whatever date a
// request names), or `asked` before the books have one.
Date ScopeDate(store::Database& db, Date asked);

// What the area and the approval limits need of a loan, read without
// loading it (LoadLoan in a write notes the loan for the reports: only after
// its lock).
struct LoanFacts {
  int64_t borrower_id = 0, office_id = 0;
  std::string status;
  int64_t approved_dong = 0;
};
std::optional<LoanFacts> ReadLoanFacts(store::Database& db, int64_t loan_id);

class ScopeCheck {
 public:
  ScopeCheck(store::Database& db, const Actor& actor);
  bool national() const { return kind_ == store::AreaKind::kNational && association_ == 0; }
  // A borrower served (on `on`) by a group in the area. A borrower who is no
  // member of any group then is in the area of the office that holds
  // `office_id` (a loan's), when given.
  bool Borrower(int64_t borrower_id, Date on, int64_t office_id = 0);
  bool Office(int64_t office_id, Date on);
  bool Loan(const LoanFacts& loan, Date on) {
    return Borrower(loan.borrower_id, on, loan.office_id);
  }
  bool Point(int64_t point_id, Date on);
  // Whether the actor sees something of the point: the point in the area,
  // or one of its groups (a group leader's, an association officer's).
  bool Reaches(int64_t point_id, Date on);
  // Whether the actor sees all of a point's groups (else: filter by Group).
  bool WholePoints() const { return association_ == 0 && kind_ != store::AreaKind::kGroup; }
  // Asked once per group and date: a list checks its lines group by group.
  bool Group(int64_t group_id, Date on);
  // A unit asked for (a report's): it lies in the area (an association
  // officer's too: their reports are limited to the association besides).
  bool Area(const ResolvedArea& area, Date on);
  // The area itself as a unit name for ResolveArea ("national", "office:X", …).
  std::string AreaName() const;
  int association() const { return association_; }
  // The area as a borrower search's filter (nothing for the whole bank).
  std::optional<store::NetworkStore::SearchArea> SearchArea(Date on) const;

 private:
  bool ContainsUnit(const ResolvedArea& area, Date on);
  bool GroupInArea(int64_t group_id, Date on);
  std::optional<int64_t> BranchOfOffice(int64_t office_id, Date on);
  std::optional<int64_t> OfficeOfPoint(int64_t point_id, Date on);
  std::optional<std::pair<int64_t, int>> PointOfGroup(int64_t group_id, Date on);

  store::Database& db_;
  store::AreaKind kind_ = store::AreaKind::kNational;
  int64_t unit_id_ =
      0;  // 0 with a kind other than national: the unit is unknown (nothing is in scope)
  std::string scope_;
  int association_ = 0;
  // Group's answers, by group, date and the association filter then in
  // force (Area and Reaches lift it for a while).
  std::map<std::tuple<int64_t, Date, int>, bool> groups_;
};

}  // namespace tdcs::app
