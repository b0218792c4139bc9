// Reports for any unit and any date (docs/RULES.md §9), read from the
// reports' read model (store/report_store.h): what a report costs depends
// on the units in its scope and the dates asked, not on the number of loans.
// And the per-loan export they are checked against, computed from each
// loan's own transactions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "app/connection.h"
#include "app/context.h"
#include "app/import.h"
#include "base/date.h"
#include "base/result.h"

namespace tdcs::app {

enum class ReportRejection {
  kUnitUnknown,            // no unit with the code (or not open on the structure date)
  kUnitAmbiguous,          // the code is of two kinds of unit: say which (office:CODE)
  kCommuneUnknown,         // commune:CODE names no commune of that structure
  kAssociationUnknown,     // not 11–14 (or farmers, women, veterans, youth)
  kProgramUnknown,         // no program with the code
  kFundSourceUnknown,      // not 1 (central) or 2 (local budget)
  kPeriodInvalid,          // --from after --to
  kDateBeforeBank,         // a date before the bank's first day (04/10/1995)
  kReportUnknown,          // a report name not in the list
  kFormatUnknown,          // not json, csv, xlsx or html
  kBusinessDateMissing,    // no date given and the database has no business date yet
  kDateAfterBusinessDate,  // a date after the business date: the books hold nothing of it yet
  kPlanUnitInvalid,        // a plan is of the nation, a branch or an office
  kPlanParentMissing,      // a branch's (office's) plan before the nation's (branch's)
  kPlanExceedsParent,      // the plans of a unit's parts above the unit's own
  kPlanBelowAllocated,     // a unit's plan below what it has allocated to its parts
  kPlanAmountInvalid,      // not a whole number of đồng, 0 or more
  kPlanYearInvalid,        // a year before the bank's first (1995) or after 2100
};
std::string_view RejectionKey(ReportRejection code);
std::span<const RejectionEntry<ReportRejection>> RejectionTable(ReportRejection);

// What a report is about. `unit`: national; a branch, office, commune point
// or group code (kind:CODE when a code is of two kinds); commune:CODE (the
// commune of the structure in force on the structure date) or
// commune:L:CODE / commune:N:CODE (before / from the 2025 reform).
struct ReportRequest {
  std::string unit = "national";
  Date at;                           // balances at the end of this day
  std::optional<Date> from;          // turnover from this day (default: 1 January of `at`'s year)
  std::optional<Date> structure_on;  // whose structure (default: `at`)
  std::string association;           // farmers | women | veterans | youth | 11–14 ("": all)
  std::string program;               // a program code ("": all)
  std::optional<int> fund_source;    // 1 central, 2 local budget
};

// The model's figures, summed over a scope, at the end of one day.
struct ReportFigures {
  int64_t normal = 0, overdue = 0, frozen = 0;  // principal by state, đồng
  int64_t interest_receivable = 0;
  int64_t written_off_principal = 0, written_off_interest = 0;  // since the start
  int64_t disbursed = 0, repaid = 0, interest_collected = 0;    // since the start
  int64_t short_term = 0, medium_term = 0, long_term = 0;       // principal by term
  int64_t loans = 0, customers = 0;                             // owing
  // What the loans reached achieved since the start (RULES §9.9): kind → count.
  std::map<std::string, int64_t> outcomes;
  int64_t Outstanding() const { return normal + overdue + frozen; }
};

struct HeadlineReport {
  std::string unit_kind;  // national | branch | office | point | group | commune
  std::string unit_code, unit_name;
  Date at, from, structure_on;
  std::string association, program;  // the filters, "" for none
  std::optional<int> fund_source;
  ReportFigures end;    // at the end of `at`
  ReportFigures start;  // at the end of the day before `from`
  // Turnover over [from, at].
  int64_t lent = 0, collected = 0, interest_collected = 0, written_off = 0;
  // Outcomes of the loans first disbursed (or taken over) in the period.
  std::map<std::string, int64_t> outcomes;
  // Outstanding at `at` by association (11–14), program, fund source.
  std::map<int, int64_t> by_association;
  std::map<std::string, int64_t> by_program;
  std::map<int, int64_t> by_fund_source;
  // Overdue and frozen by program (the ratios per program).
  std::map<std::string, int64_t> overdue_by_program, frozen_by_program;
  // The network on `at` in the scope.
  int64_t groups = 0, households = 0, points = 0;
  // The year's plan (RULES §9.8) of the unit — the nation, a branch, an
  // office — for `at`'s year (the program's, or all programs'); none for
  // other units, an association or a fund source.
  std::optional<int64_t> plan;
  std::string rating_month;                // YYYY-MM of the latest rating on or before `at`
  std::map<std::string, int64_t> ratings;  // class → groups
  // Ratios in basis points (1/100 of a percent) of outstanding at `at`.
  int64_t GrowthDong() const { return end.Outstanding() - start.Outstanding(); }
  int64_t OverdueBp() const;
  std::optional<int64_t> PlanAttainmentBp() const;  // outstanding over the plan
  int64_t FrozenBp() const;
};

Result<HeadlineReport> Headline(Connection& connection, const Context& context,
                                const ReportRequest& request);

// BCDHTD 01.1 (by commune: the unit's commune points on the structure date,
// by their reporting commune) and 01.2 (by program): each row's figures at
// the two ends of the period and its turnover; `total` is the whole unit
// (a loan served at no commune point is in it and in no commune's row).
struct BreakdownRow {
  std::string code, name;
  ReportFigures end, start;
  int64_t lent = 0, collected = 0, interest_collected = 0;
};
struct BreakdownReport {
  std::string name;        // by-commune | by-program | by-group
  HeadlineReport heading;  // the unit, dates and filters (its figures unused)
  std::vector<BreakdownRow> rows;
  BreakdownRow total;
};
Result<BreakdownReport> ByCommune(Connection& connection, const Context& context,
                                  const ReportRequest& request);
Result<BreakdownReport> ByProgram(Connection& connection, const Context& context,
                                  const ReportRequest& request);
// LEN_31: a row per group (of the unit's points on the structure date) and
// program, in commune, association, group order; `code` is
// "commune|association|group|program" and `name` the group's name.
Result<BreakdownReport> ByGroup(Connection& connection, const Context& context,
                                const ReportRequest& request);

// BC0437: the group ratings (RULES §7) of the latest month rated on or
// before `at`, of the unit's groups — a group is where it was rated (its
// commune point and commune that month) — with each criterion's figure and
// points, the total and the class; and the groups by class, of the unit and
// of each commune. The association filter applies; program and fund do not
// (a group is rated whole).
struct RatingRow {
  std::string commune, association, group_code, group_name;
  int64_t figure_bp[6] = {0, 0, 0, 0, 0, 0};
  int points[6] = {0, 0, 0, 0, 0, 0};
  int total = 0;
  std::string class_key;  // tot | kha | trung_binh | yeu
};
struct RatingsReport {
  HeadlineReport heading;       // the unit, date and filters (its figures unused)
  std::string month;            // YYYY-MM rated ("" when none is, on or before `at`)
  std::vector<RatingRow> rows;  // by commune, association and group code
  std::map<std::string, int64_t> by_class;
  std::map<std::string, std::map<std::string, int64_t>> by_commune;  // commune → class → groups
};
Result<RatingsReport> GroupRatings(Connection& connection, const Context& context,
                                   const ReportRequest& request);

// The year's plan (RULES §9.8): per program, the outstanding the nation, a
// branch or an office is to reach by 31 December, allocated top-down.
struct PlanTargetRequest {
  int year = 0;
  std::string unit = "national";  // national, a branch or an office code
  std::string program;
  std::string amount;  // đồng: digits or grouped by dots ("5.171.000.000.000")
};
struct PlanLine {
  std::string program, program_name;
  int64_t target = 0;
  int64_t allocated = 0;    // to the unit's branches / offices
  int64_t outstanding = 0;  // at `at`
  int64_t AttainmentBp() const;
};
struct PlanReport {
  HeadlineReport heading;  // the unit and date
  int year = 0;
  std::vector<PlanLine> lines;  // by program
  PlanLine total;
};
// Sets a target: a branch's needs the nation's for the program, an
// office's its branch's (the branch it is of on 31 December, or the
// business date if earlier); the parts' targets add up to at most their
// unit's, and a unit's target cannot go below what it has allocated.
Result<PlanReport> SetPlan(Connection& connection, const Context& context,
                           const PlanTargetRequest& request);
// The unit's plan of the year and its attainment at `at` (the outstanding
// then over the target): `request.at` in the year (default: its 31
// December, or the business date in the year running).
Result<PlanReport> Plan(Connection& connection, const Context& context, int year,
                        const ReportRequest& request);

// A report laid out as sheets of rows, for the CSV, XLSX and HTML forms: a
// cell is text, đồng, a count or a ratio in basis points.
struct ReportCell {
  enum class Kind { kText, kDong, kCount, kBp } kind = Kind::kText;
  std::string text;
  int64_t value = 0;
  static ReportCell Text(std::string t) { return {Kind::kText, std::move(t), 0}; }
  static ReportCell Dong(int64_t v) { return {Kind::kDong, {}, v}; }
  static ReportCell Count(int64_t v) { return {Kind::kCount, {}, v}; }
  static ReportCell Bp(int64_t v) { return {Kind::kBp, {}, v}; }
};
struct ReportSheet {
  std::string name;  // ≤ 31 characters (a workbook's sheet name)
  std::vector<std::string> headers;
  std::vector<std::vector<ReportCell>> rows;
};
struct ReportLayout {
  std::string title;     // Vietnamese / English
  std::string subtitle;  // the unit, the date, the filters
  std::vector<ReportSheet> sheets;
};
ReportLayout LayoutOf(const HeadlineReport& report);
ReportLayout LayoutOf(const BreakdownReport& report);
ReportLayout LayoutOf(const RatingsReport& report);
ReportLayout LayoutOf(const PlanReport& report);

// Names for the reports' keys: association 11–14 → farmers…; fund source
// 1 → central, 2 → local_budget; class keys as stored (tot, kha, …).
std::string AssociationReportKey(int association);
std::string FundSourceKey(int fund_source);

// The summary a board meeting opens with (RULES §9.5), from the headline and
// the programs' rows of the same request: Vietnamese, or English when
// `english`; every figure rounded the way the bank's reports round them.
std::string Narrative(const HeadlineReport& headline, const BreakdownReport& programs,
                      bool english);

// The report names `tdcs report NAME` knows, and whether `name` is one.
std::span<const std::string_view> ReportNames();

// One row per loan as it stood at the end of `on` (tdcs export loans),
// computed from the loan's own transactions (replayed to the date), not from
// the read model: code, borrower, group, association, program, fund source,
// office, commune point, principal, overdue, frozen, status. Loans applied
// for after `on`, or taken over after it, are left out. Returns the rows
// written. Who may: MayExport (app/export.h); a date after the business
// date is DATE_AFTER_BUSINESS_DATE (the books hold nothing of it yet).
Result<int64_t> ExportLoans(Connection& connection, const Context& context, Date on,
                            std::ostream& out, const ProgressFn& progress = nullptr);

}  // namespace tdcs::app
