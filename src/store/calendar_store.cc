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

constexpr const char* kHolidayMemo = "holiday_calendar";

void Write(Database& db, const char* sql, const Holiday& h) {
  db.ForgetMemo(kHolidayMemo);
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
  auto& st = db.Cached(kReadHolidays);
  while (st.Step()) {
    Holiday h;
    h.date = *Date::Parse(st.GetText(0));
    h.valid_from = *Date::Parse(st.GetText(1));
    if (!st.IsNull(2)) h.valid_to = Date::Parse(st.GetText(2));
    h.name_vi = st.GetText(3);
    h.name_en = st.GetText(4);
    h.note = st.GetText(5);
    rows.push_back(std::move(h));
  }
  st.Reset();
  return HolidayCalendar(std::move(rows));
}

std::shared_ptr<const HolidayCalendar> HolidaysOf(Database& db) {
  if (auto kept = std::static_pointer_cast<const HolidayCalendar>(db.Memo(kHolidayMemo)))
    return kept;
  auto read = std::make_shared<const HolidayCalendar>(ReadHolidayCalendar(db));
  db.SetMemo(kHolidayMemo, read);
  return read;
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

namespace {
// The first column of the statement's first row, if it has one.
std::optional<std::string> FirstText(Statement& st) {
  std::optional<std::string> out;
  if (st.Step()) out = st.GetText(0);
  st.Reset();
  return out;
}
}  // namespace

std::optional<std::string> SessionStatus(Database& db, int64_t point_id, Date date) {
  auto& st =
      db.Cached("SELECT status FROM commune_session WHERE point_id = ? AND session_date = ?");
  st.BindInt(1, point_id);
  st.BindText(2, date.ToIso());
  return FirstText(st);
}

void OpenSession(Database& db, int64_t point_id, Date date, Date on, const std::string& by) {
  auto& st = db.Cached(
      "INSERT INTO commune_session (point_id, session_date, status, opened_on, opened_by) "
      "VALUES (?, ?, 'open', ?, ?)");
  st.BindInt(1, point_id);
  st.BindText(2, date.ToIso());
  st.BindText(3, on.ToIso());
  st.BindText(4, by);
  st.Run();
}

std::optional<std::string> SessionBatchHash(Database& db, const std::string& key,
                                            const std::string& group_code) {
  auto& st = db.Cached(
      "SELECT request_hash FROM session_batch WHERE idempotency_key = ? AND group_code = ?");
  st.BindText(1, key);
  st.BindText(2, group_code);
  return FirstText(st);
}

std::optional<std::string> SessionBatchKeyOf(Database& db, int64_t point_id, Date date,
                                             const std::string& group_code) {
  auto& st = db.Cached(
      "SELECT idempotency_key FROM session_batch WHERE point_id = ? AND session_date = ? AND "
      "group_code = ?");
  st.BindInt(1, point_id);
  st.BindText(2, date.ToIso());
  st.BindText(3, group_code);
  return FirstText(st);
}

void RecordSessionBatch(Database& db, const SessionBatchRow& r) {
  auto& st = db.Cached(
      "INSERT INTO session_batch (idempotency_key, group_code, point_id, session_date, "
      "request_hash, lines, amount_dong, flagged, posted_by, interest_due_dong, "
      "interest_paid_dong, principal_due_dong, principal_paid_dong, session_month) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  st.BindText(1, r.key);
  st.BindText(2, r.group_code);
  st.BindInt(3, r.point_id);
  st.BindText(4, r.session_date.ToIso());
  st.BindText(5, r.request_hash);
  st.BindInt(6, r.lines);
  st.BindInt(7, r.amount_dong);
  st.BindInt(8, r.flagged);
  st.BindText(9, r.posted_by);
  st.BindInt(10, r.interest_due_dong);
  st.BindInt(11, r.interest_paid_dong);
  st.BindInt(12, r.principal_due_dong);
  st.BindInt(13, r.principal_paid_dong);
  st.BindText(14, r.session_month);
  st.Run();
}

std::vector<SessionMemberLoan> MemberLoansAtPoint(Database& db, int64_t point_id, Date date) {
  auto st = db.Prepare(
      "SELECT g.code, b.code, l.code, l.id FROM savings_group_version v "
      "JOIN savings_group g ON g.id = v.group_id "
      "JOIN membership m ON m.group_id = v.group_id AND m.valid_from <= ? "
      "AND (m.valid_to IS NULL OR m.valid_to > ?) "
      "JOIN borrower b ON b.id = m.borrower_id "
      "LEFT JOIN loan l ON l.borrower_id = b.id AND l.status = 'active' "
      "WHERE v.point_id = ? AND v.valid_from <= ? AND (v.valid_to IS NULL OR v.valid_to > ?) "
      "ORDER BY g.code, b.code, l.code");
  const std::string day = date.ToIso();
  st->BindText(1, day);
  st->BindText(2, day);
  st->BindInt(3, point_id);
  st->BindText(4, day);
  st->BindText(5, day);
  std::vector<SessionMemberLoan> out;
  while (st->Step())
    out.push_back({st->GetText(0), st->GetText(1), st->IsNull(2) ? "" : st->GetText(2),
                   st->IsNull(3) ? 0 : st->GetInt(3)});
  return out;
}

}  // namespace tdcs::store
