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

std::map<int64_t, std::vector<SessionMoveRow>> SessionMovesOf(
    Database& db, const std::vector<int64_t>& point_ids) {
  std::map<int64_t, std::vector<SessionMoveRow>> out;
  QueryIn(db,
          "SELECT point_id, month, moved_to, reason, decided_on, decided_by, session_day "
          "FROM session_move "
          "WHERE point_id",
          " ORDER BY point_id, month", {}, point_ids, [&](const Statement& st) {
            SessionMoveRow row;
            row.point_id = st.GetInt(0);
            const std::string month = st.GetText(1);
            row.move.year = std::stoi(month.substr(0, 4));
            row.move.month = std::stoi(month.substr(5, 2));
            row.move.moved_to = *Date::Parse(st.GetText(2));
            row.reason = st.GetText(3);
            row.decided_on = *Date::Parse(st.GetText(4));
            row.decided_by = st.GetText(5);
            row.move.session_day = static_cast<int>(st.GetInt(6));
            out[row.point_id].push_back(std::move(row));
          });
  return out;
}

void SaveSessionMove(Database& db, const SessionMoveRow& row) {
  RemoveSessionMove(db, row.point_id, row.move.year, row.move.month);
  auto& st = db.Cached(
      "INSERT INTO session_move (point_id, month, moved_to, reason, decided_on, decided_by, "
      "session_day) VALUES (?, ?, ?, ?, ?, ?, ?)");
  st.BindInt(1, row.point_id);
  st.BindText(2, loans::MonthKey(row.move.year, row.move.month));
  st.BindText(3, row.move.moved_to.ToIso());
  st.BindText(4, row.reason);
  st.BindText(5, row.decided_on.ToIso());
  st.BindText(6, row.decided_by);
  st.BindInt(7, row.move.session_day);
  st.Run();
}

void RemoveSessionMove(Database& db, int64_t point_id, int year, int month) {
  auto& st = db.Cached("DELETE FROM session_move WHERE point_id = ? AND month = ?");
  st.BindInt(1, point_id);
  st.BindText(2, loans::MonthKey(year, month));
  st.Run();
}

}  // namespace tdcs::store
