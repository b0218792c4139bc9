// The holiday calendar in the database (table `holiday`, migration 0006).
// See base/calendar.h.
#pragma once

#include "base/calendar.h"
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

}  // namespace tdcs::store
