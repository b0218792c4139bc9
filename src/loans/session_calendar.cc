#include "loans/session_calendar.h"

#include <cstdio>

namespace tdcs::loans {

#define TDCS_SESSION_MOVE_REJECTIONS(X)                  \
  X(kSessionMoveNotAhead, "SESSION_MOVE_NOT_AHEAD")      \
  X(kSessionMoveSameDay, "SESSION_MOVE_SAME_DAY")        \
  X(kSessionMoveOutOfOrder, "SESSION_MOVE_OUT_OF_ORDER") \
  X(kSessionMoveOnHoliday, "SESSION_MOVE_ON_HOLIDAY")    \
  X(kSessionMoveReasonMissing, "SESSION_MOVE_REASON_MISSING")
TDCS_DEFINE_REJECTIONS(SessionMoveRejection, TDCS_SESSION_MOVE_REJECTIONS)
#undef TDCS_SESSION_MOVE_REJECTIONS

namespace {

// (year, month) plus `months`.
void AddMonths(int& year, int& month, int months) {
  const int index = year * 12 + (month - 1) + months;
  year = index / 12;
  month = index % 12 + 1;
}

}  // namespace

std::string MonthKey(int year, int month) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d", year, month);
  return text;
}

Date FixedSessionDateIn(int year, int month, int session_day) {
  return Date::MonthDayClamped(year, month, session_day);
}

Date SessionDateIn(int year, int month, int session_day, const SessionMoves& moves) {
  for (const SessionMove& m : moves)
    if (m.year == year && m.month == month) return m.moved_to;
  return FixedSessionDateIn(year, month, session_day);
}

Date FirstSessionAfter(Date date, int session_day, const SessionMoves& moves) {
  // Sessions keep their order (CheckSessionMove), so the first one after
  // `date` is the earliest of the months around it that is after it: a
  // month's session may have moved before `date`, or the month before's
  // after it.
  int year = date.year(), month = date.month();
  AddMonths(year, month, -1);
  for (int k = 0; k < 4; ++k, AddMonths(year, month, 1)) {
    const Date session = SessionDateIn(year, month, session_day, moves);
    if (session > date) return session;
  }
  return SessionDateIn(year, month, session_day, moves);  // not reached: sessions are monthly
}

Result<SessionMove> CheckSessionMove(int year, int month, int session_day, Date to,
                                     const std::string& reason, Date business_date,
                                     const SessionMoves& others, bool is_holiday) {
  const Date from = SessionDateIn(year, month, session_day, others);
  const std::string month_vi = std::to_string(month) + "/" + std::to_string(year);
  if (reason.find_first_not_of(" \t") == std::string::npos)
    return MakeError(SessionMoveRejection::kSessionMoveReasonMissing, "reason",
                     "Cần ghi lý do dời phiên giao dịch", "A moved session needs a reason");
  if (from <= business_date || to <= business_date)
    return MakeError(
        SessionMoveRejection::kSessionMoveNotAhead, "date",
        "Chỉ dời được phiên chưa đến: phiên " + from.ToVietnamese() + " và ngày " +
            to.ToVietnamese() + " phải sau ngày làm việc " + business_date.ToVietnamese(),
        "Only a session still ahead can move: the session on " + from.ToIso() + " and the day " +
            to.ToIso() + " must be after the business date " + business_date.ToIso());
  if (to == from)
    return MakeError(
        SessionMoveRejection::kSessionMoveSameDay, "date",
        "Phiên tháng " + month_vi + " đã họp ngày " + to.ToVietnamese(),
        "The session of " + MonthKey(year, month) + " is on " + to.ToIso() + " already");
  int py = year, pm = month, ny = year, nm = month;
  AddMonths(py, pm, -1);
  AddMonths(ny, nm, 1);
  const Date before = SessionDateIn(py, pm, session_day, others);
  const Date after = SessionDateIn(ny, nm, session_day, others);
  if (to <= before || to >= after)
    return MakeError(SessionMoveRejection::kSessionMoveOutOfOrder, "date",
                     "Ngày mới phải sau phiên tháng trước (" + before.ToVietnamese() +
                         ") và trước phiên tháng sau (" + after.ToVietnamese() + ")",
                     "The new day must be after the month before's session (" + before.ToIso() +
                         ") and before the next month's (" + after.ToIso() + ")");
  if (is_holiday)
    return MakeError(SessionMoveRejection::kSessionMoveOnHoliday, "date",
                     "Ngày " + to.ToVietnamese() + " là ngày nghỉ lễ",
                     to.ToIso() + " is a public holiday");
  return SessionMove{year, month, to};
}

}  // namespace tdcs::loans
