#include "base/calendar.h"

#include <algorithm>

namespace tdcs {

// The wire string of each rejection code (docs/API.md "Error codes").
#define TDCS_HOLIDAY_ROW_REJECTIONS(X) \
  X(kCsvFieldCount, "CSV_FIELD_COUNT") \
  X(kHolidayFieldInvalid, "HOLIDAY_FIELD_INVALID")
TDCS_DEFINE_REJECTIONS(HolidayRowRejection, TDCS_HOLIDAY_ROW_REJECTIONS)
#undef TDCS_HOLIDAY_ROW_REJECTIONS

namespace {

Error FieldError(const std::string& field, const std::string& value) {
  return MakeError(HolidayRowRejection::kHolidayFieldInvalid, field,
                   "Giá trị không hợp lệ '" + value + "'", "Invalid value '" + value + "'");
}

}  // namespace

Result<Holiday> ParseHolidayRow(const std::vector<std::string>& f) {
  if (static_cast<int>(f.size()) != kHolidayColumns)
    return MakeError(HolidayRowRejection::kCsvFieldCount, "", "Số cột không đúng",
                     "Wrong number of columns");
  Holiday h;
  auto date = Date::Parse(f[0]);
  if (!date) return FieldError("holiday_date", f[0]);
  h.date = *date;
  auto from = Date::Parse(f[1]);
  if (!from) return FieldError("valid_from", f[1]);
  h.valid_from = *from;
  if (!f[2].empty()) {
    auto to = Date::Parse(f[2]);
    if (!to || *to <= h.valid_from) return FieldError("valid_to", f[2]);
    h.valid_to = *to;
  }
  if (f[3].empty()) return FieldError("name_vi", f[3]);
  h.name_vi = f[3];
  h.name_en = f[4];
  h.note = f[5];
  return h;
}

HolidayCalendar::HolidayCalendar(std::vector<Holiday> holidays) : holidays_(std::move(holidays)) {
  std::stable_sort(holidays_.begin(), holidays_.end(),
                   [](const Holiday& a, const Holiday& b) { return a.date < b.date; });
}

bool HolidayCalendar::IsHoliday(Date d, Date as_of) const {
  auto it = std::lower_bound(holidays_.begin(), holidays_.end(), d,
                             [](const Holiday& h, Date day) { return h.date < day; });
  for (; it != holidays_.end() && it->date == d; ++it)
    if (it->InForceOn(as_of)) return true;
  return false;
}

bool HolidayCalendar::IsWorkingDay(Date d, Date as_of) const {
  const int w = d.Weekday();
  return w != 0 && w != 6 && !IsHoliday(d, as_of);
}

int HolidayCalendar::WorkingDaysBetween(Date from, Date to, Date as_of) const {
  int count = 0;
  for (Date d = from.AddDays(1); d <= to; d = d.AddDays(1))
    if (IsWorkingDay(d, as_of)) ++count;
  return count;
}

}  // namespace tdcs
