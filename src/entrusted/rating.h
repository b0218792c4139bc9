// The monthly group rating (report BC0437, RULES §7): six criteria, each a
// figure of the group's month mapped to points by a dated setting, adding up
// to at most 100; the class from the total. Pure: the figures come from the
// caller, the mappings from the settings in force at the month's end.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace tdcs::entrusted {

// A dated setting of the entrusted work that does not parse (RULES §7, §6.4).
enum class EntrustedSettingRejection { kSettingInvalid };
std::string_view RejectionKey(EntrustedSettingRejection code);
std::span<const RejectionEntry<EntrustedSettingRejection>> RejectionTable(
    EntrustedSettingRejection);

enum class Criterion {
  kSessionShare,       // transactions made at the commune session, % of the month's
  kOverdueRatio,       // overdue / outstanding at the month's end, %
  kPrincipalRepaid,    // principal repaid at the session / principal due there, %
  kInterestCollected,  // interest collected at the session / interest due there, %
  kSaversShare,        // members with savings at the month's end, % of members
  kSavingsGrowth,      // savings balance at the month's end against the month before, %
};
inline constexpr std::array<Criterion, 6> kAllCriteria = {
    Criterion::kSessionShare,      Criterion::kOverdueRatio, Criterion::kPrincipalRepaid,
    Criterion::kInterestCollected, Criterion::kSaversShare,  Criterion::kSavingsGrowth};
// The criterion's most points (20, 30, 15, 20, 5, 10: 100 in all).
int MaxPoints(Criterion c);
// Its key: the setting `rating.<key>` and the report's column.
std::string_view Key(Criterion c);
std::string_view NameVi(Criterion c);
// Whether a lower figure is the better (the overdue ratio).
bool LowerIsBetter(Criterion c);

// A mapping from a criterion's figure to points: steps "threshold:points"
// separated by commas, best first. For a higher-is-better criterion a figure
// at or above a step's threshold earns its points (the first such step); for
// the overdue ratio a figure at or below it. Thresholds are percents with up
// to 2 decimals (hundredths: basis points of the whole).
struct Step {
  int64_t threshold_bp = 0;  // 1 % = 100
  int points = 0;
};
struct Mapping {
  Criterion criterion = Criterion::kSessionShare;
  std::vector<Step> steps;
};
// Parses a mapping; refuses one out of order, over the criterion's most
// points, or without a step that catches every figure (the last threshold
// must be the floor: 0 % — or −100 % for the growth — and 100 % for the
// overdue ratio's ceiling).
Result<Mapping> ParseMapping(Criterion c, std::string_view text);
int PointsFor(const Mapping& mapping, int64_t figure_bp);

enum class RatingClass { kGood, kFair, kAverage, kWeak };
std::string_view ClassKey(RatingClass c);  // tot | kha | trung_binh | yeu
std::string_view ClassVi(RatingClass c);   // Tốt | Khá | Trung bình | Yếu
std::string_view ClassEn(RatingClass c);   // good | fair | average | weak
// The class thresholds: "85:tot,70:kha,50:trung_binh,0:yeu" — a total at or
// above a step's points is of its class.
struct ClassSteps {
  int good = 85, fair = 70, average = 50;
};
Result<ClassSteps> ParseClassSteps(std::string_view text);
RatingClass ClassOf(const ClassSteps& steps, int total);

// A figure as a share in basis points, num/den (den 0: `if_none`), rounded
// half up, between 0 and 10,000 when num ≤ den.
int64_t ShareBp(int64_t num, int64_t den, int64_t if_none);
// The growth from `before` to `after` in basis points (before 0: +100 % when
// after > 0, else 0).
int64_t GrowthBp(int64_t before, int64_t after);
// "12,5 %" from basis points.
std::string PercentVi(int64_t bp);

}  // namespace tdcs::entrusted
