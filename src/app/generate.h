// Synthetic data on the real geography, calibrated to RULES §9, for demos,
// tests and benchmarks. The same profile and seed give the same data.
//
//   demo      one office: An Dương (Hải Phòng), 10 commune points, 250 groups,
//             8,425 households (the An Dương figures of 03/2024).
//   province  Đồng Nai as it is from 1 July 2025 (legacy Đồng Nai + Bình Phước):
//             21 offices after the move, 4,554 groups, 213,140 households.
//   national  63 branches → 34, 619 offices → 648, 9,965 commune points,
//             166,000 groups, 6,800,000 households.
//
// The network opens on 2015-01-01 in the legacy structure; members join their
// groups between then and `until`; if `until` is on or after 1 July 2025 the
// network is moved onto the 2025 structure by the real operation
// (ApplyReform2025). Groups are run by the four associations in the national
// shares (women 46 %, farmers 31 %, veterans 15 %, youth 8 %); group sizes
// are bell-shaped around the profile's mean within 5–60.
#pragma once

#include <cstdint>
#include <istream>
#include <map>
#include <optional>
#include <string>

#include "app/connection.h"
#include "app/context.h"
#include "app/import.h"
#include "base/date.h"
#include "base/result.h"
#include "money/money.h"

namespace tdcs::app {

// Figures a generated dataset is made to hit on one date (`tdcs generate
// --calibrate FILE`, RULES §9.7): a published report's, for the unit the
// profile generates. Amounts are met to the 100.000 đ (the generated loans'
// step), counts exactly.
struct CalibrationTargets {
  Date at;           // the day the figures are of: the generation's `until`
  std::string unit;  // national, or the profile's one branch or office
  std::optional<int64_t> outstanding, overdue, frozen;  // đồng
  std::optional<int64_t> overdue_ppm, frozen_ppm;       // of outstanding, per million
  std::optional<int64_t> groups, households;
  std::map<int, int64_t> by_association;  // 11–14 → outstanding, đồng
};

// Reads a targets file: CSV with the header `unit,at,indicator,value`, a row
// per figure (RULES §9.7 lists the indicators). Every row must name the same
// unit and date; a bad row is refused naming its line (CALIBRATION_INVALID).
Result<CalibrationTargets> ReadCalibration(std::istream& in, const std::string& name);

struct GenerateOptions {
  std::string profile = "demo";  // demo | province | national
  uint64_t seed = 1;
  Date until = *Date::FromCivil(2026, 6, 30);
  bool savings = true;  // most members hold savings (false: loans only)
  // Figures to hit on `until` (which must be their date); the profile's
  // group and household counts give way to the targets'.
  std::optional<CalibrationTargets> calibration;
};

struct GenerateSummary {
  int64_t branches = 0, offices = 0, seats = 0, points = 0, villages = 0, groups = 0, borrowers = 0,
          loans = 0, rows = 0;
  Money outstanding;
  int64_t savings_accounts = 0;
  Money savings;
  bool reform_applied = false;
  // PostgreSQL: the planner's statistics could not be gathered after the
  // commit (the data is there; ANALYZE is to be run, or left to autovacuum).
  std::string analyze_failed;
};

// What Generate answers.
enum class GenerateRejection {
  kProfileUnknown,      // not demo, province or national
  kDatabaseNotEmpty,    // the database holds a network already
  kUntilTooEarly,       // `until` is not after the network's opening, 2015-01-01 (no rates before)
  kCalibrationInvalid,  // a targets file row is malformed, unknown, repeated or of another date
  kCalibrationUnit,     // the targets are of a unit other than the one the profile generates
  kCalibrationInfeasible,  // the targets cannot all be met (e.g. more households than 60 a group)
};
std::string_view RejectionKey(GenerateRejection code);
std::span<const RejectionEntry<GenerateRejection>> RejectionTable(GenerateRejection);

// The database must be initialised and hold no network yet.
//
// All or nothing: on PostgreSQL the whole generation is one transaction; an
// SQLite file is written beside the target ("….generating") and renamed over
// it when complete. A stopped run leaves the target as it was.
Result<GenerateSummary> Generate(const std::string& target, const Context& context,
                                 const GenerateOptions& options,
                                 const ProgressFn& progress = nullptr);

}  // namespace tdcs::app
