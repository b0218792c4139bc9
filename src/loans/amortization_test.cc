#include "loans/amortization.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tdcs::loans {
namespace {

Date D(const char* iso) { return *Date::Parse(iso); }

std::vector<ScheduledInstallment> Build(const AmortizationTerms& terms) {
  Result<std::vector<ScheduledInstallment>> result = BuildSchedule(terms);
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().ToString());
  return result.ok() ? result.value() : std::vector<ScheduledInstallment>{};
}

std::string ErrorCode(const AmortizationTerms& terms) {
  Result<std::vector<ScheduledInstallment>> result = BuildSchedule(terms);
  return result.ok() ? "OK" : result.error().code;
}

int64_t SumPrincipal(const std::vector<ScheduledInstallment>& schedule) {
  int64_t sum = 0;
  for (const ScheduledInstallment& installment : schedule) sum += installment.principal.dong();
  return sum;
}

TEST(Days30360Test, BondBasis) {
  // D1 = 31 → 30, D2 = 29 stays: 30 × 1 + (29 − 30) = 29.
  EXPECT_EQ(Days30360(D("2024-01-31"), D("2024-02-29")), 29);
  // D2 = 31 with D1 = 30 → 30: 30 × 2 + 0 = 60.
  EXPECT_EQ(Days30360(D("2024-01-30"), D("2024-03-31")), 60);
  // D2 = 31 stays because D1 = 29 < 30: 30 × 1 + (31 − 29) = 32 (no February rule).
  EXPECT_EQ(Days30360(D("2024-02-29"), D("2024-03-31")), 32);
  // Across a year: 360 × 1 + 30 × (1 − 12) + (30 − 30) = 30.
  EXPECT_EQ(Days30360(D("2023-12-31"), D("2024-01-31")), 30);
  // Both ends adjusted to 30: 30 × 1 + 0 = 30.
  EXPECT_EQ(Days30360(D("2024-03-31"), D("2024-04-30")), 30);
  // Same day of the month is always 30 days a month.
  EXPECT_EQ(Days30360(D("2024-01-15"), D("2024-07-15")), 180);
  EXPECT_EQ(Days30360(D("2024-05-10"), D("2024-05-10")), 0);
}

