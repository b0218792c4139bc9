// The commune session calendar (RULES §6.1): a commune point meets on its
// session day every month (a day the month lacks becomes its last day); a
// public holiday or an office's decision moves one month's session to
// another date. Pure functions: the moves come from the store.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/date.h"
#include "base/result.h"

namespace tdcs::loans {

// One month's session held on another date than its session day.
struct SessionMove {
  int year = 0, month = 0;  // the month whose session moves
  Date moved_to;
  int session_day = 0;  // the session day it moves (loans of another keep theirs)
};
using SessionMoves = std::vector<SessionMove>;

// "YYYY-MM".
std::string MonthKey(int year, int month);

// The session of a point meeting on `session_day`, in (year, month), moved
// if a move of that month (of that session day) is in `moves`.
Date SessionDateIn(int year, int month, int session_day, const SessionMoves& moves);
// The session day's date in (year, month), unmoved.
Date FixedSessionDateIn(int year, int month, int session_day);
// The first session strictly after `date`.
Date FirstSessionAfter(Date date, int session_day, const SessionMoves& moves = {});

// What CheckSessionMove answers.
enum class SessionMoveRejection {
  kSessionMoveNotAhead,       // the session, or the day it goes to, is not after the business date
  kSessionMoveSameDay,        // it goes to the day it is on already
  kSessionMoveOutOfOrder,     // not after the month before's session, or not before the next one's
  kSessionMoveOnHoliday,      // the day it goes to is a public holiday
  kSessionMoveReasonMissing,  // no reason given
  kSessionMoveReasonTooLong,  // a reason over 500 bytes, or with control characters
};
std::string_view RejectionKey(SessionMoveRejection code);
std::span<const RejectionEntry<SessionMoveRejection>> RejectionTable(SessionMoveRejection);

// Whether the session of (year, month) may move to `to`: both the day it
// leaves and `to` after `processed` — the later of the business date and the
// latest transaction of a loan served at the point (a move is
// decided ahead, so nothing already applied depends on it); `to` another day,
// strictly between the sessions of the month before and the month after,
// both as moved (`others`: the point's other moves) and on their session
// days, so that sessions stay in order however moves are chained; not a
// public holiday (`is_holiday`); with a reason.
Result<SessionMove> CheckSessionMove(int year, int month, int session_day, Date to,
                                     const std::string& reason, Date processed,
                                     const SessionMoves& others, bool is_holiday);

}  // namespace tdcs::loans
