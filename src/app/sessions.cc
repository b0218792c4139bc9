#include "app/sessions.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "app/access.h"
#include "app/internal/access.h"
#include "app/internal/audit.h"
#include "app/internal/scope.h"
#include "app/internal/session_lines.h"
#include "app/loans.h"
#include "base/check.h"
#include "base/csv.h"
#include "ledger/ledger.h"
#include "loans/session_calendar.h"
#include "store/calendar_store.h"
#include "store/fee_store.h"
#include "store/loan_store.h"
#include "store/network_store.h"
#include "store/program_store.h"

namespace tdcs::app {

// The wire string of each rejection code (docs/API.md "Error codes").
#define TDCS_SESSION_REJECTIONS(X)                   \
  X(kPointUnknown, "POINT_UNKNOWN")                  \
  X(kOfficeUnknown, "OFFICE_UNKNOWN")                \
  X(kMonthInvalid, "MONTH_INVALID")                  \
  X(kBusinessDateMissing, "BUSINESS_DATE_MISSING")   \
  X(kNotASessionDate, "NOT_A_SESSION_DATE")          \
  X(kSessionClosed, "SESSION_CLOSED")                \
  X(kSessionFileInvalid, "SESSION_FILE_INVALID")     \
  X(kAmountInvalid, "AMOUNT_INVALID")                \
  X(kLineNotAtSession, "LINE_NOT_AT_SESSION")        \
  X(kIdempotencyKeyReused, "IDEMPOTENCY_KEY_REUSED") \
  X(kSessionNotToday, "SESSION_NOT_TODAY")           \
  X(kLineDuplicate, "LINE_DUPLICATE")                \
  X(kGroupAlreadyPosted, "GROUP_ALREADY_POSTED")     \
  X(kSessionNotOpen, "SESSION_NOT_OPEN")             \
  X(kSessionInFuture, "SESSION_IN_FUTURE")           \
  X(kCashDifference, "CASH_DIFFERENCE")              \
  X(kReasonTooLong, "REASON_TOO_LONG")
TDCS_DEFINE_REJECTIONS(SessionRejection, TDCS_SESSION_REJECTIONS)
#undef TDCS_SESSION_REJECTIONS

Result<Month> ParseMonth(const std::string& text, const std::string& field) {
  Month m;
  if (text.size() == 7 && text[4] == '-' &&
      std::all_of(text.begin(), text.begin() + 4, [](char c) { return c >= '0' && c <= '9'; }) &&
      text[5] >= '0' && text[5] <= '9' && text[6] >= '0' && text[6] <= '9') {
    m.year = std::stoi(text.substr(0, 4));
    m.month = std::stoi(text.substr(5, 2));
    if (m.year >= 1900 && m.year <= 2999 && m.month >= 1 && m.month <= 12) return m;
  }
  return MakeError(SessionRejection::kMonthInvalid, field,
                   "Tháng '" + text + "' không hợp lệ (dạng YYYY-MM, ví dụ 2026-09)",
                   "Month '" + text + "' is invalid (YYYY-MM, e.g. 2026-09)");
}

namespace {

Date FirstOf(Month m) { return Date::MonthDayClamped(m.year, m.month, 1); }

Error PointUnknown(const std::string& code, Month m) {
  return MakeError(SessionRejection::kPointUnknown, "point",
                   "Điểm giao dịch '" + code + "' không có hoặc không hoạt động trong tháng " +
                       std::to_string(m.month) + "/" + std::to_string(m.year),
                   "Commune point '" + code + "' does not exist or is not open in " +
                       loans::MonthKey(m.year, m.month));
}

}  // namespace

Result<SessionMoveResult> MoveSession(Connection& connection, const Context& context,
                                      const SessionMoveRequest& r) {
  store::Database& db = Db(connection);
  // Not while an end of day runs: it applies the overdue transfers of the
  // sessions it passes, and the business date it moves decides what is ahead.
  store::BatchLock lock(db, "close");
  store::Transaction tx(db);
  store::NetworkStore network(db);
  auto point = network.FindUnit("commune_point", r.point_code);
  // The point's session day in the month (as on its first day, or when the
  // point opened later in it).
  const Date first = FirstOf(r.month);
  std::optional<std::pair<int64_t, int>> links;
  if (point) {
    links = network.PointLinksOn(point->id, std::max(first, point->period.from));
    if (point->period.from > first.AddMonths(1).AddDays(-1)) links.reset();
  }
  if (!point || !links) return PointUnknown(r.point_code, r.month);
  auto today = store::LoanStore(db).BusinessDate();
  if (!today)
    return MakeError(SessionRejection::kBusinessDateMissing, "db",
                     "Cơ sở dữ liệu chưa có ngày làm việc",
                     "The database has no business date yet");
  const int session_day = links->second;
  auto rows = store::SessionMovesOf(db, {point->id});
  loans::SessionMoves all;
  for (const auto& row : rows[point->id]) all.push_back(row.move);
  SessionMoveResult result;
  result.from = loans::SessionDateIn(r.month.year, r.month.month, session_day, all);
  const Date fixed = loans::FixedSessionDateIn(r.month.year, r.month.month, session_day);
  const bool moved_now = result.from != fixed;
  // The point's loans are locked and woken for the new day (a session moved
  // earlier may carry their overdue transfer); what they were brought to
  // bounds what is still ahead, with the business date.
  Date processed = *today;
  if (auto last = store::LoanStore(db).WakeLoansOfPoint(point->id, session_day, r.to);
      last && *last > processed)
    processed = *last;
  result.to = r.to;
  if (moved_now && r.to == fixed) {
    // Back on its day: the same checks but the holiday's (its day is its day).
    auto back = loans::CheckSessionMove(r.month.year, r.month.month, session_day, r.to, r.reason,
                                        processed, all, false);
    if (!back.ok()) return back.error();
    store::RemoveSessionMove(db, point->id, r.month.year, r.month.month);
    result.removed = true;
    tx.Commit();
    return result;
  }
  // A holiday recorded today is in the calendar from tomorrow: the new day's
  // own calendar says.
  const bool holiday = store::ReadHolidayCalendar(db).IsHoliday(r.to, r.to);
  auto move = loans::CheckSessionMove(r.month.year, r.month.month, session_day, r.to, r.reason,
                                      processed, all, holiday);
  if (!move.ok()) return move.error();
  store::SaveSessionMove(db, {point->id, move.value(), r.reason, *today, context.actor.login});
  tx.Commit();
  return result;
}

Result<std::vector<CalendarEntry>> SessionCalendar(Connection& connection, const Context& context,
                                                   const std::string& office_code, Month month) {
  store::Database& db = Db(connection);
  store::ReadTransaction tx(db);
  store::NetworkStore network(db);
  // (A seat, hội sở, is an office row of kind seat.)
  auto office = network.FindUnit("office", office_code);
  const Date in_month = FirstOf(month);
  // (An association officer sees their office's calendar: Area, not Office.)
  if (!office ||
      !ScopeCheck(db, context.actor)
           .Area({{store::AreaKind::kOffice, office->id}, "office", office_code},
                 ScopeDate(db, office->period.Contains(in_month) ? in_month : office->period.from)))
    return MakeError(SessionRejection::kOfficeUnknown, "office",
                     "Phòng giao dịch '" + office_code + "' không tồn tại",
                     "Office '" + office_code + "' does not exist");
  const Date first = FirstOf(month);
  const Date last = first.AddMonths(1).AddDays(-1);
  const auto calendar = store::ReadHolidayCalendar(db);
  const Date as_of = store::LoanStore(db).BusinessDate().value_or(first);
  // The points of the office in the month: as on its first day, and those
  // opened later in it.
  std::vector<store::PointRow> points;
  for (Date on : {first, last})
    for (auto& p : network.PointsOn(on))
      if (p.office_id == office->id &&
          std::none_of(points.begin(), points.end(), [&](const auto& q) { return q.id == p.id; }))
        points.push_back(std::move(p));
  std::vector<int64_t> ids;
  for (const auto& p : points) ids.push_back(p.id);
  auto moves = store::SessionMovesOf(db, ids);
  std::vector<CalendarEntry> out;
  for (const auto& p : points) {
    CalendarEntry e;
    e.point_code = p.code;
    e.point_name = p.name;
    e.session_day = p.session_day;
    e.date = loans::FixedSessionDateIn(month.year, month.month, p.session_day);
    for (const auto& row : moves[p.id])
      if (row.move.year == month.year && row.move.month == month.month) {
        e.date = row.move.moved_to;
        e.moved = true;
        e.reason = row.reason;
      }
    e.day_off = !e.moved && (e.date.Weekday() == 0 || calendar.IsHoliday(e.date, as_of));
    out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(), [](const CalendarEntry& a, const CalendarEntry& b) {
    return a.date != b.date ? a.date < b.date : a.point_code < b.point_code;
  });
  return out;
}

namespace {

// A point open on `date` whose session that month is on `date`: its id.
// A point's session on a date: the point, its session day and its moves.
struct HeldSession {
  int64_t point_id = 0;
  int session_day = 1;
  loans::SessionMoves moves;
  std::string month;  // YYYY-MM: the month whose session is held that day
};

// The point open on `date` whose session (as moved) is on `date`.
Result<HeldSession> SessionPoint(store::Database& db, const std::string& point_code, Date date) {
  store::NetworkStore network(db);
  const Month month{date.year(), date.month()};
  auto point = network.FindUnit("commune_point", point_code);
  std::optional<std::pair<int64_t, int>> links;
  if (point) links = network.PointLinksOn(point->id, date);
  if (!point || !links) return PointUnknown(point_code, month);
  loans::SessionMoves moves;
  for (const auto& row : store::SessionMovesOf(db, {point->id})[point->id])
    moves.push_back(row.move);
  // The session held on `date`: this month's, or the month before's moved
  // into this one, or the next month's moved back into it.
  for (int back : {0, 1, -1}) {
    const Date first = loans::FixedSessionDateIn(month.year, month.month, 1).AddMonths(-back);
    if (loans::SessionDateIn(first.year(), first.month(), links->second, moves) == date)
      return HeldSession{point->id, links->second, std::move(moves),
                         loans::MonthKey(first.year(), first.month())};
  }
  const Date held = loans::SessionDateIn(month.year, month.month, links->second, moves);
  return MakeError(SessionRejection::kNotASessionDate, "date",
                   "Phiên tháng " + std::to_string(month.month) + "/" + std::to_string(month.year) +
                       " của điểm " + point_code + " họp ngày " + held.ToVietnamese() +
                       ", không phải " + date.ToVietnamese(),
                   "Point " + point_code + "'s session of " +
                       loans::MonthKey(month.year, month.month) + " is on " + held.ToIso() +
                       ", not " + date.ToIso());
}

// The point's session as SessionPoint finds it, when the actor's area
// reaches the point (to write: holds the whole point); else the answer for
// a point that does not exist.
Result<HeldSession> VisiblePoint(store::Database& db, const Context& context,
                                 const std::string& point_code, Date date, bool writes) {
  // The area first: a point outside it tells nothing, its session day neither.
  const auto unit = store::NetworkStore(db).FindUnit("commune_point", point_code);
  ScopeCheck scope(db, context.actor);
  const Date on = ScopeDate(db, date);
  if (!unit || !(writes ? scope.Point(unit->id, on) : scope.Reaches(unit->id, on)))
    return PointUnknown(point_code, Month{date.year(), date.month()});
  return SessionPoint(db, point_code, date);
}

// Which of a point's groups the actor sees: all of them when their area
// holds the point; a group leader's, an association officer's groups only.
class GroupsShown {
 public:
  GroupsShown(store::Database& db, const Context& context, Date date)
      : db_(db), scope_(db, context.actor), on_(ScopeDate(db, date)) {}
  bool operator()(const std::string& group_code) {
    if (scope_.WholePoints()) return true;
    auto [it, fresh] = shown_.emplace(group_code, false);
    if (fresh) {
      const auto group = store::NetworkStore(db_).FindUnit("savings_group", group_code);
      it->second = group && scope_.Group(group->id, on_);
    }
    return it->second;
  }

