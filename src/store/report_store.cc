#include "store/report_store.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <map>
#include <set>
#include <unordered_map>

#include "base/check.h"
#include "base/fault.h"
#include "ledger/ledger.h"
#include "store/journal_chain.h"

namespace tdcs::store {

std::string SeriesKey::Text() const {
  std::string out(1, level);
  out += '|';
  out += std::to_string(unit_id);
  out += '|';
  out += std::to_string(association);
  out += '|';
  out += program;
  out += '|';
  out += std::to_string(fund_source);
  out += '|';
  out += measure;
  return out;
}

namespace {

// The units a loan is reported under: the nation, and its office, point and
// group where it has one.
std::vector<std::pair<char, int64_t>> UnitsOf(const reports::LoanPlace& place) {
  std::vector<std::pair<char, int64_t>> out{{kLevelNation, 0}};
  if (place.office_id != 0) out.emplace_back(kLevelOffice, place.office_id);
  if (place.point_id != 0) out.emplace_back(kLevelPoint, place.point_id);
  if (place.group_id != 0) out.emplace_back(kLevelGroup, place.group_id);
  return out;
}

// A household's count of loans owing under one unit and association.
std::string HouseholdKey(int64_t borrower_id, char level, int64_t unit, int association) {
  return std::to_string(borrower_id) + "|" + std::string(1, level) + "|" + std::to_string(unit) +
         "|" + std::to_string(association);
}

}  // namespace

void ReportWriter::AddAtLevels(const reports::LoanPlace& place, Date day,
                               const std::string& measure, const std::string& program,
                               int fund_source, int64_t delta) {
  for (const auto& [level, unit] : UnitsOf(place))
    pending_[{SeriesKey{level, unit, place.association, program, fund_source, measure}, day}] +=
        delta;
}

void ReportWriter::Add(const reports::LoanPlace& place, Date day,
                       const reports::EntryEffect& effect) {
  for (const auto& d : effect.deltas)
    AddAtLevels(place, day, d.measure, d.program, d.fund_source, d.delta);
  if (effect.reached != 0) {
    // The loan's outcomes count from the day its first principal reached
    // the household (and stop if a reversal takes it all back).
    std::map<std::string, int> read;
    const std::map<std::string, int>* outcomes = &read;
    const auto found = outcomes_ == nullptr ? nullptr : [&]() -> const std::map<std::string, int>* {
      const auto it = outcomes_->find(place.loan_id);
      return it == outcomes_->end() ? nullptr : &it->second;
    }();
    if (found != nullptr) {
      outcomes = found;
    } else if (outcomes_ != nullptr && outcomes_complete_) {
      outcomes = nullptr;
    } else {
      auto& st = db_.Cached("SELECT kind, count FROM loan_outcome WHERE loan_id = ?");
      st.BindInt(1, place.loan_id);
      while (st.Step()) read[st.GetText(0)] = static_cast<int>(st.GetInt(1));
      st.Reset();
    }
    if (outcomes != nullptr)
      for (const auto& [kind, count] : *outcomes)
        AddAtLevels(place, day, std::string(reports::kOutcomePrefix) + kind, place.program,
                    place.fund_source, static_cast<int64_t>(count) * effect.reached);
  }
  for (const auto& h : effect.households)
    for (const auto& [level, unit] : UnitsOf(place))
      households_.push_back(
          {HouseholdKey(h.borrower_id, level, unit, place.association),
           SeriesKey{level, unit, place.association, "", 0, std::string(reports::kCustomers)}, day,
           h.change});
}

namespace {

void CountHouseholds(const std::vector<ReportWriter::HouseholdChange>& changes,
                     std::map<std::string, int64_t>& owing,
                     std::map<std::pair<SeriesKey, Date>, int64_t>& series) {
  for (const auto& c : changes) {
    int64_t& n = owing[c.key];
    const int64_t before = n;
    n += c.change;
    if (n < 0)
      throw StorageFault("report_household " + c.key +
                         ": fewer than no loans owing (run tdcs verify --deep)");
    if (before == 0 && n > 0) series[{c.customers, c.day}] += 1;
    if (before > 0 && n == 0) series[{c.customers, c.day}] -= 1;
  }
}

}  // namespace

void ReportWriter::CountHouseholdsIn(std::map<std::string, int64_t>& owing) {
  CountHouseholds(households_, owing, pending_);
  households_.clear();
}

constexpr const char* kInsertKey =
    "INSERT INTO report_key (key, level, unit_id, association_code, program_code, fund_source, "
    "measure) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING";

namespace {

// Records a series (once: a repeat does nothing).
void WriteSeriesKey(Database& db, const SeriesKey& series, const std::string& text) {
  auto& k = db.Cached(kInsertKey);
  k.BindText(1, text);
  k.BindText(2, std::string(1, series.level));
  k.BindInt(3, series.unit_id);
  k.BindInt(4, series.association);
  k.BindText(5, series.program);
  k.BindInt(6, series.fund_source);
  k.BindText(7, series.measure);
  k.Run();
}

}  // namespace
// The day's value: the day's row plus the change, or (no row yet) the value
// of the latest day before it plus the change.
constexpr const char* kUpsertDay =
    "INSERT INTO report_day (key, day, value) VALUES (?, ?, ? + COALESCE((SELECT d.value FROM "
    "report_day d WHERE d.key = ? AND d.day < ? ORDER BY d.day DESC LIMIT 1), 0)) "
    "ON CONFLICT (key, day) DO UPDATE SET value = report_day.value + ?";
// A back-dated change: every later day's value moves by it too.
constexpr const char* kShiftLater =
    "UPDATE report_day SET value = value + ? WHERE key = ? AND day > ?";

namespace {

// The series' changes of a write transaction, written once at its commit:
// the postings that share a transaction (a group commit's, a batch's) write
// each day of a series once. A savepoint that rolls back takes its changes
// back; folded into one map while no savepoint has asked for a mark (a long
// batch in one transaction stays small).
class SeriesAtCommit final : public Database::PendingWork {
 public:
  static constexpr const char* kKey = "report.series";
  void Add(const SeriesChanges& changes) {
    for (const auto& [at, delta] : changes)
      if (delta != 0) log_.emplace_back(at, delta);
    if (!marked_ && log_.size() > kFoldAbove) Fold();
  }
  void Run(Database& db) override {
    LockChainHead(db);  // held already by the postings; as every writer of the model
    Fold();
    WriteSeriesChanges(db, folded_);
  }
  // Marks count every change added, folded or not; nothing is folded once a
  // mark was given, so a mark below the folded count can only be a
  // savepoint's taken before this work existed: all of it goes.
  size_t Mark() const override {
    marked_ = true;
    return folded_count_ + log_.size();
  }
  void RollBackTo(size_t mark) override {
    if (mark < folded_count_) {
      folded_.clear();
      folded_count_ = 0;
      log_.clear();
    } else if (mark - folded_count_ < log_.size()) {
      log_.resize(mark - folded_count_);
    }
  }

