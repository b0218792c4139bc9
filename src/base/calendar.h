// Public holidays and working days (RULES §10): a working day is not a
// Saturday, not a Sunday and not a public holiday.
//
// The holiday calendar is dated data (data/holidays.csv, table `holiday`,
// migration 0006): each row is a day off, in force from `valid_from` (and
// until `valid_to`, when a decision withdraws it). A count of working days is
// made with the calendar in force on the day it is made (`as_of`, e.g. the
// day a reschedule is filed), so a holiday recorded later never changes a
// decision already taken, and replaying a loan's transactions gives the same
// answers as when they were made.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/date.h"
#include "base/result.h"

namespace tdcs {

struct Holiday {
  Date date;
  Date valid_from;               // in the calendar from this day
  std::optional<Date> valid_to;  // withdrawn from this day
  std::string name_vi, name_en;
  std::string note;

  bool InForceOn(Date as_of) const {
    return valid_from <= as_of && (!valid_to || as_of < *valid_to);
  }
};

// ParseHolidayRow's rejections.
enum class HolidayRowRejection {
  kCsvFieldCount,        // not kHolidayColumns fields
  kHolidayFieldInvalid,  // a field does not parse (the error names it)
};
std::string_view RejectionKey(HolidayRowRejection code);
std::span<const RejectionEntry<HolidayRowRejection>> RejectionTable(HolidayRowRejection);

// Parses one row of data/holidays.csv: holiday_date, valid_from, valid_to
// (empty: open), name_vi, name_en, note. Errors name the field.
inline constexpr int kHolidayColumns = 6;
Result<Holiday> ParseHolidayRow(const std::vector<std::string>& fields);

class HolidayCalendar {
 public:
  HolidayCalendar() = default;
  explicit HolidayCalendar(std::vector<Holiday> holidays);

  // Whether `d` is a public holiday in the calendar in force on `as_of`.
  bool IsHoliday(Date d, Date as_of) const;
  // Not a Saturday, not a Sunday, not a holiday (as known on `as_of`).
  bool IsWorkingDay(Date d, Date as_of) const;
  // Working days d with from < d <= to, counted with the calendar of `as_of`.
  int WorkingDaysBetween(Date from, Date to, Date as_of) const;

  const std::vector<Holiday>& holidays() const { return holidays_; }

 private:
  std::vector<Holiday> holidays_;  // sorted by date
};

}  // namespace tdcs