 private:
  store::Database& db_;
  ScopeCheck scope_;
  Date on_;
  std::map<std::string, bool> shown_;
};

std::string Dong(Money m) { return std::to_string(m.dong()); }

}  // namespace

const std::vector<std::string>& SessionListColumns() {
  static const std::vector<std::string> kColumns = {
      "point_code",    "session_date",          "group_code",    "borrower_code",
      "loan_code",     "principal_outstanding", "overdue",       "interest_due",
      "principal_due", "savings_due",           "interest_paid", "principal_paid",
      "savings_paid"};
  return kColumns;
}

Result<std::vector<SessionListLine>> SessionList(Connection& connection, const Context& context,
                                                 const std::string& point_code, Date date) {
  store::Database& db = Db(connection);
  store::ReadTransaction tx(db);
  auto point = VisiblePoint(db, context, point_code, date, false);
  if (!point.ok()) return point.error();
  GroupsShown shows(db, context, date);
  // What each member is expected to save at a session (a dated setting; none
  // by default).
  const std::string setting = store::SettingOn(db, "session.savings_due_dong", date).value_or("0");
  const auto savings_due = Money::ParseAmount(setting);
  TDCS_CHECK_MSG(savings_due.has_value(),
                 "the setting session.savings_due_dong is not an amount of đồng");
  std::vector<SessionListLine> out;
  std::string last_member;
  const auto members = store::MemberLoansAtPoint(db, point.value().point_id, date);
  // A session on the business date reads its loans at once, as they stand;
  // a list of another day replays each loan to it.
  std::map<int64_t, SessionDue> now;
  if (const auto today = store::LoanStore(db).BusinessDate(); today && *today == date) {
    std::vector<int64_t> ids;
    for (const auto& m : members)
      if (m.loan_id != 0) ids.push_back(m.loan_id);
    now = SessionDuesOnBusinessDate(db, ids, date);
  }
  for (const auto& m : members) {
    if (!shows(m.group_code)) continue;
    SessionListLine l;
    l.point_code = point_code;
    l.session_date = date;
    l.group_code = m.group_code;
    l.borrower_code = m.borrower_code;
    l.loan_code = m.loan_code;
    // A member saves once a session: on their first line.
    if (m.group_code + ":" + m.borrower_code != last_member) l.savings_due = *savings_due;
    last_member = m.group_code + ":" + m.borrower_code;
    if (auto it = now.find(m.loan_id); it != now.end()) {
      l.principal_outstanding = it->second.principal;
      l.overdue = it->second.overdue;
      l.interest_due = it->second.interest_due;
      l.principal_due = it->second.principal_due;
    } else if (!m.loan_code.empty()) {
      auto view = ViewLoan(connection, context, m.loan_code, date);
      if (!view.ok()) return view.error();
      const auto& v = view.value();
      l.principal_outstanding = v.principal;
      l.overdue = v.overdue;
      l.interest_due = v.interest_due;
      l.principal_due = v.principal_due;
    }
    out.push_back(std::move(l));
  }
  return out;
}

Result<std::vector<DueListLine>> DueList(Connection& connection, const Context& context,
                                         const std::string& point_code, Date date, int days) {
  store::Database& db = Db(connection);
  store::ReadTransaction tx(db);
  auto point = VisiblePoint(db, context, point_code, date, false);
  if (!point.ok()) return point.error();
  // The `days` after the session, and at least to the next session (that
  // day included): no installment falls between two lists.
  Date to = date.AddDays(std::max(days, 1));
  const HeldSession& held = point.value();
  if (const Date next = loans::FirstSessionAfter(date, held.session_day, held.moves); next > to)
    to = next;
  std::vector<DueListLine> out;
  GroupsShown shows(db, context, date);
  for (const auto& m : store::MemberLoansAtPoint(db, point.value().point_id, date)) {
    if (m.loan_code.empty() || !shows(m.group_code)) continue;
    auto upcoming = UpcomingInstallments(connection, context, m.loan_code, date, to);
    // A loan taken on after the session's day has nothing due then; one
    // whose borrower has left the area is not the actor's to list.
    if (!upcoming.ok() && (upcoming.error().code == "LOAN_NOT_YET_APPLIED" ||
                           upcoming.error().code == "LOAN_NOT_YET_TAKEN_OVER" ||
                           upcoming.error().code == "LOAN_UNKNOWN"))
      continue;
    if (!upcoming.ok()) return upcoming.error();
    for (const auto& u : upcoming.value())
      out.push_back({m.group_code, m.borrower_code, m.loan_code, u.due, u.amount});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const DueListLine& a, const DueListLine& b) { return a.due < b.due; });
  return out;
}

