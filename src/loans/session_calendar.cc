#include "loans/session_calendar.h"

#include <algorithm>
#include <cstdio>

namespace tdcs::loans {

#define TDCS_SESSION_MOVE_REJECTIONS(X)                       \
  X(kSessionMoveNotAhead, "SESSION_MOVE_NOT_AHEAD")           \
  X(kSessionMoveSameDay, "SESSION_MOVE_SAME_DAY")             \
  X(kSessionMoveOutOfOrder, "SESSION_MOVE_OUT_OF_ORDER")      \
  X(kSessionMoveOnHoliday, "SESSION_MOVE_ON_HOLIDAY")         \
  X(kSessionMoveReasonMissing, "SESSION_MOVE_REASON_MISSING") \
  X(kSessionMoveReasonTooLong, "SESSION_MOVE_REASON_TOO_LONG")
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
    if (m.year == year && m.month == month && (m.session_day == 0 || m.session_day == session_day))
      return m.moved_to;
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
                                     const std::string& reason, Date processed,
                                     const SessionMoves& others, bool is_holiday) {
  const Date from = SessionDateIn(year, month, session_day, others);
  const std::string month_vi = std::to_string(month) + "/" + std::to_string(year);
  if (reason.find_first_not_of(" \t") == std::string::npos)
    return MakeError(SessionMoveRejection::kSessionMoveReasonMissing, "reason",
                     "Cần ghi lý do dời phiên giao dịch", "A moved session needs a reason");
  if (reason.size() > 500 || std::any_of(reason.begin(), reason.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 && c != '\t';
      }))
    return MakeError(SessionMoveRejection::kSessionMoveReasonTooLong, "reason",
                     "Lý do tối đa 500 byte, không có ký tự điều khiển",
                     "A reason is at most 500 bytes, without control characters");
  if (from <= processed)
    return MakeError(
        SessionMoveRejection::kSessionMoveNotAhead, "month",
        "Chỉ dời được phiên chưa đến: phiên tháng " + month_vi + " (" + from.ToVietnamese() +
            ") phải sau ngày " + processed.ToVietnamese() +
            " (ngày làm việc, hoặc ngày giao dịch gần nhất của các khoản vay của điểm)",
        "Only a session still ahead can move: the session of " + MonthKey(year, month) + " (" +
            from.ToIso() + ") must be after " + processed.ToIso() +
            " (the business date, or the latest transaction of the point's loans)");
  if (to <= processed)
    return MakeError(
        SessionMoveRejection::kSessionMoveNotAhead, "to",
        "Ngày mới " + to.ToVietnamese() + " phải sau ngày " + processed.ToVietnamese() +
            " (ngày làm việc, hoặc ngày giao dịch gần nhất của các khoản vay của điểm)",
        "The new day " + to.ToIso() + " must be after " + processed.ToIso() +
            " (the business date, or the latest transaction of the point's loans)");
  if (to == from)
    return MakeError(
        SessionMoveRejection::kSessionMoveSameDay, "to",
        "Phiên tháng " + month_vi + " đã họp ngày " + to.ToVietnamese(),
        "The session of " + MonthKey(year, month) + " is on " + to.ToIso() + " already");
  int py = year, pm = month, ny = year, nm = month;
  AddMonths(py, pm, -1);
  AddMonths(ny, nm, 1);
  // The neighbours as moved, and on their own days: a session stays between
  // both, so no chain of moves can put two sessions out of order.
  const Date before =
      std::max(SessionDateIn(py, pm, session_day, others), FixedSessionDateIn(py, pm, session_day));
  const Date after =
      std::min(SessionDateIn(ny, nm, session_day, others), FixedSessionDateIn(ny, nm, session_day));
  if (to <= before || to >= after)
    return MakeError(
        SessionMoveRejection::kSessionMoveOutOfOrder, "to",
        "Ngày mới phải sau " + before.ToVietnamese() + " (phiên tháng trước) và trước " +
            after.ToVietnamese() + " (phiên tháng sau)",
        "The new day must be after " + before.ToIso() +
            " (the month before's session) and before " + after.ToIso() + " (the next month's)");
  if (is_holiday)
    return MakeError(SessionMoveRejection::kSessionMoveOnHoliday, "to",
                     "Ngày " + to.ToVietnamese() + " là ngày nghỉ lễ",
                     to.ToIso() + " is a public holiday");
  return SessionMove{year, month, to, session_day};
}

}  // namespace tdcs::loans
