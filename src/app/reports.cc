#include "app/reports.h"

#include <algorithm>
#include <array>
#include <functional>
#include <set>
#include <tuple>

#include "app/access.h"
#include "app/export.h"
#include "app/internal/access.h"
#include "app/internal/area.h"
#include "app/internal/audit.h"
#include "app/internal/loan_history.h"
#include "app/internal/scope.h"
#include "app/reconcile.h"
#include "base/csv.h"
#include "entrusted/rating.h"
#include "loans/loan.h"
#include "network/network.h"
#include "programs/outcomes.h"
#include "reports/measures.h"
#include "store/fee_store.h"
#include "store/loan_store.h"
#include "store/network_store.h"
#include "store/program_store.h"
#include "store/report_store.h"

namespace tdcs::app {

// The wire string of each rejection code (docs/API.md "Error codes").
#define TDCS_REPORT_REJECTIONS(X)                       \
  X(kUnitUnknown, "UNIT_UNKNOWN")                       \
  X(kUnitAmbiguous, "UNIT_AMBIGUOUS")                   \
  X(kCommuneUnknown, "COMMUNE_UNKNOWN")                 \
  X(kAssociationUnknown, "ASSOCIATION_UNKNOWN")         \
  X(kProgramUnknown, "PROGRAM_UNKNOWN")                 \
  X(kFundSourceUnknown, "FUND_SOURCE_UNKNOWN")          \
  X(kPeriodInvalid, "PERIOD_INVALID")                   \
  X(kDateBeforeBank, "DATE_BEFORE_BANK")                \
  X(kReportUnknown, "REPORT_UNKNOWN")                   \
  X(kFormatUnknown, "FORMAT_UNKNOWN")                   \
  X(kBusinessDateMissing, "BUSINESS_DATE_MISSING")      \
  X(kDateAfterBusinessDate, "DATE_AFTER_BUSINESS_DATE") \
  X(kPlanUnitInvalid, "PLAN_UNIT_INVALID")              \
  X(kPlanParentMissing, "PLAN_PARENT_MISSING")          \
  X(kPlanExceedsParent, "PLAN_EXCEEDS_PARENT")          \
  X(kPlanBelowAllocated, "PLAN_BELOW_ALLOCATED")        \
  X(kPlanAmountInvalid, "PLAN_AMOUNT_INVALID")          \
  X(kPlanYearInvalid, "PLAN_YEAR_INVALID")
TDCS_DEFINE_REJECTIONS(ReportRejection, TDCS_REPORT_REJECTIONS)
#undef TDCS_REPORT_REJECTIONS

namespace {

constexpr std::string_view kReportNames[] = {"headline", "by-commune", "by-program",
                                             "by-group", "ratings",    "narrative"};

// The bank's first day: no report before it.
Date BankFounded() { return *Date::FromCivil(1995, 10, 4); }

// 2025's reform date (setting admin.reform_date).
Date ReformDate(store::Database& db, Date on) {
  const auto value = store::SettingOn(db, "admin.reform_date", on);
  if (value)
    if (auto d = Date::Parse(*value)) return *d;
  return *Date::FromCivil(2025, 7, 1);
}

// A scope: the model's units at one level, and the filters.
struct Scope {
  char level = store::kLevelNation;
  std::vector<int64_t> units{0};
  std::string kind, code, name;
  int64_t area_id = 0;  // the branch's, office's, point's or group's own id
};

Result<Scope> ResolveScope(store::Database& db, const std::string& unit, Date structure_on,
                           const std::function<bool(const ResolvedArea&)>& visible) {
  Scope scope;
  if (unit.rfind("commune:", 0) == 0) {
    // commune:CODE, commune:L:CODE, commune:N:CODE.
    std::string rest = unit.substr(8), era;
    if (rest.size() > 2 && rest[1] == ':' && (rest[0] == 'L' || rest[0] == 'N')) {
      era = rest.substr(0, 1);
      rest = rest.substr(2);
    }
    const Date reform = ReformDate(db, structure_on);
    if (era.empty()) era = structure_on < reform ? "L" : "N";
    // The structure of that era: its communes' points as they stood on the
    // structure date if it is of the era, else on the era's last (or first) day.
    Date on = structure_on;
    if (era == "L" && on >= reform) on = reform.AddDays(-1);
    if (era == "N" && on < reform) on = reform;
    const auto name = store::CommuneName(db, era, rest);
    if (!name)
      return MakeError(ReportRejection::kCommuneUnknown, "unit",
                       "Không có xã/phường mã '" + rest + "' trong danh mục " +
                           (era == "L" ? "trước" : "từ") + " 01/07/2025",
                       "No commune with code '" + rest + "' in the structure " +
                           (era == "L" ? "before" : "from") + " 1 July 2025");
    scope.level = store::kLevelPoint;
    scope.units = store::PointsOfCommuneOn(db, era, rest, on);
    scope.kind = "commune";
    scope.code = era + ":" + rest;
    scope.name = *name;
    return scope;
  }
  auto area = ResolveArea(db, unit, structure_on, ReportRejection::kUnitUnknown,
                          ReportRejection::kUnitAmbiguous, "unit", visible);
  if (!area.ok()) return area.error();
  const auto& a = area.value();
  scope.kind = a.kind;
  scope.code = a.code;
  scope.area_id = a.area.unit_id;
  switch (a.area.kind) {
    case store::AreaKind::kNational:
      scope.name = "Toàn quốc";
      return scope;
    case store::AreaKind::kBranch:
      scope.level = store::kLevelOffice;
      scope.units = store::OfficesOfBranchOn(db, a.area.unit_id, structure_on);
      break;
    case store::AreaKind::kOffice:
      scope.level = store::kLevelOffice;
      scope.units = {a.area.unit_id};
      break;
    case store::AreaKind::kPoint:
      scope.level = store::kLevelPoint;
      scope.units = {a.area.unit_id};
      break;
    case store::AreaKind::kGroup:
      scope.level = store::kLevelGroup;
      scope.units = {a.area.unit_id};
      break;
  }
  const char* table = a.area.kind == store::AreaKind::kBranch   ? "branch_version"
                      : a.area.kind == store::AreaKind::kOffice ? "office_version"
                      : a.area.kind == store::AreaKind::kPoint  ? "commune_point_version"
                                                                : "savings_group_version";
  const char* id = a.area.kind == store::AreaKind::kBranch   ? "branch_id"
                   : a.area.kind == store::AreaKind::kOffice ? "office_id"
                   : a.area.kind == store::AreaKind::kPoint  ? "point_id"
                                                             : "group_id";
  scope.name = store::UnitNameOn(db, table, id, a.area.unit_id, structure_on).value_or("");
  return scope;
}

struct Filters {
  int association = 0;
  std::string program;
  std::optional<int> fund_source;
  bool Keep(const store::SeriesValue& v) const {
    if (association != 0 && v.association != association) return false;
    if (v.measure == reports::kCustomers) return program.empty() && !fund_source;
    if (!program.empty() && v.program != program) return false;
    if (fund_source && v.fund_source != *fund_source) return false;
    return true;
  }
};

void AddTo(ReportFigures& f, const store::SeriesValue& v) {
  const std::string_view m = v.measure;
  const std::string bal(reports::kBalancePrefix);
  if (m == bal + ledger::account::kLoanNormal) f.normal += v.value;
  if (m == bal + ledger::account::kLoanOverdue) f.overdue += v.value;
  if (m == bal + ledger::account::kLoanFrozen) f.frozen += v.value;
  if (m == bal + ledger::account::kInterestReceivable) f.interest_receivable += v.value;
  if (m == bal + ledger::account::kWriteOffPrincipal) f.written_off_principal += v.value;
  if (m == bal + ledger::account::kWriteOffInterest) f.written_off_interest += v.value;
  if (m == reports::kDisbursed) f.disbursed += v.value;
  if (m == reports::kRepaid) f.repaid += v.value;
  if (m == reports::kInterestCollected) f.interest_collected += v.value;
  const std::string term(reports::kTermPrefix);
  if (m == term + "s") f.short_term += v.value;
  if (m == term + "m") f.medium_term += v.value;
  if (m == term + "l") f.long_term += v.value;
  if (m == reports::kLoansOwing) f.loans += v.value;
  if (m == reports::kCustomers) f.customers += v.value;
  if (m.substr(0, reports::kOutcomePrefix.size()) == reports::kOutcomePrefix)
    f.outcomes[std::string(m.substr(reports::kOutcomePrefix.size()))] += v.value;
}

bool IsPrincipal(std::string_view measure) {
  const std::string bal(reports::kBalancePrefix);
  return measure == bal + ledger::account::kLoanNormal ||
         measure == bal + ledger::account::kLoanOverdue ||
         measure == bal + ledger::account::kLoanFrozen;
}

int64_t Bp(int64_t part, int64_t whole) {
  if (whole == 0) return 0;
  const __int128 scaled = static_cast<__int128>(part) * 10'000;
  // Half away from zero, to the basis point.
  return static_cast<int64_t>((scaled + (scaled >= 0 ? whole / 2 : -whole / 2)) / whole);
}

}  // namespace

int64_t HeadlineReport::OverdueBp() const { return Bp(end.overdue, end.Outstanding()); }
int64_t HeadlineReport::FrozenBp() const { return Bp(end.frozen, end.Outstanding()); }

std::span<const std::string_view> ReportNames() { return kReportNames; }

namespace {

// A request checked and its unit resolved, inside the caller's read
// transaction: the report's heading filled in.
struct Prepared {
  HeadlineReport heading;
  Scope scope;
  Filters filters;
};

// Whether the unit of a report lies in the actor's area (a commune: each of
// its points).
bool InActorArea(store::Database& db, const Context& context, const Scope& s, Date on) {
  ScopeCheck check(db, context.actor);
  if (check.national()) return true;
  if (s.kind == "commune") {
    if (s.units.empty()) return false;
    for (int64_t point : s.units)
      if (!check.Area({{store::AreaKind::kPoint, point}, "point", ""}, on)) return false;
    return true;
  }
  const store::AreaKind kind = s.kind == "branch"   ? store::AreaKind::kBranch
                               : s.kind == "office" ? store::AreaKind::kOffice
                               : s.kind == "point"  ? store::AreaKind::kPoint
                               : s.kind == "group"  ? store::AreaKind::kGroup
                                                    : store::AreaKind::kNational;
  return check.Area({{kind, s.area_id}, s.kind, s.code}, on);
}

Result<Prepared> Prepare(store::Database& db, const Context& context,
                         const ReportRequest& request) {
  ReportRequest r = request;
  // An association officer's figures are their association's.
  if (context.actor.association != 0) {
    const std::string own = std::to_string(context.actor.association);
    if (r.association.empty()) r.association = own;
    auto asked = ParseAssociationCode(r.association, "association");
    if (asked.ok() && asked.value() != context.actor.association)
      return MakeError(ReportRejection::kUnitUnknown, "association",
                       "Không có số liệu của hội này trong phạm vi của bạn",
                       "No figures of this association in your area");
  }
  Prepared p;
  HeadlineReport& out = p.heading;
  out.at = r.at;
  // Default: from 1 January (or the bank's first day, in its first year).
  out.from = r.from.value_or(std::max(*Date::FromCivil(r.at.year(), 1, 1), BankFounded()));
  out.structure_on = r.structure_on.value_or(r.at);
  for (const auto& [field, day] : {std::pair{"at", out.at}, std::pair{"from", out.from},
                                   std::pair{"structure", out.structure_on}})
    if (day < BankFounded())
      return MakeError(ReportRejection::kDateBeforeBank, field,
                       "Ngày " + day.ToVietnamese() +
                           ": ngân hàng hoạt động từ 04/10/1995, không có số liệu trước ngày đó",
                       day.ToIso() +
                           ": the bank opened on 1995-10-04; there are no figures "
                           "before that day");
  // A day the books have not reached yet (a mistyped year, say) would show
  // today's figures under tomorrow's date.
  if (const auto today = store::LoanStore(db).BusinessDate(); today && out.at > *today)
    return MakeError(ReportRejection::kDateAfterBusinessDate, "at",
                     "Ngày " + out.at.ToVietnamese() + " sau ngày làm việc " +
                         today->ToVietnamese() + ": sổ sách chưa có số liệu của ngày đó",
                     out.at.ToIso() + " is after the business date " + today->ToIso() +
                         ": the books hold nothing of that day yet");
  if (out.from > out.at)
    return MakeError(
        ReportRejection::kPeriodInvalid, "from",
        "Từ ngày " + out.from.ToVietnamese() + " sau đến ngày " + out.at.ToVietnamese(),
        "From " + out.from.ToIso() + " is after to " + out.at.ToIso());
  Filters& filters = p.filters;
  if (!r.association.empty()) {
    auto a = ParseAssociationCode(r.association, "association");
    if (!a.ok())
      return MakeError(ReportRejection::kAssociationUnknown, "association", a.error().message_vi,
                       a.error().message_en);
    filters.association = a.value();
    out.association = AssociationReportKey(filters.association);
  }
  if (!r.program.empty()) {
    const auto programs = store::ReadPrograms(db);
    if (!programs.count(r.program))
      return MakeError(ReportRejection::kProgramUnknown, "program",
                       "Không có chương trình mã '" + r.program + "'",
                       "No program with code '" + r.program + "'");
    filters.program = out.program = r.program;
  }
  if (r.fund_source) {
    if (*r.fund_source != 1 && *r.fund_source != 2)
      return MakeError(ReportRejection::kFundSourceUnknown, "fund",
                       "Nguồn vốn là 1 (trung ương) hoặc 2 (ngân sách địa phương)",
                       "A fund source is 1 (central) or 2 (local budget)");
    filters.fund_source = out.fund_source = r.fund_source;
  }
  // Only the units of the actor's area are candidates (a code of two kinds
  // tells nothing of the other).
  ScopeCheck check(db, context.actor);
  const Date now_on = ScopeDate(db, out.at);
  auto scope = ResolveScope(db, r.unit, out.structure_on, [&](const ResolvedArea& u) {
    return check.national() || (check.Area(u, out.structure_on) && check.Area(u, now_on));
  });
  if (!scope.ok()) return scope.error();
  p.scope = std::move(scope).value();
  // In the area on the structure asked for and where it is now.
  if (!InActorArea(db, context, p.scope, out.structure_on) ||
      !InActorArea(db, context, p.scope, ScopeDate(db, out.at)))
    // The words of a unit that does not exist (ResolveArea's): nothing tells
    // the two apart.
    return MakeError(
        ReportRejection::kUnitUnknown, "unit",
        "Không có đơn vị '" + r.unit +
            "' (mã chi nhánh, phòng giao dịch, điểm giao dịch, tổ, hoặc national)",
        "No unit '" + r.unit + "' (a branch, office, commune point or group code, or national)");
  out.unit_kind = p.scope.kind;
  out.unit_code = p.scope.code;
  out.unit_name = p.scope.name;
  return p;
}

// A report's reading: one snapshot of the books (every figure from one state
// of them), the request resolved, then `body`.
template <typename Report, typename Body>
Result<Report> Read(Connection& connection, const Context& context, const ReportRequest& r,
                    Body&& body) {
  if (auto denied = Require(context.actor, Permission::kReport); !denied.ok())
    return denied.error();
  store::Database& db = Db(connection);
  store::ReadTransaction snapshot(db);
  auto prepared = Prepare(db, context, r);
  if (!prepared.ok()) return prepared.error();
  return body(db, prepared.value());
}

// The structure a year's plan is allocated in: the branches and their
// offices of 1 January (as they stand, for a year not begun). A branch
// merged into another later in the year keeps its own target.
Date PlanStructureDate(int year) { return *Date::FromCivil(year, 1, 1); }

// A plan's level and unit: the nation's, a branch's, an office's.
std::optional<char> PlanLevel(const Scope& s) {
  if (s.kind == "national") return 'n';
  if (s.kind == "branch") return 'b';
  if (s.kind == "office") return 'o';
  return std::nullopt;
}
int64_t PlanUnit(const Scope& s) { return s.kind == "national" ? 0 : s.area_id; }

void Turnover(HeadlineReport& out) {
  out.lent = out.end.disbursed - out.start.disbursed;
  out.collected = out.end.repaid - out.start.repaid;
  out.interest_collected = out.end.interest_collected - out.start.interest_collected;
  out.written_off = out.end.written_off_principal - out.start.written_off_principal;
  out.outcomes.clear();
  for (const auto& [kind, n] : out.end.outcomes) out.outcomes[kind] += n;
  for (const auto& [kind, n] : out.start.outcomes) out.outcomes[kind] -= n;
  for (auto it = out.outcomes.begin(); it != out.outcomes.end();)
    it = it->second == 0 ? out.outcomes.erase(it) : std::next(it);
}

}  // namespace

Result<HeadlineReport> Headline(Connection& connection, const Context& context,
                                const ReportRequest& r) {
  return Read<HeadlineReport>(
      connection, context, r, [&](store::Database& db, const Prepared& p) -> HeadlineReport {
        HeadlineReport out = p.heading;
        const Scope& s = p.scope;
        const Filters& filters = p.filters;
        if (!s.units.empty()) {
          const auto values =
              store::ValuesOnDays(db, s.level, s.units, {out.at, out.from.AddDays(-1)});
          for (const auto& v : values[0]) {
            if (!filters.Keep(v)) continue;
            AddTo(out.end, v);
            if (IsPrincipal(v.measure)) {
              out.by_association[v.association] += v.value;
              out.by_program[v.program] += v.value;
              out.by_fund_source[v.fund_source] += v.value;
            }
            const std::string bal(reports::kBalancePrefix);
            if (v.measure == bal + ledger::account::kLoanOverdue)
              out.overdue_by_program[v.program] += v.value;
            if (v.measure == bal + ledger::account::kLoanFrozen)
              out.frozen_by_program[v.program] += v.value;
          }
          for (const auto& v : values[1])
            if (filters.Keep(v)) AddTo(out.start, v);
        }
        Turnover(out);
        // Groups and households of the network on the day (whose structure: the
        // day's own; a unit's groups are those at its points then).
        const auto network =
            store::NetworkFiguresOn(db, s.level, s.units, filters.association, out.at);
        out.groups = network.groups;
        out.households = network.households;
        out.points = network.points;
        const auto ratings =
            store::RatingCountsOn(db, s.level, s.units, filters.association, out.at);
        out.rating_month = ratings.month;
        out.ratings = ratings.by_class;
        if (const auto level = PlanLevel(s);
            level && filters.association == 0 && !filters.fund_source) {
          // A branch: the targets of the branches of the plan's structure whose
          // offices it is made of now (a branch merged in the year brings its own).
          std::vector<int64_t> units{PlanUnit(s)};
          if (*level == 'b') {
            units.clear();
            const Date structure = PlanStructureDate(out.at.year());
            const std::set<int64_t> offices(s.units.begin(), s.units.end());
            for (int64_t branch : store::BranchesOn(db, structure)) {
              const auto of_branch = store::OfficesOfBranchOn(db, branch, structure);
              if (!of_branch.empty() &&
                  std::all_of(of_branch.begin(), of_branch.end(),
                              [&](int64_t o) { return offices.count(o) > 0; }))
                units.push_back(branch);
            }
          }
          if (!units.empty())
            for (const auto& [program, target] :
                 store::PlanTargets(db, out.at.year(), *level, units))
              if (filters.program.empty() || program == filters.program)
                out.plan = out.plan.value_or(0) + target;
        }
        return out;
      });
}

namespace {

void Finish(BreakdownRow& row) {
  row.lent = row.end.disbursed - row.start.disbursed;
  row.collected = row.end.repaid - row.start.repaid;
  row.interest_collected = row.end.interest_collected - row.start.interest_collected;
}

}  // namespace

Result<BreakdownReport> ByCommune(Connection& connection, const Context& context,
                                  const ReportRequest& r) {
  return Read<BreakdownReport>(
      connection, context, r, [&](store::Database& db, const Prepared& p) -> BreakdownReport {
        BreakdownReport out;
        out.name = "by-commune";
        out.heading = p.heading;
        const Scope& s = p.scope;
        const Filters& filters = p.filters;
        // The scope's points on the structure date, by their reporting commune.
        const auto points = store::PointsOn(db, s.level, s.units, out.heading.structure_on);
        std::map<int64_t, size_t> row_of_point;
        std::map<std::string, size_t> row_of_commune;
        std::vector<int64_t> point_ids;
        for (const auto& p : points) {
          const std::string key = p.commune_era + ":" + p.commune_code;
          auto [it, added] = row_of_commune.emplace(key, out.rows.size());
          if (added) out.rows.push_back({key, p.commune_name, {}, {}, 0, 0, 0});
          row_of_point[p.point_id] = it->second;
          point_ids.push_back(p.point_id);
        }
        BreakdownRow total{"", "Cộng / total", {}, {}, 0, 0, 0};
        for (const auto& [when, end] :
             {std::pair{out.heading.at, true}, std::pair{out.heading.from.AddDays(-1), false}}) {
          if (!point_ids.empty())
            for (const auto& v : store::ValuesOn(db, store::kLevelPoint, point_ids, when, true)) {
              if (!filters.Keep(v)) continue;
              auto& row = out.rows[row_of_point.at(v.unit_id)];
              AddTo(end ? row.end : row.start, v);
            }
          // The whole scope, at its own level: loans served at no point are in it
          // and in no commune's row.
          if (!s.units.empty())
            for (const auto& v : store::ValuesOn(db, s.level, s.units, when))
              if (filters.Keep(v)) AddTo(end ? total.end : total.start, v);
        }
        for (auto& row : out.rows) Finish(row);
        Finish(total);
        std::sort(out.rows.begin(), out.rows.end(),
                  [](const BreakdownRow& a, const BreakdownRow& b) { return a.code < b.code; });
        out.total = total;
        return out;
      });
}

Result<BreakdownReport> ByProgram(Connection& connection, const Context& context,
                                  const ReportRequest& r) {
  return Read<BreakdownReport>(
      connection, context, r, [&](store::Database& db, const Prepared& p) -> BreakdownReport {
        BreakdownReport out;
        out.name = "by-program";
        out.heading = p.heading;
        const Scope& s = p.scope;
        const Filters& filters = p.filters;
        std::map<std::string, BreakdownRow> rows;
        BreakdownRow total{"", "Cộng / total", {}, {}, 0, 0, 0};
        const auto names = store::ReadPrograms(db);
        for (const auto& [when, end] :
             {std::pair{out.heading.at, true}, std::pair{out.heading.from.AddDays(-1), false}}) {
          if (s.units.empty()) continue;
          for (const auto& v : store::ValuesOn(db, s.level, s.units, when)) {
            if (!filters.Keep(v)) continue;
            AddTo(end ? total.end : total.start, v);
            if (v.measure == reports::kCustomers) continue;  // not split by program
            auto& row = rows[v.program];
            row.code = v.program;
            AddTo(end ? row.end : row.start, v);
          }
        }
        for (auto& [code, row] : rows) {
          const auto it = names.find(code);
          if (it != names.end() && !it->second.empty()) row.name = it->second.back().name_vi;
          Finish(row);
          out.rows.push_back(row);
        }
        Finish(total);
        out.total = total;
        return out;
      });
}

Result<RatingsReport> GroupRatings(Connection& connection, const Context& context,
                                   const ReportRequest& r) {
  return Read<RatingsReport>(
      connection, context, r, [&](store::Database& db, const Prepared& p) -> RatingsReport {
        RatingsReport out;
        out.heading = p.heading;
        const Scope& s = p.scope;
        const Filters& filters = p.filters;
        out.month = store::LatestRatedMonth(db, out.heading.at);
        if (out.month.empty()) return out;
        // The unit's groups: where each was rated (its office, point, itself).
        const std::set<int64_t> units(s.units.begin(), s.units.end());
        std::vector<store::GroupRatingRow> rated;
        for (auto& row : store::ReadGroupRatings(db, out.month)) {
          if (filters.association != 0 && row.association_code != filters.association) continue;
          const int64_t where = s.level == store::kLevelOffice  ? row.office_id
                                : s.level == store::kLevelPoint ? row.point_id
                                                                : row.group_id;
          if (s.level != store::kLevelNation && !units.count(where)) continue;
          rated.push_back(std::move(row));
        }
        std::vector<int64_t> ids;
        for (const auto& row : rated) ids.push_back(row.group_id);
        const auto names = store::GroupNames(db, ids, out.heading.at);
        for (const auto& g : rated) {
          RatingRow row;
          row.commune = g.commune_era + ":" + g.commune_code;
          row.association = AssociationReportKey(g.association_code);
          const auto name = names.find(g.group_id);
          if (name != names.end()) std::tie(row.group_code, row.group_name) = name->second;
          for (int i = 0; i < 6; ++i) {
            row.figure_bp[i] = g.figure_bp[i];
            row.points[i] = g.points[i];
          }
          row.total = g.total;
          row.class_key = g.class_key;
          ++out.by_class[row.class_key];
          ++out.by_commune[row.commune][row.class_key];
          out.rows.push_back(std::move(row));
        }
        std::sort(out.rows.begin(), out.rows.end(), [](const RatingRow& a, const RatingRow& b) {
          return std::tie(a.commune, a.association, a.group_code) <
                 std::tie(b.commune, b.association, b.group_code);
        });
        return out;
      });
}

int64_t PlanLine::AttainmentBp() const { return Bp(outstanding, target); }
std::optional<int64_t> HeadlineReport::PlanAttainmentBp() const {
  if (!plan) return std::nullopt;
  return Bp(end.Outstanding(), *plan);
}

namespace {

std::optional<Error> CheckPlanYear(int year) {
  if (year >= 1995 && year <= 2100) return std::nullopt;
  return MakeError(ReportRejection::kPlanYearInvalid, "year",
                   "Năm kế hoạch " + std::to_string(year) + " phải từ 1995 đến 2100",
                   "The plan's year " + std::to_string(year) + " must be 1995 to 2100");
}

// The unit's plan of the year and its attainment on `at` (in the caller's transaction).
PlanReport PlanOf(store::Database& db, const Prepared& p, int year) {
  PlanReport out;
  out.heading = p.heading;
  out.year = year;
  const Scope& s = p.scope;
  const char level = *PlanLevel(s);
  const Date structure = PlanStructureDate(year);
  std::vector<int64_t> parts;
  char parts_level = 'b';
  if (level == 'n') parts = store::BranchesOn(db, structure);
  if (level == 'b') {
    parts = store::OfficesOfBranchOn(db, s.area_id, structure);
    parts_level = 'o';
  }
  const auto targets = store::PlanTargets(db, year, level, {PlanUnit(s)});
  const auto allocated = parts.empty() ? std::map<std::string, int64_t>{}
                                       : store::PlanTargets(db, year, parts_level, parts);
  std::map<std::string, int64_t> outstanding;
  for (const auto& v : store::ValuesOn(db, s.level, s.units, out.heading.at))
    if (IsPrincipal(v.measure)) outstanding[v.program] += v.value;
  const auto names = store::ReadPrograms(db);
  std::set<std::string> programs;
  for (const auto& [k, v] : targets) programs.insert(k);
  for (const auto& [k, v] : allocated) programs.insert(k);
  for (const auto& program : programs) {
    PlanLine line;
    line.program = program;
    const auto it = names.find(program);
    if (it != names.end() && !it->second.empty()) line.program_name = it->second.back().name_vi;
    line.target = targets.count(program) ? targets.at(program) : 0;
    line.allocated = allocated.count(program) ? allocated.at(program) : 0;
    line.outstanding = outstanding.count(program) ? outstanding.at(program) : 0;
    out.total.target += line.target;
    out.total.allocated += line.allocated;
    out.total.outstanding += line.outstanding;
    out.lines.push_back(std::move(line));
  }
  out.total.program_name = "Cộng / total";
  return out;
}

}  // namespace

Result<PlanReport> SetPlan(Connection& connection, const Context& context,
                           const PlanTargetRequest& request) {
  if (auto denied = Require(context.actor, Permission::kPlan); !denied.ok()) return denied.error();
  store::Database& db = Db(connection);
  if (auto bad = CheckPlanYear(request.year)) return *bad;
  const auto amount = Money::Parse(request.amount);
  if (!amount || amount->IsNegative())
    return MakeError(
        ReportRejection::kPlanAmountInvalid, "amount",
        "Chỉ tiêu '" + request.amount +
            "' phải là số đồng, không âm (chữ số, hoặc nhóm ba bằng dấu chấm)",
        "The target '" + request.amount + "' must be a whole number of đồng, 0 or more");
  return store::RunTransaction(db, [&](store::Transaction& tx) -> Result<PlanReport> {
    db.LockKey("plan");  // one allocation at a time: the sums checked stay true
    const Date structure = PlanStructureDate(request.year);
    ReportRequest r;
    r.unit = request.unit;
    const auto today = store::LoanStore(db).BusinessDate();
    r.at = today && *today < structure ? *today : structure;
    r.structure_on = structure;
    r.program = request.program;
    auto prepared = Prepare(db, context, r);
    if (!prepared.ok()) return prepared.error();
    if (request.program.empty())
      return MakeError(ReportRejection::kProgramUnknown, "program",
                       "Kế hoạch là theo chương trình: cần --program",
                       "A plan is per program: --program is needed");
    const Scope& s = prepared.value().scope;
    const auto level = PlanLevel(s);
    if (!level)
      return MakeError(
          ReportRejection::kPlanUnitInvalid, "unit",
          "Kế hoạch giao cho toàn quốc, chi nhánh hoặc phòng giao dịch, không cho '" +
              request.unit + "'",
          "A plan is of the nation, a branch or an office, not of '" + request.unit + "'");
    const int64_t target = amount->dong();
    const std::string& program = request.program;
    const auto of = [&](char lv, const std::vector<int64_t>& units) {
      const auto t = store::PlanTargets(db, request.year, lv, units);
      return t.count(program) ? std::optional<int64_t>(t.at(program)) : std::nullopt;
    };
    // Not below what the unit has given its parts.
    std::vector<int64_t> parts;
    char parts_level = 'b';
    if (*level == 'n') parts = store::BranchesOn(db, structure);
    if (*level == 'b') {
      parts = store::OfficesOfBranchOn(db, s.area_id, structure);
      parts_level = 'o';
    }
    if (!parts.empty())
      if (const auto given = of(parts_level, parts); given && *given > target)
        return MakeError(ReportRejection::kPlanBelowAllocated, "amount",
                         "Chỉ tiêu " + Money::Dong(target).ToVietnamese() +
                             " đ thấp hơn phần đã giao cho đơn vị cấp dưới " +
                             Money::Dong(*given).ToVietnamese() + " đ",
                         "The target " + Money::Dong(target).ToVietnamese() +
                             " is below what is allocated to the units below, " +
                             Money::Dong(*given).ToVietnamese());
    // Within the parent's, with the siblings'.
    if (*level != 'n') {
      char parent_level = 'n';
      int64_t parent = 0;
      std::vector<int64_t> siblings;
      if (*level == 'b') {
        siblings = store::BranchesOn(db, structure);
      } else {
        const auto branch = store::NetworkStore(db).OfficeBranchOn(s.area_id, structure);
        if (!branch)
          return MakeError(
              ReportRejection::kPlanUnitInvalid, "unit",
              "Phòng giao dịch không thuộc chi nhánh nào ngày " + structure.ToVietnamese(),
              "The office is of no branch on " + structure.ToIso());
        parent_level = 'b';
        parent = *branch;
        siblings = store::OfficesOfBranchOn(db, parent, structure);
      }
      const auto parent_target = of(parent_level, {parent});
      if (!parent_target)
        return MakeError(
            ReportRejection::kPlanParentMissing, "unit",
            std::string("Chưa có kế hoạch năm ") + std::to_string(request.year) + " chương trình " +
                program + " của " + (parent_level == 'n' ? "toàn quốc" : "chi nhánh") +
                ": giao từ trên xuống",
            "No plan of " + std::to_string(request.year) + " for program " + program + " of the " +
                (parent_level == 'n' ? "nation" : "branch") + " yet: plans are allocated top-down");
      siblings.erase(std::remove(siblings.begin(), siblings.end(), s.area_id), siblings.end());
      const int64_t others = siblings.empty() ? 0 : of(*level, siblings).value_or(0);
      if (others + target > *parent_target)
        return MakeError(ReportRejection::kPlanExceedsParent, "amount",
                         "Cộng với các đơn vị cùng cấp (" + Money::Dong(others).ToVietnamese() +
                             " đ), chỉ tiêu vượt kế hoạch cấp trên " +
                             Money::Dong(*parent_target).ToVietnamese() + " đ",
                         "With the other units' (" + Money::Dong(others).ToVietnamese() +
                             "), the target exceeds the plan above, " +
                             Money::Dong(*parent_target).ToVietnamese());
    }
    store::SetPlanTarget(db, request.year, *level, PlanUnit(s), program, target,
                         store::LoanStore(db).BusinessDate().value_or(structure));
    RecordAudit(
        db, context, "plan.set",
        "plan:" + std::to_string(request.year) + ":" + s.kind + ":" + s.code + ":" + program, {},
        AuditState().Add("target_dong", target));
    PlanReport out = PlanOf(db, prepared.value(), request.year);
    tx.Commit();
    return out;
  });
}

Result<PlanReport> Plan(Connection& connection, const Context& context, int year,
                        const ReportRequest& request) {
  if (auto bad = CheckPlanYear(year)) return *bad;
  ReportRequest r = request;
  r.structure_on = PlanStructureDate(year);  // the units the plan was allocated to
  return Read<PlanReport>(
      connection, context, r, [&](store::Database& db, const Prepared& p) -> Result<PlanReport> {
        if (!PlanLevel(p.scope))
          return MakeError(ReportRejection::kPlanUnitInvalid, "unit",
                           "Kế hoạch giao cho toàn quốc, chi nhánh hoặc phòng giao dịch",
                           "A plan is of the nation, a branch or an office");
        return PlanOf(db, p, year);
      });
}

namespace {

Result<int64_t> LoanRows(store::Database& db, Date on, std::ostream& out,
                         const ProgressFn& progress) {
  store::ReadTransaction snapshot(db);
  // Loans as they stood: a day the books have not reached would be a
  // projection, not a record.
  if (const auto today = store::LoanStore(db).BusinessDate(); today && on > *today)
    return MakeError(ReportRejection::kDateAfterBusinessDate, "on",
                     "Ngày " + on.ToVietnamese() + " sau ngày làm việc " + today->ToVietnamese() +
                         ": sổ sách chưa có số liệu của ngày đó",
                     on.ToIso() + " is after the business date " + today->ToIso() +
                         ": the books hold nothing of that day yet");
  const auto rows = store::LoansAppliedBy(db, on);
  csv::WriteRow(out, {"loan_code", "borrower_code", "group_code", "association", "program",
                      "fund_source", "office_code", "point_code", "principal_dong", "overdue_dong",
                      "frozen_dong", "status"});
  store::LoanStore store(db);
  store::NetworkStore network(db);
  int64_t written = 0, done = 0;
  for (const auto& row : rows) {
    if (progress && ++done % 1000 == 0) progress(done, static_cast<int64_t>(rows.size()), "loans");
    auto loan = LoanAsOf(store, row.id, on);
    if (!loan.ok()) continue;  // not yet taken over on that day
    const loans::Loan& l = loan.value();
    const std::string association = row.association >= 11 && row.association <= 14
                                        ? std::string(network::AssociationKey(
                                              static_cast<network::Association>(row.association)))
                                        : std::string();
    csv::WriteRow(out,
                  {row.code, network.BorrowerCode(l.terms.borrower_id), row.group, association,
                   l.terms.program, std::to_string(l.terms.fund_source), row.office, row.point,
                   std::to_string(l.Principal().dong()), std::to_string(l.overdue.dong()),
                   std::to_string(l.frozen.dong()), std::string(loans::LoanStatusKey(l.status))});
    ++written;
  }
  if (progress) progress(done, static_cast<int64_t>(rows.size()), "loans");
  return written;
}

}  // namespace

Result<int64_t> ExportLoans(Connection& connection, const Context& context, Date on,
                            std::ostream& out, const ProgressFn& progress) {
  if (auto denied = MayExport(context.actor); !denied.ok()) return denied.error();
  store::Database& db = Db(connection);
  auto written = LoanRows(db, on, out, progress);
  if (written.ok()) RecordExport(db, context, "loans", on.ToIso(), written.value(), true);
  return written;
}

std::string AssociationReportKey(int association) {
  if (association >= 11 && association <= 14)
    return std::string(network::AssociationKey(static_cast<network::Association>(association)));
  return "none";
}

std::string FundSourceKey(int fund_source) {
  return fund_source == 1 ? "central" : fund_source == 2 ? "local_budget" : "none";
}

namespace {

std::string AssociationLabel(int association) {
  if (association >= 11 && association <= 14) {
    const auto a = static_cast<network::Association>(association);
    return std::string(network::AssociationNameVi(a)) + " / " +
           std::string(network::AssociationKey(a));
  }
  return "Không qua hội / none";
}

std::string ClassLabel(const std::string& key) {
  if (key == "tot") return "Tốt / good";
  if (key == "kha") return "Khá / fair";
  if (key == "trung_binh") return "Trung bình / average";
  if (key == "yeu") return "Yếu / weak";
  return key;
}

}  // namespace

namespace {

std::string Subtitle(const HeadlineReport& r) {
  std::string out =
      (r.unit_kind == "national" ? std::string("Toàn quốc / national")
                                 : r.unit_kind + " " + r.unit_code + " " + r.unit_name) +
      " — ngày / at " + r.at.ToVietnamese() + ", kỳ / period " + r.from.ToVietnamese() + "–" +
      r.at.ToVietnamese();
  if (!r.association.empty()) out += ", hội / association " + r.association;
  if (!r.program.empty()) out += ", chương trình / program " + r.program;
  if (r.fund_source) out += ", nguồn vốn / fund " + FundSourceKey(*r.fund_source);
  if (r.structure_on != r.at)
    out += ", theo địa giới ngày / in the structure of " + r.structure_on.ToVietnamese();
  return out;
}

}  // namespace

Result<BreakdownReport> ByGroup(Connection& connection, const Context& context,
                                const ReportRequest& r) {
  return Read<BreakdownReport>(
      connection, context, r, [&](store::Database& db, const Prepared& p) -> BreakdownReport {
        BreakdownReport out;
        out.name = "by-group";
        out.heading = p.heading;
        const Scope& s = p.scope;
        const Filters& filters = p.filters;
        const auto points = store::PointsOn(db, s.level, s.units, out.heading.structure_on);
        std::map<int64_t, const store::PointOn*> point_of;
        std::vector<int64_t> point_ids;
        for (const auto& p : points) {
          point_of[p.point_id] = &p;
          point_ids.push_back(p.point_id);
        }
        const auto groups = store::GroupsAtPointsOn(db, point_ids, out.heading.structure_on);
        std::map<int64_t, const store::GroupOn*> group_of;
        std::vector<int64_t> group_ids;
        for (const auto& g : groups) {
          // A group of the scope only (a group's own unit: itself).
          if (s.level == store::kLevelGroup &&
              std::find(s.units.begin(), s.units.end(), g.group_id) == s.units.end())
            continue;
          group_of[g.group_id] = &g;
          group_ids.push_back(g.group_id);
        }
        // (commune, association, group code, program) → row.
        std::map<std::tuple<std::string, int, std::string, std::string>, BreakdownRow> rows;
        BreakdownRow total{"", "Cộng / total", {}, {}, 0, 0, 0};
        for (const auto& [when, end] :
             {std::pair{out.heading.at, true}, std::pair{out.heading.from.AddDays(-1), false}}) {
          if (group_ids.empty()) continue;
          for (const auto& v : store::ValuesOn(db, store::kLevelGroup, group_ids, when, true)) {
            if (!filters.Keep(v)) continue;
            AddTo(end ? total.end : total.start, v);
            if (v.measure == reports::kCustomers) continue;  // not split by program
            const auto* g = group_of.at(v.unit_id);
            const auto* p = point_of.at(g->point_id);
            const std::string commune = p->commune_era + ":" + p->commune_code;
            auto& row = rows[{commune, v.association, g->code, v.program}];
            row.code = commune + "|" + AssociationReportKey(v.association) + "|" + g->code + "|" +
                       v.program;
            row.name = g->name;
            AddTo(end ? row.end : row.start, v);
          }
        }
        for (auto& [key, row] : rows) {
          Finish(row);
          out.rows.push_back(row);
        }
        Finish(total);
        out.total = total;
        return out;
      });
}

ReportLayout LayoutOf(const BreakdownReport& r) {
  using C = ReportCell;
  ReportLayout out;
  const bool by_commune = r.name == "by-commune", by_group = r.name == "by-group";
  out.title = by_commune ? "BCDHTD 01.1 — Dư nợ theo xã / Outstanding by commune"
              : by_group
                  ? "LEN_31 — Dư nợ theo xã, hội, tổ, chương trình / by commune, association, "
                    "group and program"
                  : "BCDHTD 01.2 — Dư nợ theo chương trình / Outstanding by program";
  out.subtitle = Subtitle(r.heading);
  ReportSheet sheet{
      by_commune ? "Theo xã"
      : by_group ? "Theo tổ"
                 : "Theo chương trình",
      {by_commune ? "Mã xã / Commune"
       : by_group ? "Xã|hội|tổ|chương trình / Commune|association|group|program"
                  : "Mã / Program",
       "Tên / Name", "Dư nợ đầu kỳ / Opening (đ)", "Doanh số cho vay / Lent (đ)",
       "Doanh số thu nợ / Collected (đ)", "Dư nợ cuối kỳ / Closing (đ)", "Tăng trưởng / Growth (%)",
       "Nợ quá hạn / Overdue (đ)", "Tỷ lệ NQH / Overdue (%)", "Nợ khoanh / Frozen (đ)",
       "Lãi đã thu / Interest (đ)", "Khoản vay / Loans",
       by_commune ? "Hộ còn dư nợ / Customers" : "Hộ (toàn đơn vị) / Customers"},
      {}};
  auto add = [&](const BreakdownRow& row) {
    sheet.rows.push_back(
        {C::Text(row.code), C::Text(row.name), C::Dong(row.start.Outstanding()), C::Dong(row.lent),
         C::Dong(row.collected), C::Dong(row.end.Outstanding()),
         C::Bp(Bp(row.end.Outstanding() - row.start.Outstanding(), row.start.Outstanding())),
         C::Dong(row.end.overdue), C::Bp(Bp(row.end.overdue, row.end.Outstanding())),
         C::Dong(row.end.frozen), C::Dong(row.interest_collected), C::Count(row.end.loans),
         C::Count(row.end.customers)});
  };
  for (const auto& row : r.rows) add(row);
  add(r.total);
  out.sheets.push_back(std::move(sheet));
  return out;
}

ReportLayout LayoutOf(const RatingsReport& r) {
  using C = ReportCell;
  ReportLayout out;
  out.title = "BC0437 — Xếp loại tổ TK&VV / Savings group ratings";
  out.subtitle = Subtitle(r.heading) + (r.month.empty() ? " · chưa xếp loại / not rated yet"
                                                        : " · tháng / month " + r.month);
  ReportSheet groups{
      "Theo tổ", {"Xã / Commune", "Hội / Association", "Mã tổ / Group", "Tên tổ / Name"}, {}};
  for (auto c : entrusted::kAllCriteria) {
    groups.headers.push_back(std::string(entrusted::NameVi(c)) + " / " +
                             std::string(entrusted::Key(c)) + " (%)");
    groups.headers.push_back("Điểm / Points");
  }
  groups.headers.push_back("Tổng điểm / Total");
  groups.headers.push_back("Loại / Class");
  for (const auto& row : r.rows) {
    std::vector<ReportCell> cells{C::Text(row.commune), C::Text(row.association),
                                  C::Text(row.group_code), C::Text(row.group_name)};
    for (int i = 0; i < 6; ++i) {
      cells.push_back(C::Bp(row.figure_bp[i]));
      cells.push_back(C::Count(row.points[i]));
    }
    cells.push_back(C::Count(row.total));
    cells.push_back(C::Text(row.class_key));
    groups.rows.push_back(std::move(cells));
  }
  const std::vector<entrusted::RatingClass> classes = {
      entrusted::RatingClass::kGood, entrusted::RatingClass::kFair,
      entrusted::RatingClass::kAverage, entrusted::RatingClass::kWeak};
  ReportSheet by_commune{"Theo xã", {"Xã / Commune"}, {}};
  for (auto c : classes)
    by_commune.headers.push_back(std::string(entrusted::ClassVi(c)) + " / " +
                                 std::string(entrusted::ClassEn(c)));
  by_commune.headers.push_back("Tỷ lệ tốt / Good (%)");
  const auto add = [&](const std::string& label, const std::map<std::string, int64_t>& counts) {
    std::vector<ReportCell> cells{C::Text(label)};
    int64_t all = 0;
    for (auto c : classes) {
      const auto it = counts.find(std::string(entrusted::ClassKey(c)));
      const int64_t n = it == counts.end() ? 0 : it->second;
      all += n;
      cells.push_back(C::Count(n));
    }
    const auto good = counts.find(std::string(entrusted::ClassKey(entrusted::RatingClass::kGood)));
    cells.push_back(C::Bp(Bp(good == counts.end() ? 0 : good->second, all)));
    by_commune.rows.push_back(std::move(cells));
  };
  for (const auto& [commune, counts] : r.by_commune) add(commune, counts);
  add("Cộng / total", r.by_class);
  out.sheets.push_back(std::move(by_commune));
  out.sheets.push_back(std::move(groups));
  return out;
}

ReportLayout LayoutOf(const PlanReport& r) {
  using C = ReportCell;
  ReportLayout out;
  out.title = "Kế hoạch năm " + std::to_string(r.year) + " / Plan of " + std::to_string(r.year);
  out.subtitle = Subtitle(r.heading);
  ReportSheet sheet{
      "Kế hoạch",
      {"Chương trình / Program", "Tên / Name", "Kế hoạch / Target (đ)",
       "Đã giao cấp dưới / Allocated below (đ)", "Dư nợ / Outstanding (đ)", "Đạt / Attained (%)"},
      {}};
  const auto add = [&](const PlanLine& l) {
    sheet.rows.push_back({C::Text(l.program), C::Text(l.program_name), C::Dong(l.target),
                          C::Dong(l.allocated), C::Dong(l.outstanding), C::Bp(l.AttainmentBp())});
  };
  for (const auto& l : r.lines) add(l);
  add(r.total);
  out.sheets.push_back(std::move(sheet));
  return out;
}

ReportLayout LayoutOf(const HeadlineReport& r) {
  using C = ReportCell;
  ReportLayout out;
  out.title = "Báo cáo chỉ tiêu chủ yếu / Headline indicators";
  out.subtitle = Subtitle(r);

  const Date before = r.from.AddDays(-1);
  ReportSheet main{"Chỉ tiêu", {"Chỉ tiêu / Indicator", "Giá trị / Value"}, {}};
  auto row = [&](const std::string& label, ReportCell value) {
    main.rows.push_back({C::Text(label), std::move(value)});
  };
  const int64_t outstanding = r.end.Outstanding();
  row("Tổng dư nợ / Outstanding (đ)", C::Dong(outstanding));
  row("Dư nợ ngày " + before.ToVietnamese() + " / Outstanding on " + before.ToIso() + " (đ)",
      C::Dong(r.start.Outstanding()));
  row("Tăng trưởng / Growth (đ)", C::Dong(r.GrowthDong()));
  row("Kế hoạch năm / The year's plan (đ)", r.plan ? C::Dong(*r.plan) : C::Text("—"));
  row("Đạt kế hoạch / Plan attained (%)", r.plan ? C::Bp(Bp(outstanding, *r.plan)) : C::Text("—"));
  row("Tỷ lệ tăng trưởng / Growth (%)", C::Bp(Bp(r.GrowthDong(), r.start.Outstanding())));
  row("Dư nợ trong hạn / Current (đ)", C::Dong(r.end.normal));
  row("Nợ quá hạn / Overdue (đ)", C::Dong(r.end.overdue));
  row("Tỷ lệ nợ quá hạn / Overdue ratio (%)", C::Bp(r.OverdueBp()));
  row("Nợ khoanh / Frozen (đ)", C::Dong(r.end.frozen));
  row("Tỷ lệ nợ khoanh / Frozen ratio (%)", C::Bp(r.FrozenBp()));
  row("Doanh số cho vay / Lent in the period (đ)", C::Dong(r.lent));
  row("Doanh số thu nợ / Collected in the period (đ)", C::Dong(r.collected));
  row("Lãi đã thu / Interest collected in the period (đ)", C::Dong(r.interest_collected));
  row("Xóa nợ gốc / Principal written off in the period (đ)", C::Dong(r.written_off));
  row("Lãi phải thu / Interest receivable (đ)", C::Dong(r.end.interest_receivable));
  // Customers are households: not split by program or fund source.
  const bool households_apply = r.program.empty() && !r.fund_source;
  row("Khách hàng còn dư nợ / Customers with outstanding",
      households_apply ? C::Count(r.end.customers) : C::Text("—"));
  row("Khoản vay còn dư nợ / Loans with outstanding", C::Count(r.end.loans));
  row("Tổ TK&VV / Savings groups", C::Count(r.groups));
  row("Hộ thành viên / Member households", C::Count(r.households));
  row("Điểm giao dịch xã / Commune points", C::Count(r.points));
  row("Dư nợ bình quân/hộ / Average per customer (đ)",
      households_apply ? C::Dong(r.end.customers ? outstanding / r.end.customers : 0)
                       : C::Text("—"));
  row("Dư nợ bình quân/tổ / Average per group (đ)", C::Dong(r.groups ? outstanding / r.groups : 0));
  row("Dư nợ bình quân/điểm / Average per commune point (đ)",
      C::Dong(r.points ? outstanding / r.points : 0));
  row("Ngắn hạn / Short term (đ)", C::Dong(r.end.short_term));
  row("Trung hạn / Medium term (đ)", C::Dong(r.end.medium_term));
  row("Dài hạn / Long term (đ)", C::Dong(r.end.long_term));
  for (auto kind : programs::kOutcomeKinds) {
    const auto it = r.outcomes.find(std::string(kind));
    row("Kết quả trong kỳ: " + std::string(programs::OutcomeNameVi(kind)) +
            " / Outcomes in the period: " + std::string(kind),
        C::Count(it == r.outcomes.end() ? 0 : it->second));
  }
  out.sheets.push_back(std::move(main));

  ReportSheet programs{"Theo chương trình",
                       {"Chương trình / Program", "Dư nợ / Outstanding (đ)", "Tỷ trọng / Share (%)",
                        "Nợ quá hạn / Overdue (đ)", "Nợ khoanh / Frozen (đ)"},
                       {}};
  for (const auto& [program, amount] : r.by_program) {
    const auto o = r.overdue_by_program.find(program);
    const auto f = r.frozen_by_program.find(program);
    programs.rows.push_back({C::Text(program), C::Dong(amount), C::Bp(Bp(amount, outstanding)),
                             C::Dong(o == r.overdue_by_program.end() ? 0 : o->second),
                             C::Dong(f == r.frozen_by_program.end() ? 0 : f->second)});
  }
  out.sheets.push_back(std::move(programs));

  ReportSheet associations{
      "Theo hội đoàn thể",
      {"Hội / Association", "Dư nợ ủy thác / Outstanding (đ)", "Tỷ trọng / Share (%)"},
      {}};
  for (const auto& [association, amount] : r.by_association)
    associations.rows.push_back(
        {C::Text(AssociationLabel(association)), C::Dong(amount), C::Bp(Bp(amount, outstanding))});
  out.sheets.push_back(std::move(associations));

  ReportSheet funds{"Theo nguồn vốn",
                    {"Nguồn vốn / Fund source", "Dư nợ / Outstanding (đ)", "Tỷ trọng / Share (%)"},
                    {}};
  for (const auto& [fund, amount] : r.by_fund_source)
    funds.rows.push_back({C::Text(fund == 1   ? "Trung ương / central"
                                  : fund == 2 ? "Ngân sách địa phương / local budget"
                                              : "Khác / other"),
                          C::Dong(amount), C::Bp(Bp(amount, outstanding))});
  out.sheets.push_back(std::move(funds));

  ReportSheet ratings{"Xếp loại tổ",
                      {"Loại / Class (" + (r.rating_month.empty() ? "—" : r.rating_month) + ")",
                       "Số tổ / Groups", "Tỷ lệ / Share (%)"},
                      {}};
  int64_t rated = 0;
  for (const auto& [k, n] : r.ratings) rated += n;
  for (const char* k : {"tot", "kha", "trung_binh", "yeu"}) {
    const auto it = r.ratings.find(k);
    const int64_t n = it == r.ratings.end() ? 0 : it->second;
    ratings.rows.push_back({C::Text(ClassLabel(k)), C::Count(n), C::Bp(Bp(n, rated))});
  }
  out.sheets.push_back(std::move(ratings));
  return out;
}

namespace {

// Digits in groups of three: 157000 → "157.000" (Vietnamese) or "157,000".
std::string Grouped(int64_t v, bool english) {
  const bool negative = v < 0;
  std::string digits = std::to_string(negative ? -v : v), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += english ? ',' : '.';
    out += digits[i];
  }
  return negative ? "-" + out : out;
}

// Đồng in the reports' units: billions (tỷ) when at least one, else
// millions (triệu), rounded half up: 5.171 tỷ đồng, 438.213 triệu đồng;
// always millions with `millions` (an office's or a commune's report).
std::string AmountIn(int64_t dong, bool english, bool millions) {
  const int64_t magnitude = dong < 0 ? -dong : dong;
  if (!millions && magnitude >= 999'500'000)  // 1.000 triệu rounds to 1 tỷ
    return Grouped((dong + (dong >= 0 ? 500'000'000 : -500'000'000)) / 1'000'000'000, english) +
           (english ? " billion đồng" : " tỷ đồng");
  return Grouped((dong + (dong >= 0 ? 500'000 : -500'000)) / 1'000'000, english) +
         (english ? " million đồng" : " triệu đồng");
}

// part / whole as a percentage with one decimal, half up once: "17,9 %".
std::string Percent(int64_t part, int64_t whole, bool english) {
  const __int128 scaled = static_cast<__int128>(part) * 1000;
  const int64_t tenths =
      whole == 0 ? 0
                 : static_cast<int64_t>((scaled + (scaled >= 0 ? whole / 2 : -whole / 2)) / whole);
  const int64_t a = tenths < 0 ? -tenths : tenths;
  std::string out = (tenths < 0 ? "-" : "") + std::to_string(a / 10) + (english ? "." : ",") +
                    std::to_string(a % 10);
  return out + (english ? "%" : " %");
}

// "more than 157,000": a count rounded down to its leading digits.
std::string MoreThan(int64_t n, bool english) {
  int64_t unit = 1;
  while (n / unit >= 1000) unit *= 10;
  const int64_t floor = n / unit * unit;
  if (floor == n) return Grouped(n, english);
  return (english ? "more than " : "hơn ") + Grouped(floor, english);
}

}  // namespace

std::string Narrative(const HeadlineReport& h, const BreakdownReport& programs, bool english) {
  const bool en = english;
  // The nation and a branch speak in billions, an office and below in
  // millions, as their reports do.
  const bool millions = h.unit_kind != "national" && h.unit_kind != "branch";
  const auto Amount = [millions](int64_t dong, bool e) { return AmountIn(dong, e, millions); };
  const int64_t outstanding = h.end.Outstanding(), before = h.start.Outstanding();
  const Date prior = h.from.AddDays(-1);
  const std::string name = h.unit_name.empty() ? h.unit_code : h.unit_name;
  // "the bank's total outstanding" / "tổng dư nợ toàn hệ thống", or the unit's.
  const std::string whose = h.unit_kind == "national" ? (en ? "the bank's" : "toàn hệ thống")
                                                      : (en ? name + "'s" : "của " + name);
  // A figure too small to show in the reports' units is left out.
  const auto shows = [](int64_t dong) { return dong >= 500'000 || dong <= -500'000; };
  std::string out;
  // Outstanding and its change.
  const std::string since = prior.month() == 12 && prior.day() == 31
                                ? (en ? "the end of " : "cuối năm ") + std::to_string(prior.year())
                                : prior.ToVietnamese();
  const int64_t growth = h.GrowthDong(), change = growth >= 0 ? growth : -growth;
  out += en ? "As of " + h.at.ToVietnamese() + ", " + whose + " total outstanding reached " +
                  Amount(outstanding, en)
            : "Đến ngày " + h.at.ToVietnamese() + ", tổng dư nợ " + whose + " đạt " +
                  Amount(outstanding, en);
  if (before > 0 && shows(change))
    out += en ? std::string(growth >= 0 ? ", up " : ", down ") + Amount(change, en) + " (" +
                    Percent(change, before, en) + ") from " + since
              : std::string(growth >= 0 ? ", tăng " : ", giảm ") + Amount(change, en) + " (" +
                    Percent(change, before, en) + ") so với " + since;
  if (h.plan && *h.plan > 0)
    out += en ? ", " + Percent(outstanding, *h.plan, en) + " of the year's plan"
              : ", đạt " + Percent(outstanding, *h.plan, en) + " kế hoạch năm";
  if (h.program.empty() && !h.fund_source && h.end.customers > 0)
    out += en ? ", with " + MoreThan(h.end.customers, en) + " customers still owing"
              : ", với " + MoreThan(h.end.customers, en) + " khách hàng còn dư nợ";
  out += ". ";
  // Turnover.
  if (shows(h.lent) && shows(h.collected))
    out += en ? "Lending in the period came to " + Amount(h.lent, en) + " and collections to " +
                    Amount(h.collected, en) + ". "
              : "Doanh số cho vay trong kỳ đạt " + Amount(h.lent, en) + ", doanh số thu nợ đạt " +
                    Amount(h.collected, en) + ". ";
  else if (shows(h.lent))
    out += en ? "Lending in the period came to " + Amount(h.lent, en) + ". "
              : "Doanh số cho vay trong kỳ đạt " + Amount(h.lent, en) + ". ";
  else if (shows(h.collected))
    out += en ? "Collections in the period came to " + Amount(h.collected, en) + ". "
              : "Doanh số thu nợ trong kỳ đạt " + Amount(h.collected, en) + ". ";
  // Quality.
  const int64_t bad = h.end.overdue + h.end.frozen;
  if (outstanding > 0 && shows(bad)) {
    if (h.end.frozen == 0)  // "Nợ quá hạn là 456 triệu đồng, chiếm 0,1 % tổng dư nợ"
      out += en ? "Overdue debt was " + Amount(bad, en) + ", " + Percent(bad, outstanding, en) +
                      " of outstanding"
                : "Nợ quá hạn là " + Amount(bad, en) + ", chiếm " + Percent(bad, outstanding, en) +
                      " tổng dư nợ";
    else
      out += en ? "Overdue and frozen debt was " + Amount(bad, en) + ", " +
                      Percent(bad, outstanding, en) + " of outstanding"
                : "Nợ quá hạn và nợ khoanh là " + Amount(bad, en) + ", chiếm " +
                      Percent(bad, outstanding, en) + " tổng dư nợ";
    if (shows(h.end.overdue) && h.end.frozen != 0)
      out += en ? " (overdue " + Percent(h.end.overdue, outstanding, en) + ")"
                : " (nợ quá hạn " + Percent(h.end.overdue, outstanding, en) + ")";
    if (before > 0 && static_cast<__int128>(h.end.overdue) * before >
                          static_cast<__int128>(h.start.overdue) * outstanding)
      out += en ? ", the overdue ratio up from " + Percent(h.start.overdue, before, en)
                : ", tỷ lệ nợ quá hạn tăng từ " + Percent(h.start.overdue, before, en);
    out += ". ";
  }
  // The associations, largest first.
  if (outstanding > 0) {
    std::vector<std::pair<int64_t, int>> shares;
    for (const auto& [a, amount] : h.by_association)
      if (a >= 11 && a <= 14 && shows(amount)) shares.push_back({amount, a});
    std::sort(shares.rbegin(), shares.rend());
    std::string list;
    for (const auto& [amount, a] : shares) {
      const auto assoc = static_cast<network::Association>(a);
      if (!list.empty()) list += "; ";
      list += (en ? std::string(network::AssociationKey(assoc))
                  : std::string(network::AssociationNameVi(assoc))) +
              " " + Amount(amount, en) + " (" + Percent(amount, outstanding, en) + ")";
    }
    if (!list.empty())
      out += en ? "Entrusted through the associations: " + list + ". "
                : "Dư nợ ủy thác qua các tổ chức hội: " + list + ". ";
  }
  // The network.
  if (h.groups > 0)
    out += en ? "Loans are served through " + Grouped(h.groups, en) + " savings groups of " +
                    Grouped(h.households, en) + " member households. "
              : "Cho vay thông qua " + Grouped(h.groups, en) + " tổ TK&VV với " +
                    Grouped(h.households, en) + " hộ thành viên. ";
  // What the loans of the period achieved.
  {
    std::string list;
    for (auto kind : programs::kOutcomeKinds) {
      const auto it = h.outcomes.find(std::string(kind));
      if (it == h.outcomes.end() || it->second <= 0) continue;
      const std::string n = Grouped(it->second, en);
      std::string part;
      if (kind == "jobs")
        part = en ? "jobs for " + n + " workers" : "tạo việc làm cho " + n + " lao động";
      if (kind == "water_works")
        part =
            en ? n + " clean water and sanitation works" : n + " công trình nước sạch và vệ sinh";
      if (kind == "students")
        part = en ? n + " students financed" : n + " học sinh, sinh viên được vay vốn";
      if (kind == "houses") part = en ? n + " houses" : n + " căn nhà";
      if (kind == "released_prisoners")
        part = en ? n + " people released from prison" : n + " người chấp hành xong án phạt tù";
      list += (list.empty() ? "" : ", ") + part;
    }
    if (!list.empty())
      out += en ? "The loans of the period brought " + list + ". "
                : "Vốn vay trong kỳ đã giúp " + list + ". ";
  }
  // The program that grew most (one started in the period too).
  const BreakdownRow* grew = nullptr;
  for (const auto& row : programs.rows)
    if (grew == nullptr || row.end.Outstanding() - row.start.Outstanding() >
                               grew->end.Outstanding() - grew->start.Outstanding())
      grew = &row;
  // (Not of a unit that held nothing before the period: all of it "grew".)
  if (grew != nullptr && before > 0 && shows(grew->end.Outstanding() - grew->start.Outstanding()) &&
      grew->end.Outstanding() > grew->start.Outstanding()) {
    const int64_t g = grew->end.Outstanding() - grew->start.Outstanding();
    out += en ? "The largest growth was in program " + grew->code + " (" + grew->name + "), up " +
                    Amount(g, en) + ". "
              : "Tăng trưởng nhiều nhất là chương trình " + grew->name + ", tăng " + Amount(g, en) +
                    ". ";
  }
  // The ratings.
  int64_t rated = 0;
  for (const auto& [k, n] : h.ratings) rated += n;
  if (rated > 0 && h.rating_month.size() == 7) {
    const auto good = h.ratings.count("tot") ? h.ratings.at("tot") : 0;
    const std::string month =
        std::to_string(std::stoi(h.rating_month.substr(5))) + "/" + h.rating_month.substr(0, 4);
    out += en ? Percent(good, rated, en) + " of the groups rated for " + month + " were rated good."
              : "Tháng " + month + ", " + Percent(good, rated, en) + " số tổ được xếp loại tốt.";
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out + "\n";
}

}  // namespace tdcs::app
