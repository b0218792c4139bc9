// Commune sessions (RULES §6): the calendar of an office's points for a
// month, and a session moved to another day by a holiday or an office's
// decision (recorded per point and month, with its reason).
#pragma once

#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "app/connection.h"
#include "app/context.h"
#include "base/date.h"
#include "base/result.h"
#include "money/money.h"

namespace tdcs::app {

// What the session use cases answer (with the domain's
// loans::SessionMoveRejection).
enum class SessionRejection {
  kPointUnknown,         // no such commune point, or not open in the month
  kOfficeUnknown,        // no such office
  kMonthInvalid,         // not YYYY-MM
  kBusinessDateMissing,  // the database has no business date yet
  kNotASessionDate,      // the point's session that month is on another day
  kSessionClosed,        // posting into a session already closed
  kSessionFileInvalid,  // the posting file: a column missing, a point or date not the same on every
                        // row
  kAmountInvalid,       // a paid amount that is not a whole number of đồng, 0 or more
  kLineNotAtSession,    // a line whose loan (or member) is not one of its group's at the session
  kIdempotencyKeyReused,  // the key and group posted before with other lines
  kSessionNotToday,       // posting a session on another day than its own (the business date)
  kLineDuplicate,         // a loan on two lines, or a member saving on two
  kGroupAlreadyPosted,    // the group's batch of the session is posted already, under another key
  kSessionNotOpen,        // closing a session that was never opened
  kSessionInFuture,       // closing a session whose day has not come
  kCashDifference,        // the cash counted differs from the books and no reason is given
  kReasonTooLong,         // a reason over 500 bytes
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

// List 13/TD as the posting form (RULES §6.2): one line per member's active
// loan (a member without one: a line of savings alone) of every group the
// point serves on its session `date` — what is due then.
struct SessionListLine {
  std::string point_code;
  Date session_date;
  std::string group_code, borrower_code, loan_code;
  Money principal_outstanding, overdue, interest_due, principal_due, savings_due;
};
Result<std::vector<SessionListLine>> SessionList(Connection& connection, const Context& context,
                                                 const std::string& point_code, Date date);
// The list's columns, in order; interest_paid, principal_paid and
// savings_paid are left empty for the officer to fill in.
const std::vector<std::string>& SessionListColumns();

// The installments falling due in the `days` after a session (30 by
// default), and at least up to the next session, that day included: the list
// the office gives the group leaders ahead. Per member's loan of the point's
// groups, by due date; `amount` is the installment's principal.
struct DueListLine {
  std::string group_code, borrower_code, loan_code;
  Date due;
  Money amount;
};
Result<std::vector<DueListLine>> DueList(Connection& connection, const Context& context,
                                         const std::string& point_code, Date date, int days = 30);

// Posts a filled-in list (CSV, the columns above): one atomic batch per
// group under `key` + the group's code. A line that breaks a rule (an
// unknown or settled loan, a loan not of the group, a payment larger than
// owed, a deposit below the minimum) refuses its whole group, every bad line
// listed, and nothing of that group is posted; a line paid differently from
// what was due is posted and flagged (short or over). The same file posted
// again posts nothing twice. Posting into a session not open yet opens it.
struct SessionPostReport {
  std::string point_code;
  Date session_date;
  int groups_posted = 0, groups_repeated = 0, groups_refused = 0;
  int64_t lines_posted = 0;
  Money collected;  // interest, principal and savings of the groups posted
  struct Flag {
    int line = 0;
    std::string loan_code, what;  // short | over, of interest or principal
  };
  std::vector<Flag> flagged;
  std::vector<RowError> refused;  // by file line
};
Result<SessionPostReport> PostSessionFile(Connection& connection, const Context& context,
                                          std::istream& in, const std::string& key);
// The same from lines already read (the simulation, the server): `line`
// numbers them in the report.
struct SessionPostLine {
  int line = 0;
  std::string group_code, borrower_code, loan_code;
  Money interest_paid, principal_paid, savings_paid;
};
Result<SessionPostReport> PostSession(Connection& connection, const Context& context,
                                      const std::string& point_code, Date date,
                                      const std::vector<SessionPostLine>& lines,
                                      const std::string& key);

// Opens a point's session on its day (the business date) and pays out at it
// the commission and commune fee shares the point owes (RULES §6.4). An open
// session is left as it is; a closed one is refused.
struct SessionOpened {
  bool already_open = false;
  Money commission_paid, fees_paid;
};
Result<SessionOpened> OpenCommuneSession(Connection& connection, const Context& context,
                                         const std::string& point_code, Date date);

// Closes a session with the cash counted at the point (RULES §6.3): the
// books' cash of the session is the cash brought from the office, plus what
// came in (payments, deposits), less what went out (disbursements,
// withdrawals, commission and fees paid). A
// difference is refused without a reason; with one it is posted as a
// shortage (CASH_SHORTAGE) or a surplus (CASH_SURPLUS). Nothing more is
// posted into a closed session.
struct SessionCloseRequest {
  std::string point_code;
  Date date;
  Money counted;
  std::string reason;
  Money brought;  // from the office's vault to the session
};
struct SessionClosed {
  Money brought, cash_in, cash_out, fees_paid, expected, counted, difference;
};
// The cash of a point's session by the books so far (brought nothing):
// what came in less what went out. None when the session is not open.
Result<std::optional<Money>> SessionCashExpected(Connection& connection, const Context& context,
                                                 const std::string& point_code, Date date);
// The status of a point's session on a date: "", open or closed.
std::string OpenSessionStatus(Connection& connection, const std::string& point_code, Date date);

Result<SessionClosed> CloseCommuneSession(Connection& connection, const Context& context,
                                          const SessionCloseRequest& request);

}  // namespace tdcs::app
