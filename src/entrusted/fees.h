// Commission to a group's board and entrustment fees to the associations
// (RULES §6.4): a monthly percentage of the interest the group actually
// collected, reduced or withheld when its overdue ratio or its interest
// collection ratio is poor; a fee is shared between the association's levels
// in force (central, province, district, commune — no district from the
// 2025 reform). Pure: the settings in force and the group's figures come
// from the caller.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "money/money.h"

namespace tdcs::entrusted {

// The quality rule of one kind of payment (commission or fee): paid in full
// when the overdue ratio is at most `full_overdue_max_bp` and the interest
// collection ratio at least `full_collection_min_bp`; paid at
// `reduced_share_percent` % when within the looser `paid_*` bounds; withheld
// otherwise.
struct QualityRule {
  int64_t rate_bp = 0;  // of the interest collected; 10 % = 1,000
  int64_t full_overdue_max_bp = 0, full_collection_min_bp = 0;
  int64_t paid_overdue_max_bp = 0, paid_collection_min_bp = 0;
  int reduced_share_percent = 50;
};

enum class Quality { kFull, kReduced, kWithheld };
std::string_view QualityKey(Quality q);  // full | reduced | withheld
std::string_view QualityVi(Quality q);   // đủ | giảm | không trả

struct Payable {
  Quality quality = Quality::kFull;
  int percent = 100;  // of the full amount
  Money full;         // rate × interest collected, half up
  Money amount;       // what is payable
};
Payable Assess(const QualityRule& rule, Money interest_collected, int64_t overdue_ratio_bp,
               int64_t collection_ratio_bp);

// The levels of an association and each one's share (percent, summing to 100).
enum class Level { kCentral, kProvince, kDistrict, kCommune };
std::string_view LevelKey(Level l);  // central | province | district | commune
std::string_view LevelVi(Level l);   // Trung ương | Tỉnh | Huyện | Xã
struct LevelShares {
  int central = 0, province = 0, district = 0, commune = 0;
};
// The fee split between the levels: each upper level's share rounded down,
// the commune taking the rest, so the parts add up to `fee` exactly and none
// is below 0. Without
// a district level in force its share must be 0 (a setting error otherwise,
// checked by CheckShares).
struct FeePart {
  Level level;
  Money amount;
};
std::vector<FeePart> SplitFee(Money fee, const LevelShares& shares, bool district_in_force);
// Refuses shares that do not add up to 100, a negative one, or a district
// share where no district level is in force (`when` names the date).
std::optional<Error> CheckShares(const LevelShares& shares, bool district_in_force,
                                 const std::string& when);

}  // namespace tdcs::entrusted
