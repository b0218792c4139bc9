#include "app/sessions.h"

#include <algorithm>

#include "app/internal/access.h"
#include "loans/session_calendar.h"
#include "store/calendar_store.h"
#include "store/loan_store.h"
#include "store/network_store.h"

namespace tdcs::app {

// The wire string of each rejection code (docs/API.md "Error codes").
#define TDCS_SESSION_REJECTIONS(X)    \
  X(kPointUnknown, "POINT_UNKNOWN")   \
  X(kOfficeUnknown, "OFFICE_UNKNOWN") \
  X(kMonthInvalid, "MONTH_INVALID")   \
  X(kBusinessDateMissing, "BUSINESS_DATE_MISSING")
TDCS_DEFINE_REJECTIONS(SessionRejection, TDCS_SESSION_REJECTIONS)
#undef TDCS_SESSION_REJECTIONS

Result<Month> ParseMonth(const std::string& text, const std::string& field) {
  Month m;
  if (text.size() == 7 && text[4] == '-' &&
      std::all_of(text.begin(), text.begin() + 4, [](char c) { return c >= '0' && c <= '9'; }) &&
      text[5] >= '0' && text[5] <= '9' && text[6] >= '0' && text[6] <= '9') {
    m.year = std::stoi(text.substr(0, 4));
    m.month = std::stoi(text.substr(5, 2));
    if (m.year >= 1900 && m.year <= 2999 && m.month >= 1 && m.month <= 12) return m;
  }
  return MakeError(SessionRejection::kMonthInvalid, field,
                   "Tháng '" + text + "' không hợp lệ (dạng YYYY-MM, ví dụ 2026-09)",
                   "Month '" + text + "' is invalid (YYYY-MM, e.g. 2026-09)");
}

namespace {

Date FirstOf(Month m) { return Date::MonthDayClamped(m.year, m.month, 1); }

Error PointUnknown(const std::string& code, Month m) {
  return MakeError(SessionRejection::kPointUnknown, "point",
                   "Điểm giao dịch '" + code + "' không có hoặc không hoạt động trong tháng " +
                       std::to_string(m.month) + "/" + std::to_string(m.year),
                   "Commune point '" + code + "' does not exist or is not open in " +
                       loans::MonthKey(m.year, m.month));
}

}  // namespace

Result<SessionMoveResult> MoveSession(Connection& connection, const Context& context,
                                      const SessionMoveRequest& r) {
  store::Database& db = Db(connection);
  // Not while an end of day runs: it applies the overdue transfers of the
  // sessions it passes, and the business date it moves decides what is ahead.
  store::BatchLock lock(db, "close");
  store::Transaction tx(db);
  store::NetworkStore network(db);
  auto point = network.FindUnit("commune_point", r.point_code);
  // The point's session day in the month (as on its first day, or when the
  // point opened later in it).
  const Date first = FirstOf(r.month);
  std::optional<std::pair<int64_t, int>> links;
  if (point) {
    links = network.PointLinksOn(point->id, std::max(first, point->period.from));
    if (point->period.from > first.AddMonths(1).AddDays(-1)) links.reset();
  }
  if (!point || !links) return PointUnknown(r.point_code, r.month);
  auto today = store::LoanStore(db).BusinessDate();
  if (!today)
    return MakeError(SessionRejection::kBusinessDateMissing, "db",
                     "Cơ sở dữ liệu chưa có ngày làm việc",
                     "The database has no business date yet");
  const int session_day = links->second;
  auto rows = store::SessionMovesOf(db, {point->id});
  loans::SessionMoves all;
  for (const auto& row : rows[point->id]) all.push_back(row.move);
  SessionMoveResult result;
  result.from = loans::SessionDateIn(r.month.year, r.month.month, session_day, all);
  const Date fixed = loans::FixedSessionDateIn(r.month.year, r.month.month, session_day);
  const bool moved_now = result.from != fixed;
  // The point's loans are locked and woken for the new day (a session moved
  // earlier may carry their overdue transfer); what they were brought to
  // bounds what is still ahead, with the business date.
  Date processed = *today;
  if (auto last = store::LoanStore(db).WakeLoansOfPoint(point->id, session_day, r.to);
      last && *last > processed)
    processed = *last;
  result.to = r.to;
  if (moved_now && r.to == fixed) {
    // Back on its day: the same checks but the holiday's (its day is its day).
    auto back = loans::CheckSessionMove(r.month.year, r.month.month, session_day, r.to, r.reason,
                                        processed, all, false);
    if (!back.ok()) return back.error();
    store::RemoveSessionMove(db, point->id, r.month.year, r.month.month);
    result.removed = true;
    tx.Commit();
    return result;
  }
  // A holiday recorded today is in the calendar from tomorrow: the new day's
  // own calendar says.
  const bool holiday = store::ReadHolidayCalendar(db).IsHoliday(r.to, r.to);
  auto move = loans::CheckSessionMove(r.month.year, r.month.month, session_day, r.to, r.reason,
                                      processed, all, holiday);
  if (!move.ok()) return move.error();
  store::SaveSessionMove(db, {point->id, move.value(), r.reason, *today, context.actor.login});
  tx.Commit();
  return result;
}

Result<std::vector<CalendarEntry>> SessionCalendar(Connection& connection, const Context&,
                                                   const std::string& office_code, Month month) {
  store::Database& db = Db(connection);
  store::ReadTransaction tx(db);
  store::NetworkStore network(db);
  // (A seat, hội sở, is an office row of kind seat.)
  auto office = network.FindUnit("office", office_code);
  if (!office)
    return MakeError(SessionRejection::kOfficeUnknown, "office",
                     "Phòng giao dịch '" + office_code + "' không tồn tại",
                     "Office '" + office_code + "' does not exist");
  const Date first = FirstOf(month);
  const Date last = first.AddMonths(1).AddDays(-1);
  const auto calendar = store::ReadHolidayCalendar(db);
  const Date as_of = store::LoanStore(db).BusinessDate().value_or(first);
  // The points of the office in the month: as on its first day, and those
  // opened later in it.
  std::vector<store::PointRow> points;
  for (Date on : {first, last})
    for (auto& p : network.PointsOn(on))
      if (p.office_id == office->id &&
          std::none_of(points.begin(), points.end(), [&](const auto& q) { return q.id == p.id; }))
        points.push_back(std::move(p));
  std::vector<int64_t> ids;
  for (const auto& p : points) ids.push_back(p.id);
  auto moves = store::SessionMovesOf(db, ids);
  std::vector<CalendarEntry> out;
  for (const auto& p : points) {
    CalendarEntry e;
    e.point_code = p.code;
    e.point_name = p.name;
    e.session_day = p.session_day;
    e.date = loans::FixedSessionDateIn(month.year, month.month, p.session_day);
    for (const auto& row : moves[p.id])
      if (row.move.year == month.year && row.move.month == month.month) {
        e.date = row.move.moved_to;
        e.moved = true;
        e.reason = row.reason;
      }
    e.day_off = !e.moved && (e.date.Weekday() == 0 || calendar.IsHoliday(e.date, as_of));
    out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(), [](const CalendarEntry& a, const CalendarEntry& b) {
    return a.date != b.date ? a.date < b.date : a.point_code < b.point_code;
  });
  return out;
}

}  // namespace tdcs::app
