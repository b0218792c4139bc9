#include "base/date.h"

#include <gtest/gtest.h>

namespace tdcs {
namespace {

TEST(DateTest, ParsesIsoAndVietnameseForms) {
  auto d = Date::Parse("2024-03-22");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->year(), 2024);
  EXPECT_EQ(d->month(), 3);
  EXPECT_EQ(d->day(), 22);
  EXPECT_EQ(d->ToVietnamese(), "22/03/2024");
  EXPECT_EQ(Date::Parse("22/03/2024"), d);
  EXPECT_FALSE(Date::Parse("2023-02-29"));
  EXPECT_TRUE(Date::Parse("2024-02-29"));
  EXPECT_FALSE(Date::Parse("2024-13-01"));
  EXPECT_FALSE(Date::Parse("2024-3-22"));
  EXPECT_FALSE(Date::Parse(""));
}

TEST(DateTest, WritesIsoWithFourDigitYears) {
  EXPECT_EQ(Date::Parse("2024-03-22")->ToIso(), "2024-03-22");
  EXPECT_EQ(Date::FromDays(0).ToIso(), "1970-01-01");
  EXPECT_EQ(Date::FromDays(-25'567).ToIso(), "1900-01-01");
  EXPECT_EQ(Date::FromDays(-354'286).ToIso(), "0999-12-31");
  EXPECT_EQ(Date::FromDays(2'932'896).ToIso(), "9999-12-31");
  // Every day of the years dates are accepted for parses back from what it writes.
  for (Date d = *Date::Parse("1800-01-01"); d <= *Date::Parse("2999-12-31"); d = d.AddDays(1)) {
    const auto back = Date::Parse(d.ToIso());
    ASSERT_EQ(back, d) << d.ToIso();
  }
}

TEST(DateTest, CountsDaysAcrossMonthsAndLeapYears) {
  EXPECT_EQ(DaysBetween(*Date::Parse("2024-03-22"), *Date::Parse("2024-04-07")), 16);
  EXPECT_EQ(DaysBetween(*Date::Parse("2024-02-28"), *Date::Parse("2024-03-01")), 2);
  EXPECT_EQ(DaysBetween(*Date::Parse("2023-02-28"), *Date::Parse("2023-03-01")), 1);
  EXPECT_EQ(Date::Parse("1970-01-01")->days(), 0);
  EXPECT_EQ(Date::Parse("2026-11-22")->Weekday(), 0);  // a Sunday
}

TEST(DateTest, AddMonthsClampsToMonthEnd) {
  EXPECT_EQ(Date::Parse("2024-01-31")->AddMonths(1), Date::Parse("2024-02-29"));
  EXPECT_EQ(Date::Parse("2023-01-31")->AddMonths(1), Date::Parse("2023-02-28"));
  EXPECT_EQ(Date::Parse("2024-03-22")->AddMonths(6), Date::Parse("2024-09-22"));
  EXPECT_EQ(Date::Parse("2024-08-31")->AddMonths(-6), Date::Parse("2024-02-29"));
  EXPECT_EQ(Date::Parse("2024-11-30")->AddMonths(14), Date::Parse("2026-01-30"));
}

TEST(PeriodTest, HalfOpenOverlap) {
  const Period a{*Date::Parse("2024-01-01"), Date::Parse("2024-07-01")};
  const Period b{*Date::Parse("2024-07-01"), std::nullopt};
  const Period c{*Date::Parse("2024-06-30"), Date::Parse("2024-08-01")};
  EXPECT_FALSE(a.Overlaps(b));
  EXPECT_TRUE(a.Overlaps(c));
  EXPECT_TRUE(b.Overlaps(c));
  EXPECT_TRUE(a.Contains(*Date::Parse("2024-06-30")));
  EXPECT_FALSE(a.Contains(*Date::Parse("2024-07-01")));
  EXPECT_FALSE((Period{*Date::Parse("2024-07-01"), Date::Parse("2024-07-01")}).IsValid());
}

}  // namespace
}  // namespace tdcs
