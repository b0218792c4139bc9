// The holiday calendar in the database (table `holiday`, migration 0006),
// see base/calendar.h; and the commune sessions moved to another day (table
// `session_move`, migration 0015), see loans/session_calendar.h.
#pragma once

#include <cstdint>
#include <map>
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

}  // namespace tdcs::store