 private:
  static constexpr size_t kFoldAbove = 1 << 16;
  void Fold() {
    for (const auto& [at, delta] : log_) folded_[at] += delta;
    folded_count_ += log_.size();
    log_.clear();
  }
  SeriesChanges folded_;  // before any mark
  size_t folded_count_ = 0;
  std::vector<std::pair<std::pair<SeriesKey, Date>, int64_t>> log_;
  mutable bool marked_ = false;
};

}  // namespace

void ReportWriter::Flush() {
  TDCS_CHECK_MSG((pending_.empty() && households_.empty()) || db_.InTransaction(),
                 "report changes outside a transaction");
  if (!households_.empty()) {
    // The households' counts as stored, then each change in posting order:
    // a count leaving or reaching zero moves its unit's customers. (Every
    // writer holds the journal's chain head, so no other changes them now.)
    std::vector<std::string> keys;
    for (const auto& h : households_) keys.push_back(h.key);
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    std::map<std::string, int64_t> owing;
    QueryIn(db_, "SELECT key, loans_owing FROM report_household WHERE key", "", {}, keys,
            [&](const Statement& st) { owing[st.GetText(0)] = st.GetInt(1); });
    CountHouseholds(households_, owing, pending_);
    for (const auto& key : keys) {
      auto& st = db_.Cached(
          "INSERT INTO report_household (key, loans_owing) VALUES (?, ?) ON CONFLICT (key) "
          "DO UPDATE SET loans_owing = excluded.loans_owing");
      st.BindText(1, key);
      st.BindInt(2, owing[key]);
      st.Run();
    }
    households_.clear();
  }
  if (pending_.empty()) return;
  auto* work = static_cast<SeriesAtCommit*>(db_.Pending(SeriesAtCommit::kKey));
  if (work == nullptr) {
    auto added = std::make_unique<SeriesAtCommit>();
    work = added.get();
    db_.AddPending(SeriesAtCommit::kKey, std::move(added));
  }
  work->Add(pending_);
  pending_.clear();
}

void WriteSeriesChanges(Database& db, const SeriesChanges& changes) {
  std::string last_key;
  for (const auto& [at, delta] : changes) {
    if (delta == 0) continue;
    const auto& [series, day] = at;
    const std::string key = series.Text();
    const std::string iso = day.ToIso();
    if (key != last_key) {
      WriteSeriesKey(db, series, key);
      last_key = key;
    }
    auto& u = db.Cached(kUpsertDay);
    u.BindText(1, key);
    u.BindText(2, iso);
    u.BindInt(3, delta);
    u.BindText(4, key);
    u.BindText(5, iso);
    u.BindInt(6, delta);
    u.Run();
    auto& s = db.Cached(kShiftLater);
    s.BindInt(1, delta);
    s.BindText(2, key);
    s.BindText(3, iso);
    s.Run();
  }
}

namespace {

struct Span {
  Date from;
  std::optional<Date> to;  // exclusive; none: still in force
};
std::optional<Date> OptionalDate(const Statement& st, int column) {
  if (st.IsNull(column)) return std::nullopt;
  return Date::Parse(st.GetText(column));
}
// The overlap of two spans, if any.
std::optional<Span> Overlap(const Span& a, const Span& b) {
  Span out{std::max(a.from, b.from), a.to};
  if (!out.to || (b.to && *b.to < *out.to)) out.to = b.to;
  if (out.to && *out.to <= out.from) return std::nullopt;
  return out;
}

struct GroupVersionSpan {
  Span span;
  int64_t point_id = 0;
  int association = 0;
};
struct PointVersionSpan {
  Span span;
  int64_t office_id = 0;
};

// One group's contribution: each version at each of its point's offices,
// the group and its members in force there.
void AddGroupChanges(const std::vector<GroupVersionSpan>& versions,
                     const std::unordered_map<int64_t, std::vector<PointVersionSpan>>& points,
                     const std::vector<Span>& members, int sign, SeriesChanges& out) {
  const auto add = [&](int64_t office, int64_t point, int association, const char* measure,
                       const Span& s) {
    for (const auto& key : {SeriesKey{kLevelNationNetwork, 0, association, "", 0, measure},
                            SeriesKey{kLevelOfficeNetwork, office, association, "", 0, measure},
                            SeriesKey{kLevelPointNetwork, point, association, "", 0, measure}}) {
      out[{key, s.from}] += sign;
      if (s.to) out[{key, *s.to}] -= sign;
    }
  };
  for (const auto& v : versions) {
    const auto it = points.find(v.point_id);
    if (it == points.end()) continue;
    for (const auto& pv : it->second) {
      const auto at = Overlap(v.span, pv.span);
      if (!at) continue;
      add(pv.office_id, v.point_id, v.association, kNetworkGroups, *at);
      for (const auto& m : members)
        if (const auto both = Overlap(*at, m))
          add(pv.office_id, v.point_id, v.association, kNetworkMembers, *both);
    }
  }
}

}  // namespace

void AddNetworkChanges(Database& db, const std::vector<int64_t>& groups, bool all, int sign,
                       SeriesChanges& out) {
  if (!all && groups.empty()) return;
  std::unordered_map<int64_t, std::vector<GroupVersionSpan>> versions;
  std::vector<int64_t> point_ids;
  const auto version_row = [&](const Statement& st) {
    versions[st.GetInt(0)].push_back({{*Date::Parse(st.GetText(1)), OptionalDate(st, 2)},
                                      st.GetInt(3),
                                      static_cast<int>(st.GetInt(4))});
    point_ids.push_back(st.GetInt(3));
  };
  const std::string version_sql =
      "SELECT group_id, valid_from, valid_to, point_id, association_code FROM "
      "savings_group_version";
  if (all) {
    auto st = db.Prepare(version_sql);
    while (st->Step()) version_row(*st);
  } else {
    QueryIn(db, version_sql + " WHERE group_id", "", {}, groups, version_row);
  }
  std::sort(point_ids.begin(), point_ids.end());
  point_ids.erase(std::unique(point_ids.begin(), point_ids.end()), point_ids.end());
  std::unordered_map<int64_t, std::vector<PointVersionSpan>> points;
  const auto point_row = [&](const Statement& st) {
    points[st.GetInt(0)].push_back(
        {{*Date::Parse(st.GetText(1)), OptionalDate(st, 2)}, st.GetInt(3)});
  };
  const std::string point_sql =
      "SELECT point_id, valid_from, valid_to, office_id FROM commune_point_version";
  if (all) {
    auto st = db.Prepare(point_sql);
    while (st->Step()) point_row(*st);
  } else {
    QueryIn(db, point_sql + " WHERE point_id", "", {}, point_ids, point_row);
  }
  // Members group by group (the whole bank: in one pass, by group).
  int64_t current = 0;
  std::vector<Span> members;
  const auto finish = [&] {
    if (current == 0) return;
    const auto it = versions.find(current);
    if (it != versions.end()) AddGroupChanges(it->second, points, members, sign, out);
    versions.erase(current);
    members.clear();
  };
  const auto member_row = [&](const Statement& st) {
    if (st.GetInt(0) != current) {
      finish();
      current = st.GetInt(0);
    }
    members.push_back({*Date::Parse(st.GetText(1)), OptionalDate(st, 2)});
  };
  const std::string member_sql = "SELECT group_id, valid_from, valid_to FROM membership";
  if (all) {
    auto st = db.Prepare(member_sql + " ORDER BY group_id");
    while (st->Step()) member_row(*st);
  } else {
    QueryIn(db, member_sql + " WHERE group_id", " ORDER BY group_id", {}, groups, member_row);
  }
  finish();
  // Groups without members.
  for (const auto& [group, spans] : versions) AddGroupChanges(spans, points, {}, sign, out);
}

namespace {

constexpr const char* kNetworkWork = "network report series";

// The network series' changes of one transaction: each touched group's
// contribution before it was first touched, taken away at the commit and
// replaced by its contribution then.
class NetworkSeriesWork : public Database::PendingWork {
 public:
  void Touch(Database& db, const std::vector<int64_t>& groups) {
    if (rebuild_) return;
    std::vector<int64_t> fresh;
    for (int64_t g : groups)
      if (touched_.insert(g).second) fresh.push_back(g);
    if (touched_.size() > kRebuildAbove) {
      rebuild_ = true;
      before_.clear();
      touched_.clear();
      return;
    }
    AddNetworkChanges(db, fresh, false, -1, before_);
  }
  void Run(Database& db) override {
    LockChainHead(db);  // as every writer of the model: one at a time
    if (rebuild_) {
      RebuildNetworkSeries(db);
      return;
    }
    const std::vector<int64_t> groups(touched_.begin(), touched_.end());
    AddNetworkChanges(db, groups, false, +1, before_);
    WriteSeriesChanges(db, before_);
  }

