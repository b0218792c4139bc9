#include "store/calendar_store.h"

#include <sstream>

#include "base/check.h"
#include "base/csv.h"
#include "base/embedded.h"

namespace tdcs::store {
namespace {

constexpr const char* kUpsertHoliday =
    "INSERT INTO holiday (holiday_date, valid_from, valid_to, name_vi, name_en, note) "
    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (holiday_date, valid_from) DO UPDATE SET "
    "valid_to = excluded.valid_to, name_vi = excluded.name_vi, name_en = excluded.name_en, "
    "note = excluded.note";
// Loading the embedded file adds its rows and their names; a withdrawal
// recorded in the database stays (the file can withdraw a row too).
constexpr const char* kLoadHoliday =
    "INSERT INTO holiday (holiday_date, valid_from, valid_to, name_vi, name_en, note) "
    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (holiday_date, valid_from) DO UPDATE SET "
    "valid_to = COALESCE(excluded.valid_to, holiday.valid_to), name_vi = excluded.name_vi, "
    "name_en = excluded.name_en, note = excluded.note";
constexpr const char* kReadHolidays =
    "SELECT holiday_date, valid_from, valid_to, name_vi, name_en, note FROM holiday "
    "ORDER BY holiday_date, valid_from";

void Write(Database& db, const char* sql, const Holiday& h) {
  auto& st = db.Cached(sql);
  st.BindText(1, h.date.ToIso());
  st.BindText(2, h.valid_from.ToIso());
  if (h.valid_to)
    st.BindText(3, h.valid_to->ToIso());
  else
    st.BindNull(3);
  st.BindText(4, h.name_vi);
  st.BindText(5, h.name_en);
  st.BindText(6, h.note);
  st.Run();
}

}  // namespace

void SaveHoliday(Database& db, const Holiday& h) { Write(db, kUpsertHoliday, h); }

int LoadHolidays(Database& db) {
  std::istringstream in{std::string(EmbeddedData("holidays.csv"))};
  csv::Reader reader(in);
  csv::Row row;
  int count = 0;
  bool header = true;
  while (reader.Next(row)) {
    if (header) {
      header = false;
      continue;
    }
    if (row.fields.size() == 1 && row.fields[0].empty()) continue;
    auto h = ParseHolidayRow(row.fields);
    TDCS_CHECK_MSG(h.ok(), "the embedded holiday calendar does not parse");
    Write(db, kLoadHoliday, h.value());
    ++count;
  }
  return count;
}

HolidayCalendar ReadHolidayCalendar(Database& db) {
  std::vector<Holiday> rows;
  auto st = db.Prepare(kReadHolidays);
  while (st->Step()) {
    Holiday h;
    h.date = *Date::Parse(st->GetText(0));
    h.valid_from = *Date::Parse(st->GetText(1));
    if (!st->IsNull(2)) h.valid_to = Date::Parse(st->GetText(2));
    h.name_vi = st->GetText(3);
    h.name_en = st->GetText(4);
    h.note = st->GetText(5);
    rows.push_back(std::move(h));
  }
  return HolidayCalendar(std::move(rows));
}

}  // namespace tdcs::store
