#include "app/entrusted_work.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <tuple>

#include "app/access.h"
#include "app/internal/access.h"
#include "app/internal/audit.h"
#include "app/internal/scope.h"
#include "entrusted/fees.h"
#include "entrusted/rating.h"
#include "ledger/ledger.h"
#include "loans/session_calendar.h"
#include "store/admin_units.h"
#include "store/calendar_store.h"
#include "store/fee_store.h"
#include "store/loan_store.h"
#include "store/network_store.h"
#include "store/program_store.h"

namespace tdcs::app {

#define TDCS_ENTRUSTED_REJECTIONS(X)     \
  X(kMonthNotOver, "MONTH_NOT_OVER")     \
  X(kFeesAlreadyRun, "FEES_ALREADY_RUN") \
  X(kGroupUnknown, "GROUP_UNKNOWN")      \
  X(kUnitUnknown, "UNIT_UNKNOWN")
TDCS_DEFINE_REJECTIONS(EntrustedRejection, TDCS_ENTRUSTED_REJECTIONS)
#undef TDCS_ENTRUSTED_REJECTIONS

namespace {

using entrusted::Criterion;

Date FirstOf(Month m) { return *Date::FromCivil(m.year, m.month, 1); }
Date LastOf(Month m) { return FirstOf(m).AddMonths(1).AddDays(-1); }

// The month must be behind the business date: its last day closed.
std::optional<Error> CheckMonthOver(store::Database& db, Month m, const char* what_vi,
                                    const char* what_en) {
  const auto today = store::LoanStore(db).BusinessDate();
  if (today && *today > LastOf(m)) return std::nullopt;
  const std::string key = loans::MonthKey(m.year, m.month);
  return MakeError(EntrustedRejection::kMonthNotOver, "month",
                   std::string(what_vi) + " tháng " + std::to_string(m.month) + "/" +
                       std::to_string(m.year) + " khi tháng đã qua (ngày làm việc: " +
                       (today ? today->ToVietnamese() : std::string("chưa có")) + ")",
                   std::string(what_en) + " of " + key +
                       " once the month is over (business date: " +
                       (today ? today->ToIso() : std::string("not set")) + ")");
}

// What a group did in the month and each criterion's figure.
struct Figures {
  store::GroupMonth g;
  Date session;  // the month's session at the group's point, as moved
  int64_t bp[6] = {0, 0, 0, 0, 0, 0};
};

// A month's session (as moved) still ahead of or on the business date: the
// month is not over for its point.
std::optional<Error> CheckSessionsHeld(store::Database& db, Month m,
                                       const std::vector<Figures>& figures) {
  const auto today = store::LoanStore(db).BusinessDate();
  for (const auto& f : figures)
    if (today && f.session >= *today) {
      const auto code = store::GroupCodes(db, {f.g.group_id}).at(f.g.group_id);
      return MakeError(EntrustedRejection::kMonthNotOver, "month",
                       "Phiên tháng " + std::to_string(m.month) + "/" + std::to_string(m.year) +
                           " của tổ " + code + " họp ngày " + f.session.ToVietnamese() +
                           ", chưa qua",
                       "The " + loans::MonthKey(m.year, m.month) + " session of group " + code +
                           " is on " + f.session.ToIso() + ", not over yet");
    }
  return std::nullopt;
}

std::vector<Figures> ComputeFigures(store::Database& db, Month m) {
  const Date first = FirstOf(m), last = LastOf(m);
  auto months = store::ReadGroupMonths(db, first, last);
  std::vector<int64_t> points;
  for (const auto& g : months) points.push_back(g.point_id);
  auto moves = store::SessionMovesOf(db, points);
  std::map<int64_t, Date> session_of;
  std::vector<Figures> out;
  out.reserve(months.size());
  for (auto& g : months) {
    auto it = session_of.find(g.point_id);
    if (it == session_of.end()) {
      loans::SessionMoves point_moves;
      for (const auto& row : moves[g.point_id]) point_moves.push_back(row.move);
      it = session_of
               .emplace(g.point_id,
                        loans::SessionDateIn(m.year, m.month, g.session_day, point_moves))
               .first;
    }
    Figures f;
    f.session = it->second;
    // The month's transactions, and its session's when moved out of it.
    int64_t all = 0, at_session = 0;
    for (const auto& [day, count] : g.transactions) {
      if (day == it->second)
        at_session += count;
      else if (day < first || day > last)
        continue;
      all += count;
    }
    using entrusted::ShareBp;
    f.bp[0] = ShareBp(at_session, all, 0);
    f.bp[1] = ShareBp(g.overdue.dong(), g.outstanding.dong(), 0);
    // Nothing due at the session: nothing to fall short of. A group with
    // principal out that posted no session has collected nothing of it.
    const int64_t none = g.posted_at_session || g.outstanding.IsZero() ? 10'000 : 0;
    f.bp[2] = ShareBp(g.principal_paid.dong(), g.principal_due.dong(), none);
    f.bp[3] = ShareBp(g.interest_paid.dong(), g.interest_due.dong(), none);
    f.bp[4] = ShareBp(g.savers, g.members, 0);
    f.bp[5] = entrusted::GrowthBp(g.savings_before.dong(), g.savings_end.dong());
    f.g = std::move(g);
    out.push_back(std::move(f));
  }
  return out;
}

// A dated setting in force on `on`; its default is in migration 0017.
std::string Setting(store::Database& db, const std::string& name, Date on) {
  return store::SettingOn(db, name, on).value_or("");
}

Result<int64_t> PercentSettingBp(store::Database& db, const std::string& name, Date on) {
  const std::string text = Setting(db, name, on);
  auto rate = Rate::ParsePercent(text);
  if (!rate || rate->per_month_millionths() % 100 != 0 || rate->per_month_millionths() > 1'000'000)
    return MakeError(
        entrusted::EntrustedSettingRejection::kSettingInvalid, name,
        "Thiết lập " + name + " = '" + text +
            "' không hợp lệ (phần trăm 0–100, tối đa 2 chữ số thập phân)",
        "Setting " + name + " = '" + text + "' is invalid (a percent 0–100, at most 2 decimals)");
  return rate->per_month_millionths() / 100;
}

Result<entrusted::QualityRule> ReadRule(store::Database& db, const std::string& kind, Date on) {
  entrusted::QualityRule rule;
  std::pair<const char*, int64_t*> fields[] = {
      {".rate_percent", &rule.rate_bp},
      {".full.overdue_max_percent", &rule.full_overdue_max_bp},
      {".full.collection_min_percent", &rule.full_collection_min_bp},
      {".paid.overdue_max_percent", &rule.paid_overdue_max_bp},
      {".paid.collection_min_percent", &rule.paid_collection_min_bp}};
  for (auto [suffix, target] : fields) {
    auto v = PercentSettingBp(db, kind + suffix, on);
    if (!v.ok()) return v.error();
    *target = v.value();
  }
  auto reduced = PercentSettingBp(db, kind + ".reduced_share_percent", on);
  if (!reduced.ok()) return reduced.error();
  if (reduced.value() % 100 != 0)
    return MakeError(entrusted::EntrustedSettingRejection::kSettingInvalid,
                     kind + ".reduced_share_percent", "Phải là số phần trăm nguyên",
                     "Must be a whole percent");
  rule.reduced_share_percent = static_cast<int>(reduced.value() / 100);
  return rule;
}

Result<entrusted::LevelShares> ReadShares(store::Database& db, Date on) {
  entrusted::LevelShares s;
  std::pair<const char*, int*> fields[] = {{"central", &s.central},
                                           {"province", &s.province},
                                           {"district", &s.district},
                                           {"commune", &s.commune}};
  for (auto [level, target] : fields) {
    const std::string name = std::string("fee.share.") + level + "_percent";
    auto v = PercentSettingBp(db, name, on);
    if (!v.ok()) return v.error();
    if (v.value() % 100 != 0)
      return MakeError(entrusted::EntrustedSettingRejection::kSettingInvalid, name,
                       "Phải là số phần trăm nguyên", "Must be a whole percent");
    *target = static_cast<int>(v.value() / 100);
  }
  return s;
}

void Count(ClassCounts& counts, entrusted::RatingClass c) {
  switch (c) {
    case entrusted::RatingClass::kGood:
      ++counts.good;
      break;
    case entrusted::RatingClass::kFair:
      ++counts.fair;
      break;
    case entrusted::RatingClass::kAverage:
      ++counts.average;
      break;
    case entrusted::RatingClass::kWeak:
      ++counts.weak;
      break;
  }
}

}  // namespace

std::string PercentVietnamese(int64_t bp) { return entrusted::PercentVi(bp); }

std::string PercentPlain(int64_t bp) {
  const int64_t a = bp < 0 ? -bp : bp;
  char text[32];
  std::snprintf(text, sizeof text, "%s%lld.%02lld", bp < 0 ? "-" : "",
                static_cast<long long>(a / 100), static_cast<long long>(a % 100));
  return text;
}

std::string ShareVietnamese(int64_t n, int64_t of) {
  return entrusted::PercentVi(entrusted::ShareBp(n, of, 0));
}

Result<RatingSummary> RateGroups(Connection& connection, const Context& context, Month month) {
  // Month-end work over the whole bank.
  if (auto denied = Require(context.actor, Permission::kOperate); !denied.ok())
    return denied.error();
  store::Database& db = Db(connection);
  if (auto e = CheckMonthOver(db, month, "Chỉ chấm điểm tổ", "Groups are rated")) return *e;
  const Date last = LastOf(month);
  std::vector<entrusted::Mapping> mappings;
  for (Criterion c : entrusted::kAllCriteria) {
    auto m =
        entrusted::ParseMapping(c, Setting(db, "rating." + std::string(entrusted::Key(c)), last));
    if (!m.ok()) return m.error();
    mappings.push_back(std::move(m.value()));
  }
  auto classes = entrusted::ParseClassSteps(Setting(db, "rating.classes", last));
  if (!classes.ok()) return classes.error();
  RatingSummary summary;
  summary.month = month;
  store::Transaction tx(db);
  // One rating of a month at a time (it replaces the month's rows).
  db.LockKey("rating:" + loans::MonthKey(month.year, month.month));
  const auto figures = ComputeFigures(db, month);
  if (auto e = CheckSessionsHeld(db, month, figures)) return *e;
  std::vector<store::GroupRatingRow> rows;
  std::map<std::pair<std::string, std::string>, std::pair<int64_t, int64_t>> communes;  // sum, n
  std::map<std::tuple<int, std::string, std::string>, std::pair<int64_t, int64_t>> units;
  for (const auto& f : figures) {
    store::GroupRatingRow row;
    GroupRating out;
    row.group_id = f.g.group_id;
    row.point_id = f.g.point_id;
    row.association_code = f.g.association_code;
    row.commune_era = f.g.commune_era;
    row.commune_code = f.g.commune_code;
    for (size_t i = 0; i < 6; ++i) {
      row.figure_bp[i] = out.figure_bp[i] = f.bp[i];
      row.points[i] = out.points[i] = entrusted::PointsFor(mappings[i], f.bp[i]);
      // No savings at all: nothing has grown.
      if (entrusted::kAllCriteria[i] == Criterion::kSavingsGrowth && f.g.savings_end.IsZero() &&
          f.g.savings_before.IsZero())
        row.points[i] = out.points[i] = 0;
      row.total += row.points[i];
    }
    const auto klass = entrusted::ClassOf(classes.value(), row.total);
    row.class_key = entrusted::ClassKey(klass);
    Count(summary.group_classes, klass);
    out.group_code = f.g.group_code;
    out.commune_code = f.g.commune_code;
    out.association_code = f.g.association_code;
    out.total = row.total;
    out.class_key = row.class_key;
    auto& c = communes[{f.g.commune_era, f.g.commune_code}];
    c.first += row.total;
    ++c.second;
    auto& u = units[{f.g.association_code, f.g.commune_era, f.g.commune_code}];
    u.first += row.total;
    ++u.second;
    summary.groups.push_back(std::move(out));
    rows.push_back(std::move(row));
  }
  for (const auto& [key, sum] : communes)
    Count(summary.commune_classes,
          entrusted::ClassOf(classes.value(),
                             static_cast<int>(DivideRoundHalfUp(sum.first, sum.second))));
  for (const auto& [key, sum] : units)
    Count(summary.unit_classes,
          entrusted::ClassOf(classes.value(),
                             static_cast<int>(DivideRoundHalfUp(sum.first, sum.second))));
  store::ReplaceGroupRatings(db, loans::MonthKey(month.year, month.month),
                             *store::LoanStore(db).BusinessDate(), rows);
  RecordAudit(db, context, "ratings.rate", "month:" + loans::MonthKey(month.year, month.month), {},
              AuditState()
                  .Add("groups", static_cast<int64_t>(rows.size()))
                  .Add("good", summary.group_classes.good)
                  .Add("fair", summary.group_classes.fair)
                  .Add("average", summary.group_classes.average)
                  .Add("weak", summary.group_classes.weak));
  tx.Commit();
  std::sort(summary.groups.begin(), summary.groups.end(),
            [](const GroupRating& a, const GroupRating& b) { return a.group_code < b.group_code; });
  return summary;
}

Result<FeeSummary> RunFees(Connection& connection, const Context& context, Month month) {
  if (auto denied = Require(context.actor, Permission::kOperate); !denied.ok())
    return denied.error();
  store::Database& db = Db(connection);
  if (auto e = CheckMonthOver(db, month, "Chỉ tính hoa hồng và phí ủy thác",
                              "Commission and fees are computed"))
    return *e;
  const Date last = LastOf(month);
  const std::string key = loans::MonthKey(month.year, month.month);
  auto commission_rule = ReadRule(db, "commission", last);
  if (!commission_rule.ok()) return commission_rule.error();
  auto fee_rule = ReadRule(db, "fee", last);
  if (!fee_rule.ok()) return fee_rule.error();
  auto shares = ReadShares(db, last);
  if (!shares.ok()) return shares.error();
  const Date reform = store::ReadAdminIndex(db).reform_date;
  FeeSummary summary;
  summary.month = month;
  store::Transaction tx(db);
  // One run at a time: a second one waits, then finds the first's.
  db.LockKey("fees:" + key);
  if (store::FeeRunExists(db, key))
    return MakeError(EntrustedRejection::kFeesAlreadyRun, "month",
                     "Hoa hồng và phí ủy thác tháng " + std::to_string(month.month) + "/" +
                         std::to_string(month.year) + " đã được tính và hạch toán",
                     "Commission and fees of " + key + " are computed and posted already");
  const Date today = *store::LoanStore(db).BusinessDate();
  std::vector<store::FeeLineRow> lines;
  std::map<int64_t, std::pair<Money, Money>> by_office;  // commission, fee
  const auto figures = ComputeFigures(db, month);
  if (auto e = CheckSessionsHeld(db, month, figures)) return *e;
  for (const auto& f : figures) {
    const auto& g = f.g;
    // The structure in force at the month's end: no district level from the
    // reform on.
    const bool district = last < reform;
    if (auto e = entrusted::CheckShares(shares.value(), district, last.ToVietnamese())) return *e;
    const int64_t overdue_bp = f.bp[1], collection_bp = f.bp[3];
    const auto commission =
        entrusted::Assess(commission_rule.value(), g.interest_collected, overdue_bp, collection_bp);
    const auto fee =
        entrusted::Assess(fee_rule.value(), g.interest_collected, overdue_bp, collection_bp);
    store::FeeLineRow base;
    base.month = key;
    base.group_id = g.group_id;
    base.association_code = g.association_code;
    base.office_id = g.office_id;
    base.point_id = g.point_id;
    base.interest_collected_dong = g.interest_collected.dong();
    base.overdue_ratio_bp = overdue_bp;
    base.collection_ratio_bp = collection_bp;
    store::FeeLineRow c = base;
    c.kind = "commission";
    c.area_era = g.commune_era;
    c.area_code = g.commune_code;
    c.rate_bp = commission_rule.value().rate_bp;
    c.quality = entrusted::QualityKey(commission.quality);
    c.percent = commission.percent;
    c.amount_dong = commission.amount.dong();
    lines.push_back(c);
    for (const auto& part : entrusted::SplitFee(fee.amount, shares.value(), district)) {
      store::FeeLineRow l = base;
      l.kind = "fee";
      l.level = entrusted::LevelKey(part.level);
      switch (part.level) {
        case entrusted::Level::kCentral:
          break;
        case entrusted::Level::kProvince:
          l.area_era = g.commune_era;
          l.area_code = g.province_code;
          break;
        case entrusted::Level::kDistrict:
          l.area_era = g.commune_era;
          l.area_code = g.district_code;
          break;
        case entrusted::Level::kCommune:
          l.area_era = g.commune_era;
          l.area_code = g.commune_code;
          break;
      }
      l.rate_bp = fee_rule.value().rate_bp;
      l.quality = entrusted::QualityKey(fee.quality);
      l.percent = fee.percent;
      l.amount_dong = part.amount.dong();
      summary.by_level[static_cast<int>(part.level)] += part.amount;
      lines.push_back(std::move(l));
    }
    ++summary.groups;
    switch (commission.quality) {
      case entrusted::Quality::kFull:
        ++summary.full;
        break;
      case entrusted::Quality::kReduced:
        ++summary.reduced;
        break;
      case entrusted::Quality::kWithheld:
        ++summary.withheld;
        break;
    }
    summary.interest_collected += g.interest_collected;
    summary.commission += commission.amount;
    summary.fees += fee.amount;
    by_office[g.office_id].first += commission.amount;
    by_office[g.office_id].second += fee.amount;
  }
  store::LoanStore store(db);
  for (const auto& [office, amounts] : by_office) {
    ledger::Posting dims;
    dims.office_id = office;
    std::vector<ledger::Posting> postings;
    ledger::AddTransfer(postings, dims, ledger::account::kCommissionExpense,
                        ledger::account::kCommissionPayable, amounts.first);
    store.PostEntry(ledger::BuildEntry(today, "commission", std::move(postings)), 0, 0);
    postings.clear();
    ledger::AddTransfer(postings, dims, ledger::account::kFeeExpense, ledger::account::kFeePayable,
                        amounts.second);
    store.PostEntry(ledger::BuildEntry(today, "entrustment_fee", std::move(postings)), 0, 0);
  }
  store::RecordFeeRun(db, key, today, context.actor.login, summary.commission.dong(),
                      summary.fees.dong(), lines);
  RecordAudit(db, context, "fees.run", "month:" + key, {},
              AuditState()
                  .Add("groups", summary.groups)
                  .Add("interest_collected_dong", summary.interest_collected.dong())
                  .Add("commission_dong", summary.commission.dong())
                  .Add("fees_dong", summary.fees.dong()));
  tx.Commit();
  return summary;
}

Result<std::vector<FeeLine>> FeeStatement(Connection& connection, const Context& context,
                                          const FeeStatementRequest& r) {
  if (auto denied = Require(context.actor, Permission::kReport); !denied.ok())
    return denied.error();
  store::Database& db = Db(connection);
  store::ReadTransaction tx(db);
  // The lines of groups in the actor's area (RULES §14.2), where the group
  // is on the business date; an association unit's statement shows those.
  ScopeCheck check(db, context.actor);
  const Date on = ScopeDate(db, LastOf(r.month));
  const auto holds = [&](int64_t group) { return check.Group(group, on); };
  std::optional<int64_t> group_id;
  if (!r.group_code.empty()) {
    auto unit = store::NetworkStore(db).FindUnit("savings_group", r.group_code);
    if (!unit || !holds(unit->id))
      return MakeError(EntrustedRejection::kGroupUnknown, "group",
                       "Tổ '" + r.group_code + "' không tồn tại",
                       "Group '" + r.group_code + "' does not exist");
    group_id = unit->id;
  }
  const auto rows = store::ReadFeeLines(db, loans::MonthKey(r.month.year, r.month.month));
  std::vector<int64_t> ids;
  for (const auto& l : rows) ids.push_back(l.group_id);
  const auto codes = store::GroupCodes(db, ids);
  std::vector<FeeLine> out;
  bool unit_found = group_id.has_value();
  for (const auto& l : rows) {
    if (group_id && l.group_id != *group_id) continue;
    if (!group_id) {
      if (l.kind != "fee" || l.association_code != r.association || l.level != r.level ||
          l.area_code != r.area_code || !holds(l.group_id))
        continue;
      unit_found = true;
    }
    FeeLine f;
    f.group_code = codes.at(l.group_id);
    f.kind = l.kind;
    f.level = l.level;
    f.association_code = l.association_code;
    f.area_code = l.area_code;
    f.interest_collected = Money::Dong(l.interest_collected_dong);
    f.rate_bp = l.rate_bp;
    f.overdue_ratio_bp = l.overdue_ratio_bp;
    f.collection_ratio_bp = l.collection_ratio_bp;
    f.quality = l.quality;
    f.percent = static_cast<int>(l.percent);
    f.amount = Money::Dong(l.amount_dong);
    f.paid_on = l.paid_on;
    out.push_back(std::move(f));
  }
  if (!unit_found && (!rows.empty() || !check.national()))
    return MakeError(EntrustedRejection::kUnitUnknown, "unit",
                     "Không có đơn vị hội " + std::to_string(r.association) + " cấp " + r.level +
                         " địa bàn '" + r.area_code + "' trong tháng này",
                     "No association unit " + std::to_string(r.association) + " at level " +
                         r.level + " area '" + r.area_code + "' this month");
  return out;
}

}  // namespace tdcs::app
