#include "base/date.h"

#include <cstdio>

namespace tdcs {
namespace {

// Days from 1970-01-01 to y-m-d (Hinnant, days_from_civil).
int32_t DaysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

struct Civil {
  int y;
  unsigned m;
  unsigned d;
};

Civil CivilFromDays(int32_t z) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return Civil{y + (m <= 2), m, d};
}

bool ParseDigits(std::string_view s, int& out) {
  if (s.empty()) return false;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

}  // namespace

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && IsLeapYear(year)) return 29;
  return kDays[month - 1];
}

std::optional<Date> Date::FromCivil(int year, int month, int day) {
  if (year < 1800 || year > 2999 || month < 1 || month > 12 || day < 1) return std::nullopt;
  if (day > DaysInMonth(year, month)) return std::nullopt;
  return Date(DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)));
}

std::optional<Date> Date::Parse(std::string_view text) {
  int y = 0, m = 0, d = 0;
  if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
    if (!ParseDigits(text.substr(0, 4), y) || !ParseDigits(text.substr(5, 2), m) ||
        !ParseDigits(text.substr(8, 2), d))
      return std::nullopt;
    return FromCivil(y, m, d);
  }
  if (text.size() == 10 && text[2] == '/' && text[5] == '/') {
    if (!ParseDigits(text.substr(0, 2), d) || !ParseDigits(text.substr(3, 2), m) ||
        !ParseDigits(text.substr(6, 4), y))
      return std::nullopt;
    return FromCivil(y, m, d);
  }
  return std::nullopt;
}

int Date::year() const { return CivilFromDays(days_).y; }
int Date::month() const { return static_cast<int>(CivilFromDays(days_).m); }
int Date::day() const { return static_cast<int>(CivilFromDays(days_).d); }

int Date::Weekday() const {
  // 1970-01-01 was a Thursday (4).
  const int w = (days_ % 7 + 7 + 4) % 7;
  return w;
}

Date Date::MonthDayClamped(int year, int month, int day) {
  const int last = DaysInMonth(year, month);
  return Date(DaysFromCivil(year, static_cast<unsigned>(month),
                            static_cast<unsigned>(day > last ? last : day)));
}

Date Date::AddMonths(int n) const {
  const Civil c = CivilFromDays(days_);
  const int total = c.y * 12 + static_cast<int>(c.m) - 1 + n;
  const int y = total >= 0 ? total / 12 : (total - 11) / 12;
  const int m = total - y * 12 + 1;
  return MonthDayClamped(y, m, static_cast<int>(c.d));
}

std::string Date::ToIso() const {
  const Civil c = CivilFromDays(days_);
  // By hand for four-digit years: dates are bound into nearly every
  // statement, and snprintf cost more than the rest of a payment's binding.
  if (c.y >= 0 && c.y <= 9999) {
    const auto digit = [](unsigned v) { return static_cast<char>('0' + v % 10); };
    const auto y = static_cast<unsigned>(c.y);
    const char buf[10] = {
        digit(y / 1000), digit(y / 100), digit(y / 10), digit(y),        '-',
        digit(c.m / 10), digit(c.m),     '-',           digit(c.d / 10), digit(c.d)};
    return std::string(buf, sizeof buf);
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", c.y, c.m, c.d);
  return buf;
}

std::string Date::ToVietnamese() const {
  const Civil c = CivilFromDays(days_);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02u/%02u/%04d", c.d, c.m, c.y);
  return buf;
}

bool Period::Overlaps(const Period& other) const {
  const bool this_ends_before = to && *to <= other.from;
  const bool other_ends_before = other.to && *other.to <= from;
  return !this_ends_before && !other_ends_before;
}

}  // namespace tdcs