namespace {

Result<Money> PaidAmount(const std::string& text, const std::string& field) {
  if (text.empty()) return Money::Zero();
  if (auto amount = Money::ParseAmount(text)) return *amount;
  return MakeError(SessionRejection::kAmountInvalid, field,
                   "Số tiền '" + text +
                       "' không hợp lệ (số đồng nguyên từ 0, ví dụ 150000 hoặc "
                       "150.000)",
                   "Amount '" + text + "' is invalid (whole đồng from 0, e.g. 150000 or 150.000)");
}

Error FileInvalid(const std::string& field, const std::string& vi, const std::string& en) {
  return MakeError(SessionRejection::kSessionFileInvalid, field, vi, en);
}

}  // namespace

namespace {

// A line of a posting, with what was found wrong reading it (that refuses
// its group).
std::pair<Money, Money> OpenAndPayFees(store::Database& db, int64_t point_id, Date date, Date today,
                                       const std::string& by);

struct ParsedLine {
  int line = 0;
  std::string group, borrower, loan;
  Money interest_paid, principal_paid, savings_paid;
  std::vector<Error> errors;
};

Result<SessionPostReport> PostGroups(Connection& connection, const Context& context,
                                     SessionPostReport report, Date date,
                                     const std::vector<std::string>& order,
                                     std::map<std::string, std::vector<ParsedLine>>& by_group,
                                     const std::string& key,
                                     const ListedInTransaction* listed = nullptr);

}  // namespace

