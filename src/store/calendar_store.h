// The holiday calendar in the database (table `holiday`, migration 0006),
// see base/calendar.h; and the commune sessions moved to another day (table
// `session_move`, migration 0015), see loans/session_calendar.h.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/calendar.h"
#include "loans/session_calendar.h"
#include "store/db.h"

namespace tdcs::store {

// Loads the embedded data/holidays.csv into `holiday`: inserts new rows,
// updates the names and note of known ones, and their withdrawal date when the
// file gives one (a withdrawal recorded in the database stays). Returns the
// rows in the file.
int LoadHolidays(Database& db);
// Inserts or replaces one row (keyed by its date and valid_from).
void SaveHoliday(Database& db, const Holiday& holiday);
// Every row of the calendar.
HolidayCalendar ReadHolidayCalendar(Database& db);
// The same, read once per transaction (Database::Memo): the loan actions of
// one group commit share it.
std::shared_ptr<const HolidayCalendar> HolidaysOf(Database& db);

// A moved session as recorded.
struct SessionMoveRow {
  int64_t point_id = 0;
  loans::SessionMove move;
  std::string reason;
  Date decided_on;
  std::string decided_by;
};
// The moves of the points `point_ids`, by point.
std::map<int64_t, std::vector<SessionMoveRow>> SessionMovesOf(
    Database& db, const std::vector<int64_t>& point_ids);
// Records the move of its point and month, in place of one recorded before.
void SaveSessionMove(Database& db, const SessionMoveRow& row);
// Removes the move of a point and month (its session is on its day again).
void RemoveSessionMove(Database& db, int64_t point_id, int year, int month);

// Commune sessions as records (migration 0016).
// The status of a point's session on a date (open | closed), if recorded.
std::optional<std::string> SessionStatus(Database& db, int64_t point_id, Date date);
void OpenSession(Database& db, int64_t point_id, Date date, Date on, const std::string& by);
// A group batch posted under a key: the hash of what it posted.
std::optional<std::string> SessionBatchHash(Database& db, const std::string& key,
                                            const std::string& group_code);
struct SessionBatchRow {
  std::string key, group_code;
  int64_t point_id = 0;
  Date session_date;
  std::string request_hash;
  int64_t lines = 0, amount_dong = 0, flagged = 0;
  std::string posted_by;
  // What the list had due and what the lines paid of it (a payment goes to
  // interest first): the rating's interest collection and principal repayment.
  int64_t interest_due_dong = 0, interest_paid_dong = 0;
  int64_t principal_due_dong = 0, principal_paid_dong = 0;
  std::string session_month;  // YYYY-MM: the month whose session it is
};
void RecordSessionBatch(Database& db, const SessionBatchRow& row);
// The key a group's batch of a session was posted under, if it was.
std::optional<std::string> SessionBatchKeyOf(Database& db, int64_t point_id, Date date,
                                             const std::string& group_code);
// The members of the groups a point serves on a date, each with each of
// their active loans (a member without one: an empty loan code), by group,
// borrower, loan.
struct SessionMemberLoan {
  std::string group_code, borrower_code, loan_code;
  int64_t loan_id = 0;  // 0 without a loan
};
std::vector<SessionMemberLoan> MemberLoansAtPoint(Database& db, int64_t point_id, Date date);

}  // namespace tdcs::store
