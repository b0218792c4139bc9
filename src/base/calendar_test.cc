#include "base/calendar.h"

#include <gtest/gtest.h>

namespace tdcs {
namespace {

Date D(const char* s) { return *Date::Parse(s); }

TEST(CalendarTest, WorkingDaysLeaveOutWeekendsAndHolidaysInForce) {
  std::vector<Holiday> days;
  // Tết Ất Tỵ: Monday 27/01/2025 to Friday 31/01/2025.
  for (int k = 0; k < 5; ++k)
    days.push_back({D("2025-01-27").AddDays(k), D("2021-01-01"), std::nullopt, "Tết", "Tết", ""});
  // A day off decided on 15/07/2024 and withdrawn again from 20/07/2024.
  days.push_back({D("2024-07-22"), D("2024-07-15"), D("2024-07-20"), "Nghỉ", "Day off", ""});
  const HolidayCalendar calendar(days);
  // From Friday 24/01 to Tuesday 04/02/2025: Mon 03/02 and Tue 04/02 only.
  EXPECT_EQ(calendar.WorkingDaysBetween(D("2025-01-24"), D("2025-02-04"), D("2025-01-24")), 2);
  EXPECT_EQ(HolidayCalendar().WorkingDaysBetween(D("2025-01-24"), D("2025-02-04"), D("2025-01-24")),
            7);
  EXPECT_FALSE(calendar.IsWorkingDay(D("2025-01-29"), D("2025-01-01")));
  EXPECT_TRUE(calendar.IsWorkingDay(D("2025-01-29"), D("2020-12-31")));  // not yet in force
  EXPECT_TRUE(calendar.IsWorkingDay(D("2024-07-22"), D("2024-07-14")));
  EXPECT_FALSE(calendar.IsWorkingDay(D("2024-07-22"), D("2024-07-15")));
  EXPECT_TRUE(calendar.IsWorkingDay(D("2024-07-22"), D("2024-07-20")));   // withdrawn
  EXPECT_FALSE(calendar.IsWorkingDay(D("2024-07-20"), D("2024-07-15")));  // a Saturday
  EXPECT_FALSE(calendar.IsWorkingDay(D("2024-07-21"), D("2024-07-15")));  // a Sunday
}

TEST(CalendarTest, RowsParseAndNameTheBadField) {
  auto ok =
      ParseHolidayRow({"2025-04-07", "2021-01-01", "", "Giỗ Tổ Hùng Vương", "Hung Kings", ""});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.value().date, D("2025-04-07"));
  EXPECT_FALSE(ok.value().valid_to.has_value());
  EXPECT_EQ(ParseHolidayRow({"2025-02-30", "2021-01-01", "", "x", "x", ""}).error().field,
            "holiday_date");
  EXPECT_EQ(ParseHolidayRow({"2025-04-07", "01/01/21", "", "x", "x", ""}).error().field,
            "valid_from");
  EXPECT_EQ(ParseHolidayRow({"2025-04-07", "2021-01-01", "2020-01-01", "x", "x", ""}).error().field,
            "valid_to");
  EXPECT_EQ(ParseHolidayRow({"2025-04-07", "2021-01-01", "", "", "x", ""}).error().field,
            "name_vi");
  EXPECT_EQ(ParseHolidayRow({"2025-04-07"}).error().code, "CSV_FIELD_COUNT");
}

}  // namespace
}  // namespace tdcs