Result<SessionPostReport> PostSessionFile(Connection& connection, const Context& context,
                                          std::istream& in, const std::string& key) {
  // The file: a header naming the list's columns, then its lines.
  csv::Reader reader(in);
  csv::Row header;
  if (!reader.Next(header)) return FileInvalid("file", "Tệp trống", "The file is empty");
  std::map<std::string, size_t> at;
  for (size_t i = 0; i < header.fields.size(); ++i) at[header.fields[i]] = i;
  for (const auto& column : SessionListColumns())
    if (!at.count(column))
      return FileInvalid(column, "Thiếu cột " + column, "Column " + column + " is missing");
  using Line = ParsedLine;
  SessionPostReport report;
  std::optional<Date> date;
  std::vector<std::string> order;  // groups in the file's order
  std::map<std::string, std::vector<Line>> by_group;
  std::vector<RowError> unreadable;  // rows of no group: the whole file is refused
  csv::Row row;
  while (reader.Next(row)) {
    if (std::all_of(row.fields.begin(), row.fields.end(),
                    [](const std::string& f) { return f.empty(); }))
      continue;  // a blank row
    auto field = [&](const std::string& name) -> std::string {
      const size_t i = at.at(name);
      return i < row.fields.size() ? row.fields[i] : std::string();
    };
    Line l;
    l.line = row.line;
    l.group = field("group_code");
    l.borrower = field("borrower_code");
    l.loan = field("loan_code");
    if (l.group.empty()) {
      unreadable.push_back({row.line, FileInvalid("group_code", "Dòng không có mã tổ",
                                                  "The line has no group code")});
      continue;
    }
    if (row.fields.size() != header.fields.size())
      l.errors.push_back(FileInvalid("file",
                                     "Dòng có " + std::to_string(row.fields.size()) +
                                         " cột, tiêu đề có " + std::to_string(header.fields.size()),
                                     "The line has " + std::to_string(row.fields.size()) +
                                         " fields, the header " +
                                         std::to_string(header.fields.size())));
    const auto day = Date::Parse(field("session_date"));
    if (!day)
      l.errors.push_back(FileInvalid(
          "session_date", "Ngày phiên '" + field("session_date") + "' không hợp lệ (YYYY-MM-DD)",
          "Session date '" + field("session_date") + "' is invalid (YYYY-MM-DD)"));
    if (report.point_code.empty()) report.point_code = field("point_code");
    if (!date && day) date = day;
    if (field("point_code") != report.point_code)
      l.errors.push_back(FileInvalid("point_code",
                                     "Mọi dòng phải cùng điểm giao dịch " + report.point_code,
                                     "Every line must be of point " + report.point_code));
    else if (day && *day != *date)
      l.errors.push_back(FileInvalid("session_date",
                                     "Mọi dòng phải cùng ngày phiên " + date->ToIso(),
                                     "Every line must be of the session of " + date->ToIso()));
    for (auto [name, target] : {std::pair{"interest_paid", &l.interest_paid},
                                std::pair{"principal_paid", &l.principal_paid},
                                std::pair{"savings_paid", &l.savings_paid}}) {
      auto amount = PaidAmount(field(name), name);
      if (amount.ok())
        *target = amount.value();
      else
        l.errors.push_back(amount.error());
    }
    if (!by_group.count(l.group)) order.push_back(l.group);
    by_group[l.group].push_back(std::move(l));
  }
  if (!reader.error().empty())
    return FileInvalid("file", "Tệp CSV hỏng: " + reader.error(),
                       "Malformed CSV: " + reader.error());
  if (!unreadable.empty()) {
    report.refused = std::move(unreadable);  // nothing posted: whose group would it be?
    return report;
  }
  if (!date) return FileInvalid("file", "Tệp không có dòng nào", "The file has no lines");
  return PostGroups(connection, context, std::move(report), *date, order, by_group, key);
}

