// The fitting behind `tdcs generate --calibrate` (RULES §9.7): given the
// loans a profile drew, which are taken over overdue or frozen and what
// each owes, so that the dataset's figures are the targets'. Pure: no store.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "app/generate.h"
#include "app/random.h"
#include "base/result.h"

namespace tdcs::app {

// The step the generated loans' principal moves in, and so the precision
// an amount target is met to.
inline constexpr int64_t kCalibrationStep = 100'000;

struct CalibrationLoan {
  int64_t dong = 0;               // principal outstanding: drawn, then fitted
  int association = 0;            // 11–14
  bool may_fall_overdue = false;  // could be taken over past its maturity
  bool overdue = false;           // taken over past its maturity: all of it overdue
  bool frozen = false;            // frozen when taken over
};

// Chooses the overdue and frozen loans and each loan's principal (a multiple
// of kCalibrationStep, at least one step) so that the totals are the
// targets': outstanding, overdue and frozen (amounts, or ratios of the
// outstanding), and each association's outstanding (the associations not
// given share the rest in their drawn proportions). A figure without a target
// keeps its drawn proportion of the outstanding. Loans drawn overdue (frozen)
// stay so first; more are taken at random. CALIBRATION_INFEASIBLE when the
// figures cannot all be met.
std::optional<Error> FitCalibration(std::vector<CalibrationLoan>& loans,
                                    const CalibrationTargets& targets, Random& random);

// Splits `target` (a multiple of `step`, at least step × n) over weights in
// their proportions, in multiples of `step`, each at least one step, adding
// up exactly (largest remainders first).
std::vector<int64_t> SplitInSteps(const std::vector<int64_t>& weights, int64_t target,
                                  int64_t step);

}  // namespace tdcs::app
