#include "loans/amortization.h"

#include "base/check.h"

namespace tdcs::loans {

// The wire string of each rejection code (docs/API.md "Error codes").
#define TDCS_SCHEDULE_REJECTIONS(X)                                 \
  X(kSchedulePrincipalInvalid, "SCHEDULE_PRINCIPAL_INVALID")        \
  X(kSchedulePeriodsInvalid, "SCHEDULE_PERIODS_INVALID")            \
  X(kSchedulePeriodLengthInvalid, "SCHEDULE_PERIOD_LENGTH_INVALID") \
  X(kScheduleRoundingInvalid, "SCHEDULE_ROUNDING_INVALID")          \
  X(kScheduleRateInvalid, "SCHEDULE_RATE_INVALID")
TDCS_DEFINE_REJECTIONS(ScheduleRejection, TDCS_SCHEDULE_REJECTIONS)
#undef TDCS_SCHEDULE_REJECTIONS

namespace {

// The span of one installment: interest accrues from `from` to `due`.
struct Span {
  Date from;
  Date due;
};

std::vector<Span> Spans(const AmortizationTerms& terms) {
  std::vector<Span> spans;
  spans.reserve(static_cast<size_t>(terms.periods));
  Date previous = terms.start;
  for (int k = 1; k <= terms.periods; ++k) {
    const Date due = DueDate(terms, k);
    spans.push_back(Span{previous, due});
    previous = due;
  }
  return spans;
}

Money InterestFor(Money balance, const AmortizationTerms& terms, const Span& span) {
  return SpanInterest(balance, terms.rate, span.from, span.due, terms.day_count);
}

Status Validate(const AmortizationTerms& terms) {
  const int64_t principal = terms.principal.dong();
  if (principal <= 0 || principal > kMaxSchedulePrincipalDong) {
    return MakeError(ScheduleRejection::kSchedulePrincipalInvalid, "amount",
                     "Số tiền vay phải lớn hơn 0 và không quá 10^15 đồng",
                     "The principal must be above 0 and at most 10^15 đồng");
  }
  if (terms.periods < 1 || terms.periods > kMaxSchedulePeriods) {
    return MakeError(ScheduleRejection::kSchedulePeriodsInvalid, "periods",
                     "Số kỳ trả phải từ 1 đến 600", "The number of periods must be from 1 to 600");
  }
  // The product is taken in int64 so that a huge period length cannot overflow
  // the int arithmetic of the due-date rule before it is rejected.
  const int64_t span_units = static_cast<int64_t>(terms.periods) * terms.period_length;
  const int64_t max_units =
      terms.unit == PeriodUnit::kMonth ? kMaxScheduleMonths : kMaxScheduleWeeks;
  if (terms.period_length < 1 || span_units > max_units) {
    return MakeError(ScheduleRejection::kSchedulePeriodLengthInvalid, "period_length",
                     "Độ dài kỳ phải từ 1 trở lên và lịch trả không quá 100 năm",
                     "The period length must be at least 1 and the schedule at most 100 years");
  }
  if (terms.rounding_multiple_dong < 1 || terms.rounding_multiple_dong > principal) {
    return MakeError(ScheduleRejection::kScheduleRoundingInvalid, "rounding",
                     "Bội số làm tròn phải từ 1 đồng đến số tiền vay",
                     "The rounding multiple must be from 1 đồng up to the principal");
  }
  const int64_t rate = terms.rate.per_month_millionths();
  if (rate < 0 || rate > Rate::kScale) {
    return MakeError(ScheduleRejection::kScheduleRateInvalid, "rate",
                     "Lãi suất phải từ 0 đến 100 %/tháng",
                     "The rate must be from 0 to 100 % per month");
  }
  return Status::Ok();
}

// Raised when whole đồng on the rounding multiple cannot give every installment
// some principal: the principal is too small for the number of periods, or (for
// an annuity at a high rate over many periods) the early principal parts would
// be fractions of a đồng.
Error CannotSpread() {
  return MakeError(ScheduleRejection::kScheduleRoundingInvalid, "rounding",
                   "Không chia được khoản vay thành số kỳ này với bội số làm tròn đã chọn",
                   "The loan cannot be spread over this many periods with this rounding multiple");
}

std::vector<ScheduledInstallment> EqualPrincipal(const AmortizationTerms& terms,
                                                 const std::vector<Span>& spans) {
  const int n = terms.periods;
  // Rounding the share down keeps every installment but the last on the
  // multiple; the last absorbs the remainder, so it is never below the share.
  const Money share = Money::Dong(DivideRoundDown(terms.principal.dong(), n))
                          .RoundDownTo(terms.rounding_multiple_dong);
  std::vector<ScheduledInstallment> out;
  out.reserve(static_cast<size_t>(n));
  Money balance = terms.principal;
  for (int k = 1; k <= n; ++k) {
    const Span& span = spans[static_cast<size_t>(k - 1)];
    const Money interest = InterestFor(balance, terms, span);
    const Money principal = k == n ? balance : share;
    balance -= principal;
    out.push_back(
        ScheduledInstallment{k, span.due, principal, interest, principal + interest, balance});
  }
  return out;
}

// The balance left after installments 1 … n−1 of total `payment` each, or
// nullopt when some installment's interest exceeds the payment (the principal
// part would be negative). A principal part larger than the balance is capped
// at the balance; that keeps the result monotone in `payment`, and a schedule
// that clears the loan early is rejected after the search.
std::optional<Money> RemainingBeforeLast(Money payment, const AmortizationTerms& terms,
                                         const std::vector<Span>& spans) {
  Money balance = terms.principal;
  for (int k = 1; k < terms.periods; ++k) {
    const Money interest = InterestFor(balance, terms, spans[static_cast<size_t>(k - 1)]);
    if (interest > payment) return std::nullopt;
    const Money principal = payment - interest;
    balance = principal >= balance ? Money::Zero() : balance - principal;
  }
  return balance;
}

bool AnnuityFeasible(Money payment, const AmortizationTerms& terms,
                     const std::vector<Span>& spans) {
  const std::optional<Money> remaining = RemainingBeforeLast(payment, terms, spans);
  if (!remaining) return false;
  const Money last_interest = InterestFor(*remaining, terms, spans.back());
  return *remaining + last_interest <= payment;
}

Result<std::vector<ScheduledInstallment>> Annuity(const AmortizationTerms& terms,
                                                  const std::vector<Span>& spans) {
  const int n = terms.periods;
  const int64_t multiple = terms.rounding_multiple_dong;
  // Paying the whole principal with the first installment's interest at once
  // clears the loan in installment 1 (n ≥ 2) or is exactly the last total
  // (n = 1), so its next multiple is always feasible. Zero never is, because
  // the principal is positive.
  const Money clear_at_once = terms.principal + InterestFor(terms.principal, terms, spans.front());
  // The search keeps `low` multiples infeasible and `high` multiples feasible;
  // `high` starts at clear_at_once ÷ multiple rounded up (floor of n + m − 1).
  int64_t low = 0;
  int64_t high = DivideRoundDown(clear_at_once.dong() + multiple - 1, multiple);
  TDCS_CHECK(AnnuityFeasible(Money::Dong(high * multiple), terms, spans));
  while (high - low > 1) {
    // low + (high − low) / 2 floors because both bounds are non-negative.
    const int64_t middle = low + DivideRoundDown(high - low, 2);
    if (AnnuityFeasible(Money::Dong(middle * multiple), terms, spans)) {
      high = middle;
    } else {
      low = middle;
    }
  }
  const Money payment = Money::Dong(high * multiple);

  std::vector<ScheduledInstallment> out;
  out.reserve(static_cast<size_t>(n));
  Money balance = terms.principal;
  for (int k = 1; k <= n; ++k) {
    const Span& span = spans[static_cast<size_t>(k - 1)];
    const Money interest = InterestFor(balance, terms, span);
    Money principal = balance;
    if (k < n) {
      // A payment that would clear the loan before the last installment leaves
      // empty installments behind it; such a schedule is refused, not printed.
      if (payment - interest >= balance) return CannotSpread();
      principal = payment - interest;
    }
    balance -= principal;
    out.push_back(
        ScheduledInstallment{k, span.due, principal, interest, principal + interest, balance});
  }
  TDCS_CHECK(out.back().total <= payment);
  return out;
}

}  // namespace

Date DueDate(const AmortizationTerms& terms, int number) {
  if (terms.unit == PeriodUnit::kMonth) return terms.start.AddMonths(number * terms.period_length);
  return terms.start.AddDays(7 * number * terms.period_length);
}

int32_t Days30360(Date from, Date to) {
  int d1 = from.day();
  int d2 = to.day();
  if (d1 == 31) d1 = 30;
  if (d2 == 31 && d1 >= 30) d2 = 30;
  return 360 * (to.year() - from.year()) + 30 * (to.month() - from.month()) + (d2 - d1);
}

Money SpanInterest(Money balance, Rate rate, Date from, Date to, DayCount day_count) {
  TDCS_CHECK(!balance.IsNegative());
  TDCS_CHECK(rate.per_month_millionths() >= 0);
  // Each basis is a fraction day_units / per_days of one month's interest
  // (Actual/365 turns the monthly rate into a yearly one by × 12).
  __int128 day_units = 0;
  __int128 per_days = 30;
  switch (day_count) {
    case DayCount::kMonthly30:
      day_units = DaysBetween(from, to);
      break;
    case DayCount::kActual365:
      day_units = static_cast<__int128>(DaysBetween(from, to)) * 12;
      per_days = 365;
      break;
    case DayCount::kThirty360:
      day_units = Days30360(from, to);
      break;
  }
  TDCS_CHECK(day_units >= 0);
  const __int128 numerator =
      static_cast<__int128>(balance.dong()) * rate.per_month_millionths() * day_units;
  return Money::Dong(DivideRoundHalfUp(numerator, per_days * Rate::kScale));
}

Result<std::vector<ScheduledInstallment>> BuildSchedule(const AmortizationTerms& terms) {
  if (Status status = Validate(terms); !status.ok()) return status.error();
  const std::vector<Span> spans = Spans(terms);

  std::vector<ScheduledInstallment> schedule;
  if (terms.method == AmortizationMethod::kEqualPrincipal) {
    // With n ≥ 2, a share that rounds down to zero would leave every
    // installment but the last without principal.
    if (terms.periods > 1 &&
        DivideRoundDown(terms.principal.dong(), terms.periods) < terms.rounding_multiple_dong) {
      return CannotSpread();
    }
    schedule = EqualPrincipal(terms, spans);
  } else {
    Result<std::vector<ScheduledInstallment>> annuity = Annuity(terms, spans);
    if (!annuity.ok()) return annuity.error();
    schedule = std::move(annuity).value();
  }

  // The invariants every schedule must keep whatever the method.
  Money repaid = Money::Zero();
  for (const ScheduledInstallment& installment : schedule) {
    TDCS_CHECK(!installment.principal.IsNegative());
    TDCS_CHECK(!installment.interest.IsNegative());
    TDCS_CHECK(installment.total == installment.principal + installment.interest);
    repaid += installment.principal;
    TDCS_CHECK(installment.balance_after == terms.principal - repaid);
  }
  TDCS_CHECK(static_cast<int>(schedule.size()) == terms.periods);
  TDCS_CHECK(repaid == terms.principal);
  TDCS_CHECK(schedule.back().balance_after.IsZero());
  return schedule;
}

std::optional<AmortizationMethod> ParseAmortizationMethod(std::string_view text) {
  if (text == "equal-principal") return AmortizationMethod::kEqualPrincipal;
  if (text == "annuity") return AmortizationMethod::kAnnuity;
  return std::nullopt;
}

std::optional<PeriodUnit> ParsePeriodUnit(std::string_view text) {
  if (text == "monthly" || text == "month") return PeriodUnit::kMonth;
  if (text == "weekly" || text == "week") return PeriodUnit::kWeek;
  return std::nullopt;
}

std::optional<DayCount> ParseDayCount(std::string_view text) {
  if (text == "30/30" || text == "monthly30") return DayCount::kMonthly30;
  if (text == "actual/365") return DayCount::kActual365;
  if (text == "30/360") return DayCount::kThirty360;
  return std::nullopt;
}

std::string_view AmortizationMethodName(AmortizationMethod method) {
  return method == AmortizationMethod::kAnnuity ? "annuity" : "equal-principal";
}

std::string_view PeriodUnitName(PeriodUnit unit) {
  return unit == PeriodUnit::kWeek ? "weekly" : "monthly";
}

std::string_view DayCountName(DayCount day_count) {
  switch (day_count) {
    case DayCount::kMonthly30:
      return "monthly30";
    case DayCount::kActual365:
      return "actual/365";
    case DayCount::kThirty360:
      return "30/360";
  }
  return "monthly30";
}

}  // namespace tdcs::loans