Result<SessionPostReport> PostSession(Connection& connection, const Context& context,
                                      const std::string& point_code, Date date,
                                      const std::vector<SessionPostLine>& lines,
                                      const std::string& key) {
  return PostSessionListed(connection, context, lines, key, {point_code, date, {}, std::nullopt});
}

Result<SessionPostReport> PostSessionListed(Connection& connection, const Context& context,
                                            const std::vector<SessionPostLine>& lines,
                                            const std::string& key,
                                            const ListedInTransaction& listed) {
  const std::string& point_code = listed.point_code;
  const Date date = listed.date;
  SessionPostReport report;
  report.point_code = point_code;
  std::vector<std::string> order;
  std::map<std::string, std::vector<ParsedLine>> by_group;
  for (const auto& l : lines) {
    if (!by_group.count(l.group_code)) order.push_back(l.group_code);
    by_group[l.group_code].push_back({l.line,
                                      l.group_code,
                                      l.borrower_code,
                                      l.loan_code,
                                      l.interest_paid,
                                      l.principal_paid,
                                      l.savings_paid,
                                      {}});
  }
  if (lines.empty()) return FileInvalid("file", "Không có dòng nào", "There are no lines");
  return PostGroups(connection, context, std::move(report), date, order, by_group, key, &listed);
}

