// Amortization: installment schedules for microfinance lenders other than the
// policy bank (the bank itself repays principal on its own program calendar).
// Everything is integer đồng; there is no floating point, not even for the
// annuity payment, which is found by an integer binary search.
//
// Due dates. Installment k (1-based) falls due
//   monthly: start + k × period_length months (Date::AddMonths, clamped to the
//            month's end and always counted from start: 31/01 → 29/02 → 31/03);
//   weekly:  start + 7 × k × period_length days.
//
// Interest of installment k is charged on the balance outstanding before it, for
// the span from the previous due date (the start for k = 1) to due date k, and
// is rounded half up to a whole đồng per installment:
//   kMonthly30  (the bank's default): balance × monthly rate × actual days / 30;
//   kActual365:  balance × (monthly rate × 12) × actual days / 365;
//   kThirty360:  balance × monthly rate × days30360 / 30, where days30360 is the
//                30/360 US (NASD bond basis) count: a start day of 31 becomes 30;
//                an end day of 31 becomes 30 when the (adjusted) start day is 30
//                or more; days = 360 × (Y2 − Y1) + 30 × (M2 − M1) + (D2 − D1).
//
// Equal principal. Every installment repays principal ÷ periods, rounded down
// to the rounding multiple; the last one repays whatever is left (so it is never
// smaller than the others). Totals vary with the interest.
//
// Annuity (equal total installment). A is the smallest multiple of the rounding
// multiple such that, paying a total of A in installments 1 … n−1 (principal
// part = A − that installment's interest, which must not be negative), the
// balance R left after installment n−1 satisfies R + interest_n(R) ≤ A. The
// last installment repays R with its interest, so its total may be below A but
// never above it. Feasibility only grows with A (a larger payment leaves a
// smaller balance, hence smaller interest), which is why a binary search over
// the multiples between 0 and principal + first interest on the whole principal
// (a payment that clears the loan at once) finds A exactly.
//
// Rejections (Result errors, not bugs): principal ≤ 0 or above 10^15 đồng,
// periods outside 1 … 600, period length < 1 or a schedule longer than about
// 100 years, rounding multiple < 1 or above the principal, a rate below zero or
// above 100 % per month, and a schedule in which some installment before the last
// would repay no principal (equal principal) or the loan would be repaid before
// the last installment (annuity), because the principal is too small for the
// number of periods and the rounding multiple, or because at a high rate over
// many periods the exact annuity's early principal parts are fractions of a
// đồng (SCHEDULE_ROUNDING_INVALID either way). The bounds keep every product of
// balance × rate × days inside __int128 and every amount inside int64.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "base/date.h"
#include "base/result.h"
#include "money/money.h"

namespace tdcs::loans {

enum class AmortizationMethod { kEqualPrincipal, kAnnuity };
enum class PeriodUnit { kMonth, kWeek };
enum class DayCount { kMonthly30, kActual365, kThirty360 };

struct AmortizationTerms {
  Money principal;
  Rate rate;   // Per month, in millionths.
  Date start;  // The disbursement date.
  int periods = 12;
  PeriodUnit unit = PeriodUnit::kMonth;
  int period_length = 1;  // Units per installment: 2 with kWeek is every two weeks.
  DayCount day_count = DayCount::kMonthly30;
  int64_t rounding_multiple_dong = 1;
  AmortizationMethod method = AmortizationMethod::kEqualPrincipal;
};

struct ScheduledInstallment {
  int number = 0;  // 1-based.
  Date due;
  Money principal;
  Money interest;
  Money total;          // principal + interest.
  Money balance_after;  // Principal still owed once this installment is paid.
};

// Limits enforced by BuildSchedule.
inline constexpr int kMaxSchedulePeriods = 600;
inline constexpr int64_t kMaxSchedulePrincipalDong = 1'000'000'000'000'000;  // 10^15 đồng.
inline constexpr int64_t kMaxScheduleMonths = 1200;                          // 100 years.
inline constexpr int64_t kMaxScheduleWeeks = 5220;                           // About 100 years.

// BuildSchedule's rejections (the limits above; see the file header).
enum class ScheduleRejection {
  kSchedulePrincipalInvalid,     // principal ≤ 0 or above kMaxSchedulePrincipalDong
  kSchedulePeriodsInvalid,       // periods outside 1 … kMaxSchedulePeriods
  kSchedulePeriodLengthInvalid,  // period length < 1, or a schedule over about 100 years
  kScheduleRoundingInvalid,      // a rounding multiple that does not fit the principal and periods
  kScheduleRateInvalid,          // a rate below zero or above 100 % a month
};
std::string_view RejectionKey(ScheduleRejection code);
std::span<const RejectionEntry<ScheduleRejection>> RejectionTable(ScheduleRejection);

Result<std::vector<ScheduledInstallment>> BuildSchedule(const AmortizationTerms& terms);

// Due date of installment `number` (1-based) under the rule in the file header.
Date DueDate(const AmortizationTerms& terms, int number);

// Days from `from` to `to` under the 30/360 US (NASD bond basis) rule above.
int32_t Days30360(Date from, Date to);

// Interest on `balance` for the span [from, to) under `day_count`, rounded half
// up to a whole đồng. `balance` and the rate must not be negative.
Money SpanInterest(Money balance, Rate rate, Date from, Date to, DayCount day_count);

// "equal-principal" | "annuity".
std::optional<AmortizationMethod> ParseAmortizationMethod(std::string_view text);
// "monthly" | "month" | "weekly" | "week".
std::optional<PeriodUnit> ParsePeriodUnit(std::string_view text);
// "30/30" | "monthly30" | "actual/365" | "30/360".
std::optional<DayCount> ParseDayCount(std::string_view text);

// The canonical spellings accepted by the parsers above.
std::string_view AmortizationMethodName(AmortizationMethod method);
std::string_view PeriodUnitName(PeriodUnit unit);
std::string_view DayCountName(DayCount day_count);

}  // namespace tdcs::loans