 private:
  std::set<int64_t> touched_;
  SeriesChanges before_;
  bool rebuild_ = false;
};

NetworkSeriesWork& WorkOf(Database& db) {
  TDCS_CHECK_MSG(db.InWriteTransaction(), "a network change outside a write transaction");
  if (auto* work = db.Pending(kNetworkWork)) return static_cast<NetworkSeriesWork&>(*work);
  // The chain head before the first contribution is read, as every writer
  // of the model: on PostgreSQL another transaction's network change can
  // then not commit between this one's "before" and its commit (it would be
  // counted in both its own change and this one's "after").
  LockChainHead(db);
  auto work = std::make_unique<NetworkSeriesWork>();
  auto& out = *work;
  db.AddPending(kNetworkWork, std::move(work));
  return out;
}

// The series' values from their changes: each day's change added to the
// days before.
void Cumulate(std::map<SeriesKey, std::map<Date, int64_t>>& series) {
  for (auto& [key, days] : series) {
    int64_t running = 0;
    for (auto& [day, value] : days) {
      running += value;
      value = running;
    }
  }
}

std::map<SeriesKey, std::map<Date, int64_t>> NetworkSeries(Database& db) {
  SeriesChanges changes;
  AddNetworkChanges(db, {}, true, +1, changes);
  std::map<SeriesKey, std::map<Date, int64_t>> out;
  for (const auto& [at, delta] : changes) out[at.first][at.second] += delta;
  Cumulate(out);
  return out;
}

void InsertSeries(Database& db, const std::map<SeriesKey, std::map<Date, int64_t>>& series) {
  for (const auto& [key, days] : series) {
    const std::string text = key.Text();
    WriteSeriesKey(db, key, text);
    for (const auto& [day, value] : days) {
      auto& d = db.Cached("INSERT INTO report_day (key, day, value) VALUES (?, ?, ?)");
      d.BindText(1, text);
      d.BindText(2, day.ToIso());
      d.BindInt(3, value);
      d.Run();
    }
  }
}

}  // namespace

void TouchGroups(Database& db, const std::vector<int64_t>& groups) { WorkOf(db).Touch(db, groups); }

void TouchGroupsOfPoint(Database& db, int64_t point_id) {
  std::vector<int64_t> groups;
  auto& st = db.Cached("SELECT DISTINCT group_id FROM savings_group_version WHERE point_id = ?");
  st.BindInt(1, point_id);
  while (st.Step()) groups.push_back(st.GetInt(0));
  st.Reset();
  TouchGroups(db, groups);
}

void RebuildNetworkSeries(Database& db) {
  TDCS_CHECK(db.InTransaction());
  LockChainHead(db);
  db.ExecScript(
      "DELETE FROM report_day WHERE key IN (SELECT key FROM report_key WHERE level IN ('N', "
      "'O', 'P')); DELETE FROM report_key WHERE level IN ('N', 'O', 'P')");
  InsertSeries(db, NetworkSeries(db));
}

namespace {

// A series' key read back from its text (SeriesKey::Text): the level, unit
// and association from the left, the measure (a fixed name, no '|') and
// fund source from the right, the program between them.
std::optional<SeriesKey> ParseSeriesKey(std::string_view text) {
  const size_t a = text.find('|');
  const size_t b = a == std::string_view::npos ? a : text.find('|', a + 1);
  const size_t c = b == std::string_view::npos ? b : text.find('|', b + 1);
  const size_t z = text.rfind('|');
  const size_t y =
      z == std::string_view::npos || z == 0 ? std::string_view::npos : text.rfind('|', z - 1);
  if (a != 1 || c == std::string_view::npos || y == std::string_view::npos || y <= c)
    return std::nullopt;
  SeriesKey k;
  k.level = text[0];
  auto number = [](std::string_view s, auto& value) {
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    return ec == std::errc() && end == s.data() + s.size();
  };
  if (!number(text.substr(a + 1, b - a - 1), k.unit_id) ||
      !number(text.substr(b + 1, c - b - 1), k.association) ||
      !number(text.substr(y + 1, z - y - 1), k.fund_source))
    return std::nullopt;
  k.program = std::string(text.substr(c + 1, y - c - 1));
  k.measure = std::string(text.substr(z + 1));
  return k;
}

}  // namespace

std::vector<std::vector<SeriesValue>> ValuesOnDays(Database& db, char level,
                                                   const std::vector<int64_t>& units,
                                                   const std::vector<Date>& days, bool per_unit) {
  using Key = std::tuple<int64_t, int, std::string, int, std::string>;
  std::vector<std::map<Key, int64_t>> sums(days.size());
  // The keys from the (level, unit) index alone (it holds the key: the
  // series is read back from its text), each day's value by one seek.
  std::string head = "SELECT k.key";
  std::vector<std::string> fixed;
  for (Date day : days) {
    head +=
        ", (SELECT d.value FROM report_day d WHERE d.key = k.key AND d.day <= ? "
        "ORDER BY d.day DESC LIMIT 1)";
    fixed.push_back(day.ToIso());
  }
  head += " FROM report_key k WHERE k.level = ? AND k.unit_id";
  fixed.emplace_back(1, level);
  QueryIn(db, head, "", fixed, units, [&](const Statement& st) {
    const auto key = ParseSeriesKey(st.GetText(0));
    TDCS_CHECK_MSG(key.has_value(), "a report series' key is not in its written form");
    for (size_t i = 0; i < days.size(); ++i) {
      const int column = static_cast<int>(i) + 1;
      if (st.IsNull(column)) continue;
      sums[i][{per_unit ? key->unit_id : 0, key->association, key->program, key->fund_source,
               key->measure}] += st.GetInt(column);
    }
  });
  std::vector<std::vector<SeriesValue>> out(days.size());
  for (size_t i = 0; i < days.size(); ++i) {
    out[i].reserve(sums[i].size());
    for (const auto& [k, v] : sums[i])
      out[i].push_back(
          {std::get<0>(k), std::get<1>(k), std::get<2>(k), std::get<3>(k), std::get<4>(k), v});
  }
  return out;
}

std::vector<SeriesValue> ValuesOn(Database& db, char level, const std::vector<int64_t>& units,
                                  Date on, bool per_unit) {
  return std::move(ValuesOnDays(db, level, units, {on}, per_unit).front());
}

std::vector<GroupOn> GroupsAtPointsOn(Database& db, const std::vector<int64_t>& points, Date on) {
  std::vector<GroupOn> out;
  if (points.empty()) return out;
  QueryIn(db,
          "SELECT gv.group_id, gv.point_id, g.code, gv.name FROM savings_group_version gv "
          "JOIN savings_group g ON g.id = gv.group_id WHERE gv.valid_from <= ? AND "
          "(gv.valid_to IS NULL OR gv.valid_to > ?) AND gv.point_id",
          "", {on.ToIso(), on.ToIso()}, points, [&](const Statement& st) {
            out.push_back({st.GetInt(0), st.GetInt(1), st.GetText(2), st.GetText(3)});
          });
  std::sort(out.begin(), out.end(),
            [](const GroupOn& a, const GroupOn& b) { return a.code < b.code; });
  return out;
}

std::vector<PointOn> PointsOn(Database& db, char level, const std::vector<int64_t>& units,
                              Date on) {
  std::string sql =
      "SELECT v.point_id, v.office_id, p.code, v.name, v.report_commune_era, "
      "v.report_commune_code, COALESCE(c.full_name, v.report_commune_code) "
      "FROM commune_point_version v JOIN commune_point p ON p.id = v.point_id "
      "LEFT JOIN admin_commune c ON c.era = v.report_commune_era AND c.code = "
      "v.report_commune_code "
      "WHERE v.valid_from <= ? AND (v.valid_to IS NULL OR v.valid_to > ?)";
  std::vector<PointOn> out;
  auto row = [&](const Statement& st) {
    out.push_back({st.GetInt(0), st.GetInt(1), st.GetText(2), st.GetText(3), st.GetText(4),
                   st.GetText(5), st.GetText(6)});
  };
  const std::vector<std::string> days{on.ToIso(), on.ToIso()};
  if (level == kLevelNation) {
    auto st = db.Prepare(sql);
    st->BindText(1, days[0]);
    st->BindText(2, days[1]);
    while (st->Step()) row(*st);
  } else if (level == kLevelOffice || level == kLevelPoint) {
    QueryIn(db, sql + (level == kLevelOffice ? " AND v.office_id" : " AND v.point_id"), "", days,
            units, row);
  } else if (level == kLevelGroup) {
    QueryIn(db,
            sql +
                " AND v.point_id IN (SELECT g.point_id FROM savings_group_version g WHERE "
                "g.group_id",
            ")", days, units, row);
  }
  std::sort(out.begin(), out.end(),
            [](const PointOn& a, const PointOn& b) { return a.code < b.code; });
  return out;
}

std::vector<int64_t> OfficesOfBranchOn(Database& db, int64_t branch_id, Date on) {
  auto st = db.Prepare(
      "SELECT office_id FROM office_version WHERE branch_id = ? AND valid_from <= ? AND "
      "(valid_to IS NULL OR valid_to > ?) ORDER BY office_id");
  st->BindInt(1, branch_id);
  st->BindText(2, on.ToIso());
  st->BindText(3, on.ToIso());
  std::vector<int64_t> out;
  while (st->Step()) out.push_back(st->GetInt(0));
  return out;
}

std::vector<int64_t> PointsOfCommuneOn(Database& db, const std::string& era,
                                       const std::string& code, Date on) {
  auto st = db.Prepare(
      "SELECT point_id FROM commune_point_version WHERE report_commune_era = ? AND "
      "report_commune_code = ? AND valid_from <= ? AND (valid_to IS NULL OR valid_to > ?) "
      "ORDER BY point_id");
  st->BindText(1, era);
  st->BindText(2, code);
  st->BindText(3, on.ToIso());
  st->BindText(4, on.ToIso());
  std::vector<int64_t> out;
  while (st->Step()) out.push_back(st->GetInt(0));
  return out;
}

namespace {

// The groups in force on a date at their points in force then (four date
// placeholders), then the association's filter and the filter of a level's
// units (QueryIn's list follows it).
constexpr const char* kGroupsOn =
    " FROM savings_group_version gv JOIN commune_point_version pv ON pv.point_id = gv.point_id "
    "AND pv.valid_from <= ? AND (pv.valid_to IS NULL OR pv.valid_to > ?) "
    "WHERE gv.valid_from <= ? AND (gv.valid_to IS NULL OR gv.valid_to > ?)";

std::string LevelColumn(char level) {
  switch (level) {
    case kLevelOffice:
      return " AND pv.office_id";
    case kLevelPoint:
      return " AND gv.point_id";
    case kLevelGroup:
      return " AND gv.group_id";
  }
  return "";
}

// Runs `head` + kGroupsOn + the level's filter + `tail` for each chunk of
// units (the whole bank: once, unfiltered), binding `fixed` first.
template <typename Row>
void OverGroupsOn(Database& db, const std::string& head, const std::string& tail, char level,
                  const std::vector<int64_t>& units, std::vector<std::string> fixed,
                  int association, Date on, Row&& row) {
  const std::string day = on.ToIso();
  for (int k = 0; k < 4; ++k) fixed.push_back(day);
  std::string sql = head + kGroupsOn;
  // An association code is a number (11–14): written into the statement.
  if (association != 0) sql += " AND gv.association_code = " + std::to_string(association);
  if (level == kLevelNation) {
    auto st = db.Prepare(sql + tail);
    int i = 1;
    for (const auto& f : fixed) st->BindText(i++, f);
    while (st->Step()) row(*st);
    return;
  }
  if (units.empty()) return;
  QueryIn(db, sql + LevelColumn(level), tail, fixed, units, row);
}

}  // namespace

NetworkFigures NetworkFiguresOn(Database& db, char level, const std::vector<int64_t>& units,
                                int association, Date on) {
  NetworkFigures out;
  if (level == kLevelNation || level == kLevelOffice || level == kLevelPoint) {
    // From the network series.
    const char series = level == kLevelNation   ? kLevelNationNetwork
                        : level == kLevelOffice ? kLevelOfficeNetwork
                                                : kLevelPointNetwork;
    for (const auto& v : ValuesOn(db, series, units, on)) {
      if (association != 0 && v.association != association) continue;
      if (v.measure == kNetworkGroups) out.groups += v.value;
      if (v.measure == kNetworkMembers) out.households += v.value;
    }
  } else {
    // A group's: counted from the network tables.
    OverGroupsOn(db, "SELECT COUNT(*), COUNT(DISTINCT gv.point_id)", "", level, units, {},
                 association, on, [&](const Statement& st) {
                   out.groups += st.GetInt(0);
                   if (level == kLevelGroup) out.points += st.GetInt(1);
                 });
    // Members in force on the date (the first two placeholders).
    OverGroupsOn(db,
                 "SELECT COUNT(*) FROM membership m WHERE m.valid_from <= ? AND "
                 "(m.valid_to IS NULL OR m.valid_to > ?) AND m.group_id IN (SELECT gv.group_id",
                 ")", level, units, {on.ToIso(), on.ToIso()}, association, on,
                 [&](const Statement& st) { out.households += st.GetInt(0); });
    if (level == kLevelGroup) return out;
  }
  // The commune points in force in the unit, whatever the association (a
  // group's: the one it meets at).
  const std::string points =
      "SELECT COUNT(*) FROM commune_point_version WHERE valid_from <= ? AND (valid_to IS NULL "
      "OR valid_to > ?)";
  if (level == kLevelNation) {
    auto st = db.Prepare(points);
    st->BindText(1, on.ToIso());
    st->BindText(2, on.ToIso());
    if (st->Step()) out.points = st->GetInt(0);
  } else {
    QueryIn(db, points + (level == kLevelOffice ? " AND office_id" : " AND point_id"), "",
            {on.ToIso(), on.ToIso()}, units,
            [&](const Statement& st) { out.points += st.GetInt(0); });
  }
  return out;
}

RatingCounts RatingCountsOn(Database& db, char level, const std::vector<int64_t>& units,
                            int association, Date on) {
  RatingCounts out;
  out.month = LatestRatedMonth(db, on);
  if (out.month.empty()) return out;
  if (level == kLevelNation || level == kLevelOffice) {
    // From the counts written with the ratings.
    const std::string sql =
        std::string(
            "SELECT class, groups, association_code FROM report_rating WHERE month = ? "
            "AND level = '") +
        (level == kLevelNation ? "n" : "o") + "' AND unit_id";
    QueryIn(db, sql, "", {out.month}, units, [&](const Statement& st) {
      if (association == 0 || st.GetInt(2) == association)
        out.by_class[st.GetText(0)] += st.GetInt(1);
    });
    return out;
  }
  // A point's (a commune's) and a group's: the groups rated there.
  QueryIn(db,
          std::string("SELECT class, association_code FROM group_rating WHERE month = ? AND ") +
              (level == kLevelPoint ? "point_id" : "group_id"),
          "", {out.month}, units, [&](const Statement& st) {
            if (association == 0 || st.GetInt(1) == association) ++out.by_class[st.GetText(0)];
          });
  return out;
}

namespace {

// A month's groups by class per unit and association, from its ratings:
// month, level, unit, association, class, groups.
constexpr const char* kRatingCounts =
    "SELECT r.month, 'n', 0, r.association_code, r.class, COUNT(*) FROM group_rating r "
    "WHERE r.month = ? GROUP BY r.month, r.association_code, r.class "
    "UNION ALL SELECT r.month, 'o', r.office_id, r.association_code, r.class, COUNT(*) FROM "
    "group_rating r WHERE r.month = ? AND r.office_id IS NOT NULL "
    "GROUP BY r.month, r.office_id, r.association_code, r.class";

}  // namespace

void WriteRatingCounts(Database& db, const std::string& month) {
  auto& del = db.Cached("DELETE FROM report_rating WHERE month = ?");
  del.BindText(1, month);
  del.Run();
  auto& st = db.Cached(
      std::string("INSERT INTO report_rating (month, level, unit_id, association_code, class, "
                  "groups) ") +
      kRatingCounts);
  st.BindText(1, month);
  st.BindText(2, month);
  st.Run();
}

std::vector<std::string> RatingCountProblems(Database& db) {
  std::vector<std::string> months;
  {
    auto st = db.Prepare(
        "SELECT month FROM group_rating UNION SELECT month FROM report_rating ORDER BY 1");
    while (st->Step()) months.push_back(st->GetText(0));
  }
  std::vector<std::string> out;
  for (const auto& month : months) {
    using Row = std::tuple<std::string, int64_t, int64_t, std::string, int64_t>;
    std::set<Row> want, have;
    auto a = db.Prepare(kRatingCounts);
    a->BindText(1, month);
    a->BindText(2, month);
    while (a->Step())
      want.insert({a->GetText(1), a->GetInt(2), a->GetInt(3), a->GetText(4), a->GetInt(5)});
    auto b = db.Prepare(
        "SELECT level, unit_id, association_code, class, groups FROM report_rating WHERE month = "
        "?");
    b->BindText(1, month);
    while (b->Step())
      have.insert({b->GetText(0), b->GetInt(1), b->GetInt(2), b->GetText(3), b->GetInt(4)});
    if (want != have) out.push_back("report_rating " + month);
  }
  return out;
}

std::optional<std::string> CommuneName(Database& db, const std::string& era,
                                       const std::string& code) {
  auto st = db.Prepare("SELECT full_name FROM admin_commune WHERE era = ? AND code = ?");
  st->BindText(1, era);
  st->BindText(2, code);
  if (!st->Step()) return std::nullopt;
  return st->GetText(0);
}

std::optional<std::string> UnitNameOn(Database& db, const std::string& table,
                                      const std::string& id_column, int64_t id, Date on) {
  TDCS_CHECK(table == "branch_version" || table == "office_version" ||
             table == "commune_point_version" || table == "savings_group_version");
  auto st = db.Prepare("SELECT name FROM " + table + " WHERE " + id_column +
                       " = ? AND valid_from <= ? ORDER BY valid_from DESC LIMIT 1");
  st->BindInt(1, id);
  st->BindText(2, on.ToIso());
  if (!st->Step()) return std::nullopt;
  return st->GetText(0);
}

std::vector<LoanToExport> LoansAppliedBy(Database& db, Date on) {
  auto st = db.Prepare(
      "SELECT l.id, l.code, COALESCE(g.code, ''), o.code, COALESCE(p.code, ''), "
      "l.association_code FROM loan l JOIN office o ON o.id = l.office_id "
      "LEFT JOIN savings_group g ON g.id = l.group_id "
      "LEFT JOIN commune_point p ON p.id = l.point_id WHERE l.applied_on <= ? ORDER BY l.code");
  st->BindText(1, on.ToIso());
  std::vector<LoanToExport> out;
  while (st->Step())
    out.push_back({st->GetInt(0), st->GetText(1), st->GetText(2), st->GetText(3), st->GetText(4),
                   static_cast<int>(st->GetInt(5))});
  return out;
}

std::map<std::string, int64_t> PlanTargets(Database& db, int year, char level,
                                           const std::vector<int64_t>& units) {
  std::map<std::string, int64_t> out;
  QueryIn(db,
          "SELECT program_code, target_dong FROM plan_target WHERE year = ? AND level = ? AND "
          "unit_id",
          "", {std::to_string(year), std::string(1, level)}, units,
          [&](const Statement& st) { out[st.GetText(0)] += st.GetInt(1); });
  return out;
}

void SetPlanTarget(Database& db, int year, char level, int64_t unit_id, const std::string& program,
                   int64_t target_dong, Date set_on) {
  auto& st = db.Cached(
      "INSERT INTO plan_target (year, level, unit_id, program_code, target_dong, set_on) VALUES "
      "(?, ?, ?, ?, ?, ?) ON CONFLICT (year, level, unit_id, program_code) DO UPDATE SET "
      "target_dong = excluded.target_dong, set_on = excluded.set_on");
  st.BindInt(1, year);
  st.BindText(2, std::string(1, level));
  st.BindInt(3, unit_id);
  st.BindText(4, program);
  st.BindInt(5, target_dong);
  st.BindText(6, set_on.ToIso());
  st.Run();
}

std::vector<int64_t> BranchesOn(Database& db, Date on) {
  auto st = db.Prepare(
      "SELECT branch_id FROM branch_version WHERE valid_from <= ? AND (valid_to IS NULL OR "
      "valid_to > ?) ORDER BY branch_id");
  st->BindText(1, on.ToIso());
  st->BindText(2, on.ToIso());
  std::vector<int64_t> out;
  while (st->Step()) out.push_back(st->GetInt(0));
  return out;
}

std::string LatestRatedMonth(Database& db, Date on) {
  char month[8];
  std::snprintf(month, sizeof month, "%04d-%02d", on.year(), on.month());
  auto latest = db.Prepare("SELECT MAX(month) FROM group_rating WHERE month <= ?");
  latest->BindText(1, month);
  if (!latest->Step() || latest->IsNull(0)) return {};
  return latest->GetText(0);
}

std::map<int64_t, std::pair<std::string, std::string>> GroupNames(Database& db,
                                                                  const std::vector<int64_t>& ids,
                                                                  Date on) {
  std::map<int64_t, std::pair<std::string, std::string>> out;
  // The versions in force on `on` first, then the latest of the rest.
  QueryIn(db,
          "SELECT g.id, g.code, v.name, CASE WHEN v.valid_from <= ? AND (v.valid_to IS NULL OR "
          "v.valid_to > ?) THEN 0 ELSE 1 END, v.valid_from FROM savings_group g JOIN "
          "savings_group_version v ON v.group_id = g.id WHERE g.id",
          " ORDER BY 4 DESC, 5", {on.ToIso(), on.ToIso()}, ids, [&](const Statement& st) {
            out[st.GetInt(0)] = {st.GetText(1), st.GetText(2)};
          });
  return out;
}

ReportModel ReadModel(Database& db) {
  ReportModel out;
  auto st = db.Prepare(
      "SELECT k.level, k.unit_id, k.association_code, k.program_code, k.fund_source, k.measure, "
      "d.day, d.value FROM report_key k JOIN report_day d ON d.key = k.key");
  while (st->Step()) {
    SeriesKey key{st->GetText(0).empty() ? kLevelNation : st->GetText(0)[0],
                  st->GetInt(1),
                  static_cast<int>(st->GetInt(2)),
                  st->GetText(3),
                  static_cast<int>(st->GetInt(4)),
                  st->GetText(5)};
    out.series[key][*Date::Parse(st->GetText(6))] = st->GetInt(7);
  }
  auto h = db.Prepare("SELECT key, loans_owing FROM report_household WHERE loans_owing <> 0");
  while (h->Step()) out.households[h->GetText(0)] = h->GetInt(1);
  return out;
}

namespace {

// Every loan entry, in the journal's order, through the writer's own
// arithmetic, in memory: the model's values by day (running sums) and the
// households' counts.
ReportModel Replay(Database& db) {
  struct Loan {
    reports::LoanPlace place;
    reports::LoanPosition position;
  };
  std::unordered_map<int64_t, Loan> loans;
  {
    auto st = db.Prepare(
        "SELECT id, COALESCE(group_id, 0), COALESCE(point_id, 0), association_code, "
        "program_code, fund_source, term_months, approved_borrower_id, office_id FROM loan");
    while (st->Step()) {
      Loan l;
      l.place.group_id = st->GetInt(1);
      l.place.point_id = st->GetInt(2);
      l.place.association = static_cast<int>(st->GetInt(3));
      l.place.program = st->GetText(4);
      l.place.fund_source = static_cast<int>(st->GetInt(5));
      l.place.term_months = static_cast<int>(st->GetInt(6));
      l.position.borrower_id = st->GetInt(7);
      l.place.office_id = st->GetInt(8);
      l.place.loan_id = st->GetInt(0);
      loans.emplace(st->GetInt(0), std::move(l));
    }
  }
  std::map<int64_t, std::map<std::string, int>> outcomes;
  {
    auto st = db.Prepare("SELECT loan_id, kind, count FROM loan_outcome");
    while (st->Step()) outcomes[st->GetInt(0)][st->GetText(1)] = static_cast<int>(st->GetInt(2));
  }
  ReportWriter writer(db);
  writer.UseOutcomes(&outcomes, true);
  ReportModel out;
  auto apply = [&](int64_t loan_id, ledger::Entry& entry) {
    auto it = loans.find(loan_id);
    if (it == loans.end() || entry.postings.empty()) return;
    const reports::LoanPlace& place = it->second.place;
    writer.Add(place, entry.date, reports::LoanEntryEffect(place, it->second.position, entry));
    writer.CountHouseholdsIn(out.households);
  };
  // Entries older than the chain (sealed into it when the database is
  // initialised) first, by id.
  auto st = db.Prepare(
      "SELECT e.id, e.entry_date, e.kind, e.loan_id, COALESCE(r.kind, ''), p.account_code, "
      "p.office_id, p.borrower_id, p.amount_dong FROM journal_entry e "
      "JOIN posting p ON p.entry_id = e.id "
      "LEFT JOIN loan_txn t ON t.id = e.txn_id LEFT JOIN loan_txn r ON r.id = t.reverses "
      "WHERE e.loan_id IS NOT NULL AND e.loan_id <> 0 ORDER BY COALESCE(e.chain_seq, 0), e.id");
  int64_t current = 0, current_loan = 0;
  ledger::Entry entry;
  while (st->Step()) {
    const int64_t id = st->GetInt(0);
    if (id != current) {
      apply(current_loan, entry);
      entry = ledger::Entry{};
      entry.date = *Date::Parse(st->GetText(1));
      entry.kind = st->GetText(2);
      entry.undoes = st->GetText(4);
      current = id;
      current_loan = st->GetInt(3);
    }
    ledger::Posting p;
    p.account = st->GetText(5);
    p.office_id = st->GetInt(6);
    p.borrower_id = st->GetInt(7);
    p.amount = Money::Dong(st->GetInt(8));
    entry.postings.push_back(std::move(p));
  }
  apply(current_loan, entry);
  for (const auto& [at, delta] : writer.TakeChanges()) out.series[at.first][at.second] += delta;
  Cumulate(out.series);
  for (auto it = out.households.begin(); it != out.households.end();)
    it = it->second == 0 ? out.households.erase(it) : std::next(it);
  return out;
}

}  // namespace

ReportModel ComputeModel(Database& db) {
  ReportModel out = Replay(db);
  out.series.merge(NetworkSeries(db));
  return out;
}

void RebuildReportModel(Database& db) {
  TDCS_CHECK(db.InTransaction());
  LockChainHead(db);  // as every writer of the model: one at a time
  const ReportModel model = ComputeModel(db);
  db.ExecScript("DELETE FROM report_day; DELETE FROM report_key; DELETE FROM report_household");
  InsertSeries(db, model.series);
  for (const auto& [key, owing] : model.households) {
    auto& h = db.Cached("INSERT INTO report_household (key, loans_owing) VALUES (?, ?)");
    h.BindText(1, key);
    h.BindInt(2, owing);
    h.Run();
  }
}

}  // namespace tdcs::store