namespace {

Result<SessionPostReport> PostGroups(Connection& connection, const Context& context,
                                     SessionPostReport report, Date session_date,
                                     const std::vector<std::string>& order,
                                     std::map<std::string, std::vector<ParsedLine>>& by_group,
                                     const std::string& key, const ListedInTransaction* listed) {
  store::Database& db = Db(connection);
  const std::optional<Date> date = session_date;
  report.session_date = session_date;
  if (auto denied = Require(context.actor, Permission::kLend); !denied.ok()) return denied.error();
  auto point = VisiblePoint(db, context, report.point_code, *date, true);
  if (!point.ok()) return point.error();
  // Posted on the session's day: after its end of day has run (the day's
  // events applied), before the next.
  const auto today = store::LoanStore(db).BusinessDate();
  if (!today || *today != *date)
    return MakeError(
        SessionRejection::kSessionNotToday, "session_date",
        "Phiên " + date->ToVietnamese() + " chỉ ghi được vào ngày đó (ngày làm việc: " +
            (today ? today->ToVietnamese() : std::string("chưa có")) + "; chạy tdcs close --to " +
            date->ToIso() + " trước)",
        "The session of " + date->ToIso() + " is posted on its day (the business date is " +
            (today ? today->ToIso() : std::string("not set")) + "; run tdcs close --to " +
            date->ToIso() + " first)");
  // What is due, as the list says it now (the file's own figures are not
  // trusted), and which loans and members each group has at the session.
  // A caller that read the list in the write transaction this posts in,
  // nothing written since, has it as it stands.
  const bool listed_now = listed != nullptr && listed->rows_changed && db.InWriteTransaction() &&
                          listed->transaction == db.TransactionSerial() &&
                          !db.RolledBackSince(listed->transaction) &&
                          db.RowsChanged() == listed->rows_changed;
  Result<std::vector<SessionListLine>> due =
      listed_now ? Result<std::vector<SessionListLine>>(listed->lines)
                 : SessionList(connection, context, report.point_code, *date);
  if (!due.ok()) return due.error();
  std::map<std::pair<std::string, std::string>, SessionListLine> expected;  // group, loan|member
  for (const auto& d : due.value())
    expected.try_emplace(
        {d.group_code, d.loan_code.empty() ? "member:" + d.borrower_code : d.loan_code}, d);
  std::set<std::string> loans_seen, savers_seen;
  for (const auto& group : order) {
    auto& group_lines = by_group[group];
    std::vector<RowError> errors;
    std::vector<SessionLineToApply> apply;
    std::vector<SessionPostReport::Flag> flags;
    std::vector<std::string> canonical;
    Money amount;
    // What the whole group had due, members absent included.
    Money interest_due, interest_paid, principal_due, principal_paid;
    for (const auto& d : due.value())
      if (d.group_code == group) {
        interest_due += d.interest_due;
        principal_due += d.principal_due + d.overdue;
      }
    for (auto& l : group_lines) {
      for (auto& e : l.errors) errors.push_back({l.line, std::move(e)});
      l.errors.clear();
      for (auto [name, amount] : {std::pair{"interest_paid", l.interest_paid},
                                  std::pair{"principal_paid", l.principal_paid},
                                  std::pair{"savings_paid", l.savings_paid}})
        if (amount.IsNegative() || amount.dong() > kAmountMaxDong)
          errors.push_back({l.line, MakeError(SessionRejection::kAmountInvalid, name,
                                              "Số tiền " + std::string(name) +
                                                  " không hợp lệ: " + amount.ToVietnamese() + " đ",
                                              "The amount " + std::string(name) +
                                                  " is invalid: " + Dong(amount) + " đ")});
      if (l.loan.empty() && !(l.interest_paid + l.principal_paid).IsZero())
        errors.push_back({l.line, MakeError(SessionRejection::kAmountInvalid, "principal_paid",
                                            "Dòng không có khoản vay chỉ nhận tiết kiệm",
                                            "A line without a loan takes savings only")});
      auto it = expected.find({group, l.loan.empty() ? "member:" + l.borrower : l.loan});
      if (it == expected.end() || it->second.borrower_code != l.borrower) {
        errors.push_back(
            {l.line,
             l.loan.empty()
                 ? MakeError(SessionRejection::kLineNotAtSession, "borrower_code",
                             "Hộ " + l.borrower + " không phải thành viên không vay của tổ " +
                                 group + " tại phiên này",
                             "Borrower " + l.borrower +
                                 " is not a member without a loan of group " + group +
                                 " at this session")
                 : MakeError(SessionRejection::kLineNotAtSession, "loan_code",
                             "Khoản vay " + l.loan + " của hộ " + l.borrower + " không thuộc tổ " +
                                 group + " tại phiên này",
                             "Loan " + l.loan + " of borrower " + l.borrower +
                                 " is not one of group " + group + "'s at this session")});
        continue;
      }
      if (!l.loan.empty() && !loans_seen.insert(l.loan).second)
        errors.push_back({l.line, MakeError(SessionRejection::kLineDuplicate, "loan_code",
                                            "Khoản vay " + l.loan + " có hai dòng",
                                            "Loan " + l.loan + " is on two lines")});
      if (!l.savings_paid.IsZero() && !savers_seen.insert(l.borrower).second)
        errors.push_back({l.line, MakeError(SessionRejection::kLineDuplicate, "savings_paid",
                                            "Hộ " + l.borrower + " gửi tiết kiệm trên hai dòng",
                                            "Borrower " + l.borrower + " saves on two lines")});
      const auto& d = it->second;
      // The payment is one (interest first, RULES §4.5): flagged on what it
      // comes to against all that is owed.
      if (!l.loan.empty()) {
        const Money paid = l.interest_paid + l.principal_paid;
        const Money owed = d.interest_due + d.principal_due + d.overdue;
        if (paid < owed) flags.push_back({l.line, l.loan, "thiếu / short"});
        if (paid > owed) flags.push_back({l.line, l.loan, "thừa / over"});
        // Interest first: what of the payment went to the interest due, and
        // what of the rest to the principal due (overdue included).
        const Money to_interest = std::min(paid, d.interest_due);
        interest_paid += to_interest;
        principal_paid += std::min(paid - to_interest, d.principal_due + d.overdue);
      }
      amount += l.interest_paid + l.principal_paid + l.savings_paid;
      apply.push_back(
          {l.line, l.borrower, l.loan, l.interest_paid + l.principal_paid, l.savings_paid});
      canonical.push_back(l.borrower + "|" + l.loan + "|" + Dong(l.interest_paid) + "|" +
                          Dong(l.principal_paid) + "|" + Dong(l.savings_paid));
    }
    // What the batch posts, whatever the order of its lines: the hash the
    // key is kept with.
    std::sort(canonical.begin(), canonical.end());
    std::string request = report.point_code + "|" + date->ToIso() + "|" + group + "\n";
    for (const auto& c : canonical) request += c + "\n";
    const std::string hash = store::NetworkStore::ContentHash(request);
    enum class Outcome { kPosted, kRepeated, kRefused } outcome = Outcome::kRefused;
    const std::vector<RowError> read_errors = errors;
    store::RunTransaction(db, [&](store::Transaction& tx) {
      errors = read_errors;
      // One batch of a session at a time: its opening, and a group posted
      // once whatever the key.
      db.LockKey(SessionLockName(point.value().point_id, *date));
      if (auto seen = store::SessionBatchHash(db, key, group)) {
        if (*seen == hash) {
          outcome = Outcome::kRepeated;
          return 0;
        }
        errors.push_back(
            {group_lines.front().line,
             MakeError(SessionRejection::kIdempotencyKeyReused, "key",
                       "Khóa " + key + " đã dùng cho tổ " + group + " với các dòng khác",
                       "Key " + key + " was used for group " + group + " with other lines")});
        return 0;
      }
      if (auto other = store::SessionBatchKeyOf(db, point.value().point_id, *date, group)) {
        errors.push_back({group_lines.front().line,
                          MakeError(SessionRejection::kGroupAlreadyPosted, "group_code",
                                    "Tổ " + group + " đã ghi phiên này (khóa " + *other + ")",
                                    "Group " + group + " is posted at this session already (key " +
                                        *other + ")")});
        return 0;
      }
      if (!errors.empty()) return 0;
      const auto status = store::SessionStatus(db, point.value().point_id, *date);
      if (status && *status == "closed") {
        errors.push_back({group_lines.front().line,
                          MakeError(SessionRejection::kSessionClosed, "session_date",
                                    "Phiên " + date->ToVietnamese() + " đã đóng",
                                    "The session of " + date->ToIso() + " is closed")});
        return 0;
      }
      if (!status) OpenAndPayFees(db, point.value().point_id, *date, *today, context.actor.login);
      auto line_errors = ApplySessionLines(db, context, *date, apply);
      if (!line_errors.empty()) {
        errors = std::move(line_errors);
        return 0;  // rolled back: nothing of the group stays
      }
      store::RecordSessionBatch(
          db,
          {key, group, point.value().point_id, *date, hash,
           static_cast<int64_t>(group_lines.size()), amount.dong(),
           static_cast<int64_t>(flags.size()), context.actor.login, interest_due.dong(),
           interest_paid.dong(), principal_due.dong(), principal_paid.dong(), point.value().month});
      RecordAudit(db, context, "session.post",
                  "session:" + report.point_code + ":" + date->ToIso() + ":" + group, {},
                  AuditState()
                      .Add("key", key)
                      .Add("lines", static_cast<int64_t>(group_lines.size()))
                      .Add("collected_dong", amount.dong())
                      .Add("interest_paid_dong", interest_paid.dong())
                      .Add("principal_paid_dong", principal_paid.dong())
                      .Add("flagged", static_cast<int64_t>(flags.size())));
      tx.Commit();
      outcome = Outcome::kPosted;
      return 0;
    });
    if (outcome == Outcome::kPosted) {
      ++report.groups_posted;
      report.lines_posted += static_cast<int64_t>(group_lines.size());
      report.collected += amount;
      for (auto& f : flags) report.flagged.push_back(std::move(f));
    } else if (outcome == Outcome::kRepeated) {
      ++report.groups_repeated;
    } else {
      ++report.groups_refused;
      for (auto& e : errors) report.refused.push_back(std::move(e));
    }
  }
  std::sort(report.refused.begin(), report.refused.end(),
            [](const RowError& a, const RowError& b) { return a.line < b.line; });
  return report;
}

}  // namespace

