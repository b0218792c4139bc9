// The associations' entrusted work at month end: the group rating (report
// BC0437, RULES §7) and the commission and entrustment fees (RULES §6.4),
// each from what the groups did in the month, with the dated settings in
// force at its end.
#pragma once

#include <string>
#include <vector>

#include "app/connection.h"
#include "app/context.h"
#include "app/sessions.h"
#include "base/result.h"
#include "money/money.h"

namespace tdcs::app {

enum class EntrustedRejection {
  kMonthNotOver,    // rating or fees of a month whose last day is not behind the business date
  kFeesAlreadyRun,  // the month's commission and fees are posted already
  kGroupUnknown,    // a statement of a group that does not exist
  kUnitUnknown,     // a statement of an association unit that does not exist
};
std::string_view RejectionKey(EntrustedRejection code);
std::span<const RejectionEntry<EntrustedRejection>> RejectionTable(EntrustedRejection);

// One group's rating: each criterion's figure (basis points: 1 % = 100) and
// points, in the order of entrusted::kAllCriteria.
struct GroupRating {
  std::string group_code, commune_code;
  int association_code = 0;
  int64_t figure_bp[6] = {0, 0, 0, 0, 0, 0};
  int points[6] = {0, 0, 0, 0, 0, 0};
  int total = 0;
  std::string class_key;  // tot | kha | trung_binh | yeu
};
// Counts by class: good, fair, average, weak.
struct ClassCounts {
  int64_t good = 0, fair = 0, average = 0, weak = 0;
  int64_t Total() const { return good + fair + average + weak; }
};
struct RatingSummary {
  Month month;
  std::vector<GroupRating> groups;  // by group code
  ClassCounts group_classes;
  // Communes (as in force at the month's end) and association units (an
  // association in a commune) rated from their groups: the average of
  // their groups' totals, rounded half up, and its class.
  ClassCounts commune_classes, unit_classes;
};
// Rates every group of the month, replacing an earlier rating of it.
Result<RatingSummary> RateGroups(Connection& connection, const Context& context, Month month);

// A month's commission and fee line (kind commission | fee; a fee has a
// line per association level).
struct FeeLine {
  std::string group_code, kind, level;
  int association_code = 0;
  std::string area_code;  // of the level: a province, district or commune code ('' central)
  Money interest_collected;
  int64_t rate_bp = 0, overdue_ratio_bp = 0, collection_ratio_bp = 0;
  std::string quality;  // full | reduced | withheld
  int percent = 0;
  Money amount;
  std::optional<Date> paid_on;
};
struct FeeSummary {
  Month month;
  Money interest_collected, commission, fees;
  int64_t groups = 0, full = 0, reduced = 0, withheld = 0;  // by the commission's quality
  Money by_level[4];                                        // central, province, district, commune
};
// Computes and posts the month's commission and fees once: expense against
// the payable accounts, per office. They are paid at each point's next
// session (OpenCommuneSession).
Result<FeeSummary> RunFees(Connection& connection, const Context& context, Month month);

// The month's lines of one group (`group_code`), or of one association unit
// (`association` 11–14 with `level` and its area code; central has none).
struct FeeStatementRequest {
  Month month;
  std::string group_code;
  int association = 0;
  std::string level, area_code;
};
Result<std::vector<FeeLine>> FeeStatement(Connection& connection, const Context& context,
                                          const FeeStatementRequest& request);

// Basis points as a percent: "12,5 %" (Vietnamese), "12.50" (plain, for CSV).
std::string PercentVietnamese(int64_t bp);
std::string PercentPlain(int64_t bp);
// n of `of` as a Vietnamese percent, half up to 0,01 % ("0 %" of nothing).
std::string ShareVietnamese(int64_t n, int64_t of);

}  // namespace tdcs::app
