// Date: a business date (a civil day in Vietnam, no time of day, no zone).
//
// Stored as the number of days since 1970-01-01 so that comparisons and day
// counts are integer operations. The civil conversions are Howard Hinnant's
// days_from_civil / civil_from_days algorithms (proleptic Gregorian).
// Text forms: ISO "2024-03-22" for files and the database, "22/03/2024" for
// people (Vietnamese order).
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tdcs {

class Date {
 public:
  constexpr Date() = default;
  static Date FromDays(int32_t days_since_epoch) { return Date(days_since_epoch); }
  // Returns nullopt when the triple is not a real day (e.g. 2023-02-29).
  static std::optional<Date> FromCivil(int year, int month, int day);
  // Accepts exactly "YYYY-MM-DD"; also "dd/mm/yyyy" (Vietnamese order).
  static std::optional<Date> Parse(std::string_view text);

  int32_t days() const { return days_; }
  int year() const;
  int month() const;
  int day() const;
  // 0 = Sunday ... 6 = Saturday.
  int Weekday() const;

  Date AddDays(int32_t n) const { return Date(days_ + n); }
  // Same day of the month n months later; a day that does not exist in the
  // target month becomes that month's last day (31/01 + 1 month = 29/02 in a leap year).
  Date AddMonths(int n) const;
  // n months after `anchor_day` in this date's month, clamped to month end. Used by
  // schedules so that 31/01 → 29/02 → 31/03 keeps the 31st where it exists.
  static Date MonthDayClamped(int year, int month, int day);

  std::string ToIso() const;         // 2024-03-22
  std::string ToVietnamese() const;  // 22/03/2024

  auto operator<=>(const Date&) const = default;

 private:
  explicit constexpr Date(int32_t days) : days_(days) {}
  int32_t days_ = 0;
};

int DaysInMonth(int year, int month);
bool IsLeapYear(int year);
inline int32_t DaysBetween(Date from, Date to) { return to.days() - from.days(); }

// A half-open validity period [from, to): `to` unset means open-ended. Every link
// in the network (office → branch, member → group, …) carries one.
struct Period {
  Date from;
  std::optional<Date> to;

  bool Contains(Date d) const { return from <= d && (!to || d < *to); }
  bool Overlaps(const Period& other) const;
  bool IsValid() const { return !to || from < *to; }
};

}  // namespace tdcs