namespace {

// Opens a point's session and pays out at it what the point owes: the
// commission of its groups' boards and the commune associations' fee
// shares not paid yet (RULES §6.4), one entry per payable and office.
// Returns the commission and the fees paid.
std::pair<Money, Money> OpenAndPayFees(store::Database& db, int64_t point_id, Date date, Date today,
                                       const std::string& by) {
  store::OpenSession(db, point_id, date, today, by);
  // What is paid is exactly what is marked paid: the lines read here, by
  // their keys (a fees run committing meanwhile adds lines for the next
  // session), one opening of the point at a time.
  db.LockKey("fees-point:" + std::to_string(point_id));
  const auto unpaid = store::UnpaidAtPoint(db, point_id);
  std::map<std::pair<std::string, int64_t>, Money> owed;  // (kind, office) → amount
  for (const auto& l : unpaid)
    if (l.amount_dong > 0) owed[{l.kind, l.office_id}] += Money::Dong(l.amount_dong);
  store::LoanStore loans(db);
  for (const auto& [what, amount] : owed) {
    const bool commission = what.first == "commission";
    ledger::Posting dims;
    dims.office_id = what.second;
    std::vector<ledger::Posting> postings;
    ledger::AddTransfer(
        postings, dims,
        commission ? ledger::account::kCommissionPayable : ledger::account::kFeePayable,
        ledger::account::kCashPoint, amount);
    loans.PostEntry(
        ledger::BuildEntry(today, commission ? "commission_paid" : "fee_paid", std::move(postings)),
        0, 0);
  }
  store::MarkPaidAtSession(db, unpaid, date);
  std::pair<Money, Money> paid;
  for (const auto& [what, amount] : owed)
    (what.first == "commission" ? paid.first : paid.second) += amount;
  return paid;
}

Error NotToday(Date date, std::optional<Date> today) {
  return MakeError(SessionRejection::kSessionNotToday, "date",
                   "Phiên " + date.ToVietnamese() + " chỉ mở được vào ngày đó (ngày làm việc: " +
                       (today ? today->ToVietnamese() : std::string("chưa có")) + ")",
                   "The session of " + date.ToIso() + " opens on its day (the business date is " +
                       (today ? today->ToIso() : std::string("not set")) + ")");
}

}  // namespace

Result<SessionOpened> OpenCommuneSession(Connection& connection, const Context& context,
                                         const std::string& point_code, Date date) {
  if (auto denied = Require(context.actor, Permission::kLend); !denied.ok()) return denied.error();
  store::Database& db = Db(connection);
  auto point = VisiblePoint(db, context, point_code, date, true);
  if (!point.ok()) return point.error();
  const auto today = store::LoanStore(db).BusinessDate();
  if (!today || *today != date) return NotToday(date, today);
  SessionOpened out;
  store::Transaction tx(db);
  db.LockKey(SessionLockName(point.value().point_id, date));
  if (auto record = store::ReadSession(db, point.value().point_id, date)) {
    if (record->status == "closed")
      return MakeError(SessionRejection::kSessionClosed, "date",
                       "Phiên " + date.ToVietnamese() + " đã đóng",
                       "The session of " + date.ToIso() + " is closed");
    out.already_open = true;
    return out;
  }
  std::tie(out.commission_paid, out.fees_paid) =
      OpenAndPayFees(db, point.value().point_id, date, *today, context.actor.login);
  RecordAudit(db, context, "session.open", "session:" + point_code + ":" + date.ToIso(), {},
              AuditState()
                  .Add("status", "open")
                  .Add("commission_paid_dong", out.commission_paid.dong())
                  .Add("fees_paid_dong", out.fees_paid.dong()));
  tx.Commit();
  return out;
}

Result<std::optional<Money>> SessionCashExpected(Connection& connection, const Context& context,
                                                 const std::string& point_code, Date date) {
  store::Database& db = Db(connection);
  store::ReadTransaction tx(db);
  auto point = VisiblePoint(db, context, point_code, date, true);
  if (!point.ok()) return point.error();
  auto record = store::ReadSession(db, point.value().point_id, date);
  if (!record || record->status != "open") return std::optional<Money>();
  return std::optional<Money>(store::SessionCashOf(db, point.value().point_id, date).Net());
}

std::string OpenSessionStatus(Connection& connection, const std::string& point_code, Date date) {
  store::Database& db = Db(connection);
  auto point = store::NetworkStore(db).FindUnit("commune_point", point_code);
  if (!point) return "";
  auto record = store::ReadSession(db, point->id, date);
  return record ? record->status : "";
}