TEST(SpanInterestTest, EachDayCount) {
  const Money balance = Money::Dong(12'000'000);
  const Rate one_percent = Rate::PerMonthMillionths(10'000);
  // 12,000,000 × 1 % × 29 / 30 = 116,000 exactly.
  EXPECT_EQ(
      SpanInterest(balance, one_percent, D("2024-01-31"), D("2024-02-29"), DayCount::kMonthly30)
          .dong(),
      116'000);
  // 12,000,000 × 12 % × 29 / 365 = 114,410.96 → 114,411.
  EXPECT_EQ(
      SpanInterest(balance, one_percent, D("2024-01-31"), D("2024-02-29"), DayCount::kActual365)
          .dong(),
      114'411);
  // 30/360 gives 29 days here too: 116,000.
  EXPECT_EQ(
      SpanInterest(balance, one_percent, D("2024-01-31"), D("2024-02-29"), DayCount::kThirty360)
          .dong(),
      116'000);
  // Half up: 11,000,000 × 1 % × 31 / 30 = 113,666.67 → 113,667.
  EXPECT_EQ(SpanInterest(Money::Dong(11'000'000), one_percent, D("2024-02-29"), D("2024-03-31"),
                         DayCount::kMonthly30)
                .dong(),
            113'667);
}

TEST(BuildScheduleTest, EqualPrincipalMonthlyFromMonthEnd) {
  AmortizationTerms terms;
  terms.principal = Money::Dong(12'000'000);
  terms.rate = Rate::PerMonthMillionths(10'000);  // 1 % per month.
  terms.start = D("2024-01-31");
  const std::vector<ScheduledInstallment> schedule = Build(terms);
  ASSERT_EQ(schedule.size(), 12u);

  // Due dates keep the 31st where it exists (counted from the start each time).
  const char* kDues[] = {"29/02/2024", "31/03/2024", "30/04/2024", "31/05/2024",
                         "30/06/2024", "31/07/2024", "31/08/2024", "30/09/2024",
                         "31/10/2024", "30/11/2024", "31/12/2024", "31/01/2025"};
  // Interest = balance before × 1 % × actual days / 30, half up. The balance
  // drops by 1,000,000 a month:
  //   12,000,000 × 29/3000 = 116,000     11,000,000 × 31/3000 = 113,666.67 → 113,667
  //   10,000,000 × 30/3000 = 100,000      9,000,000 × 31/3000 =  93,000
  //    8,000,000 × 30/3000 =  80,000      7,000,000 × 31/3000 =  72,333.33 → 72,333
  //    6,000,000 × 31/3000 =  62,000      5,000,000 × 30/3000 =  50,000
  //    4,000,000 × 31/3000 =  41,333.33   3,000,000 × 30/3000 =  30,000
  //    2,000,000 × 31/3000 =  20,666.67   1,000,000 × 31/3000 =  10,333.33
  const int64_t kInterest[] = {116'000, 113'667, 100'000, 93'000, 80'000, 72'333,
                               62'000,  50'000,  41'333,  30'000, 20'667, 10'333};
  int64_t total_interest = 0;
  for (int i = 0; i < 12; ++i) {
    SCOPED_TRACE(i + 1);
    EXPECT_EQ(schedule[i].number, i + 1);
    EXPECT_EQ(schedule[i].due.ToVietnamese(), kDues[i]);
    EXPECT_EQ(schedule[i].principal.dong(), 1'000'000);
    EXPECT_EQ(schedule[i].interest.dong(), kInterest[i]);
    EXPECT_EQ(schedule[i].total.dong(), 1'000'000 + kInterest[i]);
    EXPECT_EQ(schedule[i].balance_after.dong(), 12'000'000 - 1'000'000 * (i + 1));
    total_interest += schedule[i].interest.dong();
  }
  // The sum of the twelve figures above.
  EXPECT_EQ(total_interest, 789'333);
}

TEST(BuildScheduleTest, EqualPrincipalRoundedLastTakesTheRest) {
  AmortizationTerms terms;
  terms.principal = Money::Dong(50'000'000);
  terms.rate = Rate::PerMonthMillionths(5'500);  // 0.55 % per month.
  terms.start = D("2024-03-22");
  terms.rounding_multiple_dong = 100'000;
  const std::vector<ScheduledInstallment> schedule = Build(terms);
  ASSERT_EQ(schedule.size(), 12u);
  // 50,000,000 / 12 = 4,166,666 → 4,100,000 on the multiple; the last repays
  // 50,000,000 − 11 × 4,100,000 = 4,900,000.
  for (int i = 0; i < 11; ++i) EXPECT_EQ(schedule[i].principal.dong(), 4'100'000);
  EXPECT_EQ(schedule[11].principal.dong(), 4'900'000);
  EXPECT_EQ(schedule[11].balance_after.dong(), 0);
  EXPECT_EQ(SumPrincipal(schedule), 50'000'000);
  // 22/03 → 22/04 is 31 days: 50,000,000 × 0.55 % × 31 / 30 = 284,166.67 → 284,167.
  EXPECT_EQ(schedule[0].interest.dong(), 284'167);
  // 22/02/2025 → 22/03/2025 is 28 days: 4,900,000 × 0.55 % × 28 / 30 = 25,153.33 → 25,153.
  EXPECT_EQ(schedule[11].interest.dong(), 25'153);
  EXPECT_EQ(schedule[11].total.dong(), 4'925'153);
}

TEST(BuildScheduleTest, AnnuityThirty360RoundedToThousand) {
  AmortizationTerms terms;
  terms.principal = Money::Dong(10'000'000);
  terms.rate = Rate::PerMonthMillionths(10'000);
  terms.start = D("2024-01-15");  // The 15th: every 30/360 month is exactly 30 days.
  terms.day_count = DayCount::kThirty360;
  terms.rounding_multiple_dong = 1'000;
  terms.method = AmortizationMethod::kAnnuity;
  const std::vector<ScheduledInstallment> schedule = Build(terms);
  ASSERT_EQ(schedule.size(), 12u);

  // The textbook payment is 10,000,000 × 0.01 / (1 − 1.01^−12) ≈ 888,487.89, so
  // the smallest multiple of 1,000 that repays the loan is 889,000; 888,000
  // leaves too much for the last month (checked with an independent exact
  // simulation). Each month's interest is the balance × 1 % rounded half up,
  // e.g. month 2: 9,211,000 × 1 % = 92,110; principal 889,000 − 92,110 = 796,890.
  int64_t balance = 10'000'000;
  for (int i = 0; i < 12; ++i) {
    SCOPED_TRACE(i + 1);
    EXPECT_EQ(schedule[i].interest.dong(), DivideRoundHalfUp(balance, 100));
    if (i < 11) {
      EXPECT_EQ(schedule[i].total.dong(), 889'000);
      EXPECT_EQ(schedule[i].total.dong() % 1'000, 0);
    }
    balance -= schedule[i].principal.dong();
    EXPECT_EQ(schedule[i].balance_after.dong(), balance);
    EXPECT_GE(schedule[i].principal.dong(), 0);
  }
  EXPECT_EQ(schedule[0].principal.dong(), 789'000);
  EXPECT_EQ(schedule[1].principal.dong(), 796'890);
  EXPECT_EQ(schedule[10].balance_after.dong(), 873'767);
  // The last repays the 873,767 left with 8,737.67 → 8,738 interest.
  EXPECT_EQ(schedule[11].principal.dong(), 873'767);
  EXPECT_EQ(schedule[11].interest.dong(), 8'738);
  EXPECT_EQ(schedule[11].total.dong(), 882'505);
  EXPECT_LE(schedule[11].total, schedule[0].total);
  EXPECT_EQ(schedule[11].balance_after.dong(), 0);
  EXPECT_EQ(SumPrincipal(schedule), 10'000'000);
}

TEST(BuildScheduleTest, AnnuityToTheDong) {
  AmortizationTerms terms;
  terms.principal = Money::Dong(10'000'000);
  terms.rate = Rate::PerMonthMillionths(10'000);
  terms.start = D("2024-01-15");
  terms.day_count = DayCount::kThirty360;
  terms.method = AmortizationMethod::kAnnuity;
  const std::vector<ScheduledInstallment> schedule = Build(terms);
  ASSERT_EQ(schedule.size(), 12u);
  // Without rounding the payment is 888,488 (the textbook 888,487.89 rounded
  // up; with 888,487 the last total would be 888,497, 10 đồng above it, by an
  // independent exact simulation), and
  // the last installment repays 879,688 with 8,797 interest.
  for (int i = 0; i < 11; ++i) EXPECT_EQ(schedule[i].total.dong(), 888'488);
  EXPECT_EQ(schedule[11].principal.dong(), 879'688);
  EXPECT_EQ(schedule[11].interest.dong(), 8'797);
  EXPECT_EQ(schedule[11].total.dong(), 888'485);
}

TEST(BuildScheduleTest, AnnuityMonthly30FromMonthEnd) {
  AmortizationTerms terms;
  terms.principal = Money::Dong(10'000'000);
  terms.rate = Rate::PerMonthMillionths(10'000);
  terms.start = D("2024-01-31");
  terms.rounding_multiple_dong = 1'000;
  terms.method = AmortizationMethod::kAnnuity;
  const std::vector<ScheduledInstallment> schedule = Build(terms);
  ASSERT_EQ(schedule.size(), 12u);
  // Actual days make the 31-day months dearer, so 889,000 no longer suffices:
  // the payment is 890,000. Month 1 (29 days): 10,000,000 × 29 / 3000 =
  // 96,666.67 → 96,667, principal 793,333. The last (31 days) repays 870,228
  // with 870,228 × 31 / 3000 = 8,992.36 → 8,992.
  for (int i = 0; i < 11; ++i) EXPECT_EQ(schedule[i].total.dong(), 890'000);
  EXPECT_EQ(schedule[0].interest.dong(), 96'667);
  EXPECT_EQ(schedule[0].principal.dong(), 793'333);
  EXPECT_EQ(schedule[11].principal.dong(), 870'228);
  EXPECT_EQ(schedule[11].interest.dong(), 8'992);
  EXPECT_EQ(schedule[11].total.dong(), 879'220);
  EXPECT_EQ(SumPrincipal(schedule), 10'000'000);
}

TEST(BuildScheduleTest, AnnuityWithoutInterestAndSinglePeriod) {
  AmortizationTerms terms;
  terms.principal = Money::Dong(1'000'000);
  terms.start = D("2024-01-15");
  terms.periods = 3;
  terms.rounding_multiple_dong = 1'000;
  terms.method = AmortizationMethod::kAnnuity;
  // At 0 %: 1,000,000 / 3 = 333,333.33, so 334,000 twice and 332,000 last.
  std::vector<ScheduledInstallment> schedule = Build(terms);
  ASSERT_EQ(schedule.size(), 3u);
  EXPECT_EQ(schedule[0].total.dong(), 334'000);
  EXPECT_EQ(schedule[1].total.dong(), 334'000);
  EXPECT_EQ(schedule[2].total.dong(), 332'000);

  // One period: principal plus 15/01 → 15/02 (31 days) at 1 %: 10,333.33 → 10,333.
  terms.periods = 1;
  terms.rate = Rate::PerMonthMillionths(10'000);
  schedule = Build(terms);
  ASSERT_EQ(schedule.size(), 1u);
  EXPECT_EQ(schedule[0].principal.dong(), 1'000'000);
  EXPECT_EQ(schedule[0].interest.dong(), 10'333);
  EXPECT_EQ(schedule[0].due, D("2024-02-15"));
}

TEST(BuildScheduleTest, EqualPrincipalEveryTwoWeeksActual365) {
  AmortizationTerms terms;
  terms.principal = Money::Dong(5'200'000);
  terms.rate = Rate::PerMonthMillionths(10'000);  // 12 % a year under Actual/365.
  terms.start = D("2024-03-01");
  terms.periods = 4;
  terms.unit = PeriodUnit::kWeek;
  terms.period_length = 2;
  terms.day_count = DayCount::kActual365;
  const std::vector<ScheduledInstallment> schedule = Build(terms);
  ASSERT_EQ(schedule.size(), 4u);
  // Every 14 days; interest = balance × 12 % × 14 / 365 = balance × 1.68 / 365:
  //   5,200,000 → 23,934.25 → 23,934    3,900,000 → 17,950.68 → 17,951
  //   2,600,000 → 11,967.12 → 11,967    1,300,000 →  5,983.56 →  5,984
  const char* kDues[] = {"2024-03-15", "2024-03-29", "2024-04-12", "2024-04-26"};
  const int64_t kInterest[] = {23'934, 17'951, 11'967, 5'984};
  for (int i = 0; i < 4; ++i) {
    SCOPED_TRACE(i + 1);
    EXPECT_EQ(schedule[i].due.ToIso(), kDues[i]);
    EXPECT_EQ(schedule[i].principal.dong(), 1'300'000);
    EXPECT_EQ(schedule[i].interest.dong(), kInterest[i]);
  }
  EXPECT_EQ(schedule[3].balance_after.dong(), 0);
}

TEST(BuildScheduleTest, DueDatesCountFromTheStart) {
  AmortizationTerms terms;
  terms.start = D("2024-01-31");
  terms.period_length = 3;
  // Quarterly from 31/01: 30/04, 31/07, 31/10 — not 30/07 carried from April.
  EXPECT_EQ(DueDate(terms, 1).ToIso(), "2024-04-30");
  EXPECT_EQ(DueDate(terms, 2).ToIso(), "2024-07-31");
  EXPECT_EQ(DueDate(terms, 3).ToIso(), "2024-10-31");
  terms.unit = PeriodUnit::kWeek;
  terms.period_length = 1;
  EXPECT_EQ(DueDate(terms, 5).ToIso(), "2024-03-06");  // 35 days later.
}

TEST(BuildScheduleTest, ValidationErrors) {
  AmortizationTerms good;
  good.principal = Money::Dong(12'000'000);
  good.rate = Rate::PerMonthMillionths(10'000);
  good.start = D("2024-01-31");
  EXPECT_EQ(ErrorCode(good), "OK");

  AmortizationTerms t = good;
  t.principal = Money::Zero();
  EXPECT_EQ(ErrorCode(t), "SCHEDULE_PRINCIPAL_INVALID");
  EXPECT_EQ(BuildSchedule(t).error().field, "amount");
  t.principal = Money::Dong(-1);
  EXPECT_EQ(ErrorCode(t), "SCHEDULE_PRINCIPAL_INVALID");
  t.principal = Money::Dong(kMaxSchedulePrincipalDong + 1);
  EXPECT_EQ(ErrorCode(t), "SCHEDULE_PRINCIPAL_INVALID");

  t = good;
  t.periods = 0;
  EXPECT_EQ(ErrorCode(t), "SCHEDULE_PERIODS_INVALID");
  EXPECT_EQ(BuildSchedule(t).error().field, "periods");
  t.periods = 601;
  EXPECT_EQ(ErrorCode(t), "SCHEDULE_PERIODS_INVALID");
  t.periods = 600;
  EXPECT_EQ(ErrorCode(t), "OK");

  t = good;
  t.period_length = 0;
  EXPECT_EQ(ErrorCode(t), "SCHEDULE_PERIOD_LENGTH_INVALID");
  EXPECT_EQ(BuildSchedule(t).error().field, "period_length");
  t.period_length = 101;  // 12 × 101 months is more than 100 years.
  EXPECT_EQ(ErrorCode(t), "SCHEDULE_PERIOD_LENGTH_INVALID");
  t.period_length = 2'000'000'000;  // Must be rejected, not overflow.
  EXPECT_EQ(ErrorCode(t), "SCHEDULE_PERIOD_LENGTH_INVALID");

  t = good;
  t.rounding_multiple_dong = 0;
  EXPECT_EQ(ErrorCode(t), "SCHEDULE_ROUNDING_INVALID");
  EXPECT_EQ(BuildSchedule(t).error().field, "rounding");
  t.rounding_multiple_dong = -1'000;
  EXPECT_EQ(ErrorCode(t), "SCHEDULE_ROUNDING_INVALID");
  t.rounding_multiple_dong = 12'000'001;  // Above the principal.
  EXPECT_EQ(ErrorCode(t), "SCHEDULE_ROUNDING_INVALID");
  // 12,000,000 / 12 = 1,000,000 < 2,000,000: eleven installments would repay nothing.
  t.rounding_multiple_dong = 2'000'000;
  EXPECT_EQ(ErrorCode(t), "SCHEDULE_ROUNDING_INVALID");
  // An annuity of 2,000,000 a month would clear the loan by the 7th installment.
  t.method = AmortizationMethod::kAnnuity;
  EXPECT_EQ(ErrorCode(t), "SCHEDULE_ROUNDING_INVALID");

  t = good;
  t.rate = Rate::PerMonthMillionths(-1);
  EXPECT_EQ(ErrorCode(t), "SCHEDULE_RATE_INVALID");
  EXPECT_EQ(BuildSchedule(t).error().field, "rate");
  t.rate = Rate::PerMonthMillionths(Rate::kScale + 1);
  EXPECT_EQ(ErrorCode(t), "SCHEDULE_RATE_INVALID");

  // Messages come in both languages.
  t = good;
  t.periods = 0;
  const Error error = BuildSchedule(t).error();
  EXPECT_FALSE(error.message_vi.empty());
  EXPECT_FALSE(error.message_en.empty());
}

TEST(BuildScheduleTest, LargestLoanStaysInRange) {
  // The limits together: 10^15 đồng at 100 % a month over 1,200 months must
  // build (or be refused) without overflow and keep every invariant.
  AmortizationTerms terms;
  terms.principal = Money::Dong(kMaxSchedulePrincipalDong);
  terms.rate = Rate::PerMonthMillionths(Rate::kScale);
  terms.start = D("2024-01-31");
  terms.periods = 600;
  terms.period_length = 2;
  for (DayCount d : {DayCount::kMonthly30, DayCount::kActual365, DayCount::kThirty360}) {
    terms.day_count = d;
    EXPECT_EQ(ErrorCode(terms), "OK");
  }
  // An annuity cannot spread this loan over 600 periods in whole đồng: at 200 %
  // interest per period the exact payment exceeds the interest by far less than
  // a đồng, and 1 đồng more clears the loan within about 33 periods (3^k ≥ 2 × 10^15). It is
  // refused, not aborted.
  terms.method = AmortizationMethod::kAnnuity;
  EXPECT_EQ(ErrorCode(terms), "SCHEDULE_ROUNDING_INVALID");
  // Three periods of 400 months each: the payment is about 401 × 10^15 đồng.
  terms.periods = 3;
  terms.period_length = 400;
  for (DayCount d : {DayCount::kMonthly30, DayCount::kActual365, DayCount::kThirty360}) {
    terms.day_count = d;
    EXPECT_EQ(ErrorCode(terms), "OK");
  }
}

TEST(ParseTest, Names) {
  EXPECT_EQ(ParseAmortizationMethod("equal-principal"), AmortizationMethod::kEqualPrincipal);
  EXPECT_EQ(ParseAmortizationMethod("annuity"), AmortizationMethod::kAnnuity);
  EXPECT_FALSE(ParseAmortizationMethod("equal"));
  EXPECT_EQ(ParsePeriodUnit("monthly"), PeriodUnit::kMonth);
  EXPECT_EQ(ParsePeriodUnit("month"), PeriodUnit::kMonth);
  EXPECT_EQ(ParsePeriodUnit("weekly"), PeriodUnit::kWeek);
  EXPECT_EQ(ParsePeriodUnit("week"), PeriodUnit::kWeek);
  EXPECT_FALSE(ParsePeriodUnit("daily"));
  EXPECT_EQ(ParseDayCount("30/30"), DayCount::kMonthly30);
  EXPECT_EQ(ParseDayCount("monthly30"), DayCount::kMonthly30);
  EXPECT_EQ(ParseDayCount("actual/365"), DayCount::kActual365);
  EXPECT_EQ(ParseDayCount("30/360"), DayCount::kThirty360);
  EXPECT_FALSE(ParseDayCount("actual/360"));
  // The canonical names parse back to the same value.
  for (DayCount d : {DayCount::kMonthly30, DayCount::kActual365, DayCount::kThirty360})
    EXPECT_EQ(ParseDayCount(DayCountName(d)), d);
  for (PeriodUnit u : {PeriodUnit::kMonth, PeriodUnit::kWeek})
    EXPECT_EQ(ParsePeriodUnit(PeriodUnitName(u)), u);
  for (AmortizationMethod m : {AmortizationMethod::kEqualPrincipal, AmortizationMethod::kAnnuity})
    EXPECT_EQ(ParseAmortizationMethod(AmortizationMethodName(m)), m);
}

}  // namespace
}  // namespace tdcs::loans
