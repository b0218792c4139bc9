// Commune sessions (RULES §6): the calendar of an office's points for a
// month, and a session moved to another day by a holiday or an office's
// decision (recorded per point and month, with its reason).
#pragma once

#include <string>
#include <vector>

#include "app/connection.h"
#include "app/context.h"
#include "base/date.h"
#include "base/result.h"

namespace tdcs::app {

// What the session use cases answer (with the domain's
// loans::SessionMoveRejection).
enum class SessionRejection {
  kPointUnknown,         // no such commune point, or not open in the month
  kOfficeUnknown,        // no such office
  kMonthInvalid,         // not YYYY-MM
  kBusinessDateMissing,  // the database has no business date yet
};
std::string_view RejectionKey(SessionRejection code);
std::span<const RejectionEntry<SessionRejection>> RejectionTable(SessionRejection);

// A month as "YYYY-MM".
struct Month {
  int year = 0, month = 0;
};
Result<Month> ParseMonth(const std::string& text, const std::string& field);

// Moves the session of `month` at `point_code` to `to` (or back to its
// session day: `to` on the day itself removes the move). Decided ahead: the
// session and `to` after the business date; `to` between the sessions of the
// months before and after, not a public holiday; a reason. One at a time with
// the end of day (which applies the overdue transfers of the sessions).
struct SessionMoveRequest {
  std::string point_code;
  Month month;
  Date to;
  std::string reason;
};
struct SessionMoveResult {
  Date from, to;
  bool removed = false;  // back on its session day
};
Result<SessionMoveResult> MoveSession(Connection& connection, const Context& context,
                                      const SessionMoveRequest& request);

// An office's sessions in a month (tdcs session calendar): each point open
// on its session's date, by date then point.
struct CalendarEntry {
  std::string point_code, point_name;
  int session_day = 1;
  Date date;
  bool moved = false;
  std::string reason;  // of the move
  // Unmoved and on a Sunday or a public holiday (a move may be wanted).
  bool day_off = false;
};
Result<std::vector<CalendarEntry>> SessionCalendar(Connection& connection, const Context& context,
                                                   const std::string& office_code, Month month);

}  // namespace tdcs::app