Result<SessionClosed> CloseCommuneSession(Connection& connection, const Context& context,
                                          const SessionCloseRequest& r) {
  store::Database& db = Db(connection);
  if (r.counted.IsNegative())
    return MakeError(SessionRejection::kAmountInvalid, "counted",
                     "Số tiền mặt kiểm đếm không được âm", "The cash counted cannot be negative");
  if (r.brought.IsNegative())
    return MakeError(SessionRejection::kAmountInvalid, "brought",
                     "Số tiền mặt mang đến không được âm", "The cash brought cannot be negative");
  if (r.reason.size() > 500 || std::any_of(r.reason.begin(), r.reason.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20;
      }))
    return MakeError(SessionRejection::kReasonTooLong, "reason",
                     "Lý do dài quá 500 byte hoặc có ký tự điều khiển",
                     "The reason is longer than 500 bytes or has control characters");
  if (auto denied = Require(context.actor, Permission::kLend); !denied.ok()) return denied.error();
  auto point = VisiblePoint(db, context, r.point_code, r.date, true);
  if (!point.ok()) return point.error();
  const int64_t point_id = point.value().point_id;
  const auto today = store::LoanStore(db).BusinessDate();
  if (!today || *today < r.date)
    return MakeError(SessionRejection::kSessionInFuture, "date",
                     "Phiên " + r.date.ToVietnamese() + " chưa đến (ngày làm việc: " +
                         (today ? today->ToVietnamese() : std::string("chưa có")) + ")",
                     "The session of " + r.date.ToIso() + " has not come yet (business date: " +
                         (today ? today->ToIso() : std::string("not set")) + ")");
  store::Transaction tx(db);
  db.LockKey(SessionLockName(point_id, r.date));
  auto record = store::ReadSession(db, point_id, r.date);
  if (!record)
    return MakeError(SessionRejection::kSessionNotOpen, "date",
                     "Phiên " + r.date.ToVietnamese() + " của điểm " + r.point_code +
                         " chưa mở (tdcs session open, hoặc ghi một tổ)",
                     "The session of " + r.date.ToIso() + " at point " + r.point_code +
                         " is not open (tdcs session open, or post a group)");
  if (record->status == "closed")
    return MakeError(SessionRejection::kSessionClosed, "date",
                     "Phiên " + r.date.ToVietnamese() + " đã đóng",
                     "The session of " + r.date.ToIso() + " is closed");
  const store::SessionCash cash = store::SessionCashOf(db, point_id, r.date);
  SessionClosed out;
  out.cash_in = cash.customers_in;
  out.cash_out = cash.customers_out;
  out.fees_paid = cash.fees_paid;
  out.brought = r.brought;
  out.expected = r.brought + cash.Net();
  out.counted = r.counted;
  out.difference = r.counted - out.expected;
  const bool blank =
      std::all_of(r.reason.begin(), r.reason.end(), [](char c) { return c == ' ' || c == '\t'; });
  if (!out.difference.IsZero() && blank)
    return MakeError(
        SessionRejection::kCashDifference, "counted",
        "Tiền mặt kiểm đếm " + r.counted.ToVietnamese() + " đ khác sổ sách " +
            out.expected.ToVietnamese() + " đ (" +
            (out.difference.IsNegative() ? "thiếu " : "thừa ") +
            (out.difference.IsNegative() ? Money::Zero() - out.difference : out.difference)
                .ToVietnamese() +
            " đ): ghi lý do (--reason) để hạch toán chênh lệch",
        "The cash counted, " + Dong(r.counted) + " đ, differs from the books' " +
            Dong(out.expected) + " đ (" + (out.difference.IsNegative() ? "short " : "over ") +
            Dong(out.difference.IsNegative() ? Money::Zero() - out.difference : out.difference) +
            " đ): give a reason (--reason) to post the difference");
  if (!out.difference.IsZero()) {
    // A shortage is owed by whoever held the cash until it is settled; a
    // surplus is owed back to whoever it belongs to.
    store::NetworkStore network(db);
    auto links = network.PointLinksOn(point_id, r.date);
    ledger::Posting dims;
    dims.office_id = links ? links->first : 0;
    std::vector<ledger::Posting> postings;
    const bool short_ = out.difference.IsNegative();
    ledger::AddTransfer(postings, dims,
                        short_ ? ledger::account::kCashShortage : ledger::account::kCashPoint,
                        short_ ? ledger::account::kCashPoint : ledger::account::kCashSurplus,
                        short_ ? Money::Zero() - out.difference : out.difference);
    store::LoanStore(db).PostEntry(
        ledger::BuildEntry(*today, short_ ? "cash_shortage" : "cash_surplus", std::move(postings)),
        0, 0);
  }
  store::CloseSession(db, point_id, r.date, out.expected.dong(), r.counted.dong(), r.reason, *today,
                      context.actor.login);
  NoteSessionClosed(db, point_id, r.date);
  RecordAudit(db, context, "session.close", "session:" + r.point_code + ":" + r.date.ToIso(),
              AuditState().Add("status", "open"),
              AuditState()
                  .Add("status", "closed")
                  .Add("brought_dong", r.brought.dong())
                  .Add("expected_dong", out.expected.dong())
                  .Add("counted_dong", r.counted.dong())
                  .Add("difference_dong", out.difference.dong())
                  .Add("reason", r.reason));
  tx.Commit();
  return out;
}

}  // namespace tdcs::app
