#include "store/fee_store.h"

#include "store/partition.h"
#include "store/report_store.h"

namespace tdcs::store {

namespace {

// "a row valid on ?": [valid_from, valid_to).
std::string ValidOn(const std::string& alias) {
  return alias + ".valid_from <= ? AND (" + alias + ".valid_to IS NULL OR " + alias +
         ".valid_to > ?)";
}

int64_t IntOr0(const Statement& st, int column) {
  return st.IsNull(column) ? 0 : st.GetInt(column);
}

}  // namespace

std::optional<SessionRecord> ReadSession(Database& db, int64_t point_id, Date date) {
  auto& st = db.Cached(
      "SELECT status, opened_on, opened_by, expected_dong, counted_dong, difference_reason, "
      "closed_on, closed_by FROM commune_session WHERE point_id = ? AND session_date = ?");
  st.BindInt(1, point_id);
  st.BindText(2, date.ToIso());
  std::optional<SessionRecord> out;
  if (st.Step()) {
    SessionRecord r;
    r.status = st.GetText(0);
    r.opened_on = *Date::Parse(st.GetText(1));
    r.opened_by = st.GetText(2);
    if (!st.IsNull(3)) r.expected_dong = st.GetInt(3);
    if (!st.IsNull(4)) r.counted_dong = st.GetInt(4);
    r.difference_reason = st.IsNull(5) ? "" : st.GetText(5);
    if (!st.IsNull(6)) r.closed_on = Date::Parse(st.GetText(6));
    r.closed_by = st.IsNull(7) ? "" : st.GetText(7);
    out = std::move(r);
  }
  st.Reset();
  return out;
}

void CloseSession(Database& db, int64_t point_id, Date date, int64_t expected, int64_t counted,
                  const std::string& reason, Date on, const std::string& by) {
  auto& st = db.Cached(
      "UPDATE commune_session SET status = 'closed', expected_dong = ?, counted_dong = ?, "
      "difference_reason = ?, closed_on = ?, closed_by = ? WHERE point_id = ? AND "
      "session_date = ?");
  st.BindInt(1, expected);
  st.BindInt(2, counted);
  st.BindText(3, reason);
  st.BindText(4, on.ToIso());
  st.BindText(5, by);
  st.BindInt(6, point_id);
  st.BindText(7, date.ToIso());
  st.Run();
}

SessionCash SessionCashOf(Database& db, int64_t point_id, Date date) {
  const std::string day = date.ToIso();
  // Read once in a transaction while nothing is written (the expected cash
  // shown, then the closing's check of the count against it).
  struct Read {
    int64_t rows_changed = 0;
    SessionCash cash;
  };
  const std::string memo = "session-cash:" + std::to_string(point_id) + ":" + day;
  const std::optional<int64_t> rows_changed = db.RowsChanged();
  if (rows_changed)
    if (auto read = std::static_pointer_cast<const Read>(db.Memo(memo));
        read && read->rows_changed == *rows_changed)
      return read->cash;
  SessionCash cash;
  auto add = [&](Statement& st) {
    while (st.Step()) {
      const int64_t v = IntOr0(st, 0);
      if (v > 0)
        cash.customers_in += Money::Dong(v);
      else
        cash.customers_out += Money::Dong(-v);
    }
    st.Reset();
  };
  // Each entry's cash, so that money in and money out are told apart; the
  // point's loans and members lead, not the day's journal (a month's first
  // day carries every savings account's interest).
  auto& loans = db.Cached(
      "SELECT SUM(p.amount_dong) FROM posting p WHERE p.account_code = 'CASH_POINT' AND "
      "p.loan_id <> 0 AND p.entry_id IN (SELECT t.entry_id FROM loan l JOIN loan_txn t ON "
      "t.loan_id = l.id WHERE l.point_id = ? AND t.txn_date = ? AND t.entry_id IS NOT NULL) "
      "GROUP BY p.entry_id");
  loans.BindInt(1, point_id);
  loans.BindText(2, day);
  add(loans);
  auto& savings = db.Cached(
      "SELECT SUM(p.amount_dong) FROM posting p WHERE p.account_code = 'CASH_POINT' AND "
      // "+": not by the index on loan_id, which would read every savings
      // posting of the bank; by the entries of the point's members.
      "+p.loan_id = 0 AND p.entry_id IN (SELECT t.entry_id FROM savings_group_version g "
      "JOIN membership m ON m.group_id = g.group_id AND " +
      ValidOn("m") +
      " JOIN savings_account a ON a.borrower_id = m.borrower_id JOIN savings_txn t ON "
      "t.account_id = a.id WHERE g.point_id = ? AND " +
      ValidOn("g") + " AND t.txn_date = ? AND t.entry_id IS NOT NULL) GROUP BY p.entry_id");
  savings.BindText(1, day);
  savings.BindText(2, day);
  savings.BindInt(3, point_id);
  savings.BindText(4, day);
  savings.BindText(5, day);
  savings.BindText(6, day);
  add(savings);
  auto& fees = db.Cached(
      "SELECT COALESCE(SUM(amount_dong), 0) FROM fee_line WHERE point_id = ? AND paid_on = ? "
      "AND paid_point_id = point_id");
  fees.BindInt(1, point_id);
  fees.BindText(2, day);
  if (fees.Step()) cash.fees_paid = Money::Dong(fees.GetInt(0));
  fees.Reset();
  if (rows_changed) db.SetMemo(memo, std::make_shared<const Read>(Read{*rows_changed, cash}));
  return cash;
}

std::vector<GroupMonth> ReadGroupMonths(Database& db, Date first, Date last) {
  const std::string end = last.ToIso(), start = first.ToIso();
  const std::string before = first.AddDays(-1).ToIso();
  std::vector<GroupMonth> out;
  std::map<int64_t, size_t> at;
  {
    auto st = db.Prepare(
        "SELECT g.group_id, sg.code, g.point_id, pv.office_id, pv.session_day, "
        "g.association_code, g.commune_era, g.commune_code, ac.district_code, "
        "ac.province_code FROM savings_group_version g "
        "JOIN savings_group sg ON sg.id = g.group_id "
        "JOIN commune_point_version pv ON pv.point_id = g.point_id AND " +
        ValidOn("pv") +
        " LEFT JOIN admin_commune ac ON ac.era = g.commune_era AND ac.code = g.commune_code "
        "WHERE " +
        ValidOn("g") + " ORDER BY g.group_id");
    for (int i = 1; i <= 4; ++i) st->BindText(i, end);
    while (st->Step()) {
      GroupMonth g;
      g.group_id = st->GetInt(0);
      g.group_code = st->GetText(1);
      g.point_id = st->GetInt(2);
      g.office_id = st->GetInt(3);
      g.session_day = static_cast<int>(st->GetInt(4));
      g.association_code = static_cast<int>(st->GetInt(5));
      g.commune_era = st->GetText(6);
      g.commune_code = st->GetText(7);
      g.district_code = st->IsNull(8) ? "" : st->GetText(8);
      g.province_code = st->IsNull(9) ? "" : st->GetText(9);
      at[g.group_id] = out.size();
      out.push_back(std::move(g));
    }
  }
  auto group = [&](int64_t id) -> GroupMonth* {
    auto it = at.find(id);
    return it == at.end() ? nullptr : &out[it->second];
  };
  {
    // Members at the month's end, their savings then and a month before:
    // today's balance less what moved after each date.
    auto st = db.Prepare(
        "SELECT m.group_id, COALESCE(s.balance_dong, 0) + COALESCE(a.after_end, 0), "
        "COALESCE(s.balance_dong, 0) + COALESCE(a.after_before, 0) FROM membership m "
        "LEFT JOIN savings_account s ON s.borrower_id = m.borrower_id "
        "LEFT JOIN (SELECT p.borrower_id, SUM(CASE WHEN e.entry_date > ? THEN p.amount_dong "
        "ELSE 0 END) AS after_end, SUM(p.amount_dong) AS after_before FROM journal_entry e "
        "JOIN posting p ON p.entry_id = e.id WHERE e.entry_date > ? AND p.account_code = "
        "'MEMBER_SAVINGS' GROUP BY p.borrower_id) a ON a.borrower_id = m.borrower_id WHERE " +
        ValidOn("m"));
    st->BindText(1, end);
    st->BindText(2, before);
    st->BindText(3, end);
    st->BindText(4, end);
    while (st->Step()) {
      GroupMonth* g = group(st->GetInt(0));
      if (!g) continue;
      const int64_t at_end = st->GetInt(1), at_before = st->GetInt(2);
      ++g->members;
      if (at_end > 0) ++g->savers;
      g->savings_end += Money::Dong(at_end);
      g->savings_before += Money::Dong(at_before);
    }
  }
  {
    // Principal at the month's end: each loan's today, less what its
    // postings moved after.
    auto st = db.Prepare(
        "SELECT m.group_id, SUM(l.normal_dong + l.overdue_dong + l.frozen_dong - "
        "COALESCE(a.all_after, 0)), SUM(l.overdue_dong - COALESCE(a.overdue_after, 0)) "
        "FROM loan l JOIN membership m ON m.borrower_id = l.borrower_id AND " +
        ValidOn("m") +
        " LEFT JOIN (SELECT p.loan_id, SUM(p.amount_dong) AS all_after, SUM(CASE WHEN "
        "p.account_code = 'LOAN_OVERDUE' THEN p.amount_dong ELSE 0 END) AS overdue_after "
        "FROM journal_entry e JOIN posting p ON p.entry_id = e.id WHERE e.entry_date > ? AND "
        "p.loan_id <> 0 AND p.account_code IN ('LOAN_NORMAL', 'LOAN_OVERDUE', 'LOAN_FROZEN') "
        "GROUP BY p.loan_id) a ON a.loan_id = l.id WHERE l.disbursed_on IS NOT NULL "
        "GROUP BY m.group_id");
    st->BindText(1, end);
    st->BindText(2, end);
    st->BindText(3, end);
    while (st->Step()) {
      GroupMonth* g = group(st->GetInt(0));
      if (!g) continue;
      g->outstanding += Money::Dong(IntOr0(*st, 1));
      g->overdue += Money::Dong(IntOr0(*st, 2));
    }
  }
  {
    // The month's payments and deposits by day, and the interest they
    // collected: a payment's interest is what left the receivable and the
    // income together (what it charged and paid nets out); a reversal of a
    // payment takes its interest back.
    auto st = db.Prepare(
        "SELECT m.group_id, e.entry_date, e.kind, COUNT(DISTINCT e.id), SUM(CASE WHEN "
        "p.account_code IN ('INTEREST_RECEIVABLE', 'INTEREST_INCOME') THEN -p.amount_dong ELSE 0 "
        "END) FROM journal_entry e JOIN posting p ON p.entry_id = e.id "
        "LEFT JOIN journal_entry r ON r.id = e.reverses_entry_id "
        "JOIN membership m ON m.borrower_id = p.borrower_id AND m.valid_from <= e.entry_date AND "
        "(m.valid_to IS NULL OR m.valid_to > e.entry_date) "
        "WHERE e.entry_date >= ? AND e.entry_date <= ? AND p.borrower_id <> 0 AND "
        "(e.kind IN ('pay', 'pay_savings', 'deposit') OR (e.kind = 'reverse' AND r.kind IN "
        "('pay', 'pay_savings'))) GROUP BY m.group_id, e.entry_date, e.kind");
    st->BindText(1, first.AddDays(-kSessionMoveReachDays).ToIso());
    st->BindText(2, last.AddDays(kSessionMoveReachDays).ToIso());
    while (st->Step()) {
      GroupMonth* g = group(st->GetInt(0));
      if (!g) continue;
      const std::string kind = st->GetText(2);
      const Date day = *Date::Parse(st->GetText(1));
      if (kind != "reverse") g->transactions[day] += st->GetInt(3);
      // The interest collected in the month itself.
      if (day >= first && day <= last) g->interest_collected += Money::Dong(IntOr0(*st, 4));
    }
  }
  {
    auto st = db.Prepare(
        "SELECT sg.id, SUM(b.interest_due_dong), SUM(b.interest_paid_dong), "
        "SUM(b.principal_due_dong), SUM(b.principal_paid_dong) FROM session_batch b "
        "JOIN savings_group sg ON sg.code = b.group_code WHERE b.session_month = ? "
        "GROUP BY sg.id");
    st->BindText(1, start.substr(0, 7));
    while (st->Step()) {
      GroupMonth* g = group(st->GetInt(0));
      if (!g) continue;
      g->posted_at_session = true;
      g->interest_due += Money::Dong(IntOr0(*st, 1));
      g->interest_paid += Money::Dong(IntOr0(*st, 2));
      g->principal_due += Money::Dong(IntOr0(*st, 3));
      g->principal_paid += Money::Dong(IntOr0(*st, 4));
    }
  }
  return out;
}

void ReplaceGroupRatings(Database& db, const std::string& month, Date rated_on,
                         const std::vector<GroupRatingRow>& rows) {
  auto& del = db.Cached("DELETE FROM group_rating WHERE month = ?");
  del.BindText(1, month);
  del.Run();
  auto& st = db.Cached(
      "INSERT INTO group_rating (month, group_id, point_id, association_code, commune_era, "
      "commune_code, session_share_bp, session_share_points, overdue_ratio_bp, "
      "overdue_ratio_points, principal_repaid_bp, principal_repaid_points, "
      "interest_collected_bp, interest_collected_points, savers_share_bp, savers_share_points, "
      "savings_growth_bp, savings_growth_points, total, class, rated_on, office_id) VALUES (?, ?, "
      "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT pv.office_id FROM "
      "commune_point_version pv WHERE pv.point_id = ? AND pv.valid_from <= ? AND "
      "(pv.valid_to IS NULL OR pv.valid_to > ?)))");
  for (const auto& r : rows) {
    st.BindText(1, month);
    st.BindInt(2, r.group_id);
    st.BindInt(3, r.point_id);
    st.BindInt(4, r.association_code);
    st.BindText(5, r.commune_era);
    st.BindText(6, r.commune_code);
    for (int i = 0; i < 6; ++i) {
      st.BindInt(7 + 2 * i, r.figure_bp[i]);
      st.BindInt(8 + 2 * i, r.points[i]);
    }
    st.BindInt(19, r.total);
    st.BindText(20, r.class_key);
    st.BindText(21, rated_on.ToIso());
    st.BindInt(22, r.point_id);
    st.BindText(23, rated_on.ToIso());
    st.BindText(24, rated_on.ToIso());
    st.Run();
  }
  WriteRatingCounts(db, month);
}

std::vector<GroupRatingRow> ReadGroupRatings(Database& db, const std::string& month) {
  auto st = db.Prepare(
      "SELECT group_id, point_id, association_code, commune_era, commune_code, "
      "session_share_bp, session_share_points, overdue_ratio_bp, overdue_ratio_points, "
      "principal_repaid_bp, principal_repaid_points, interest_collected_bp, "
      "interest_collected_points, savers_share_bp, savers_share_points, savings_growth_bp, "
      "savings_growth_points, total, class, COALESCE(office_id, 0) FROM group_rating WHERE "
      "month = ? ORDER BY group_id");
  st->BindText(1, month);
  std::vector<GroupRatingRow> out;
  while (st->Step()) {
    GroupRatingRow r;
    r.group_id = st->GetInt(0);
    r.point_id = st->GetInt(1);
    r.association_code = static_cast<int>(st->GetInt(2));
    r.commune_era = st->GetText(3);
    r.commune_code = st->GetText(4);
    for (int i = 0; i < 6; ++i) {
      r.figure_bp[i] = st->GetInt(5 + 2 * i);
      r.points[i] = static_cast<int>(st->GetInt(6 + 2 * i));
    }
    r.total = static_cast<int>(st->GetInt(17));
    r.class_key = st->GetText(18);
    r.office_id = st->GetInt(19);
    out.push_back(std::move(r));
  }
  return out;
}

std::map<int64_t, std::string> GroupCodes(Database& db, const std::vector<int64_t>& ids) {
  std::map<int64_t, std::string> out;
  auto& st = db.Cached("SELECT code FROM savings_group WHERE id = ?");
  for (int64_t id : ids) {
    if (out.count(id)) continue;
    st.BindInt(1, id);
    out[id] = st.Step() ? st.GetText(0) : std::to_string(id);
    st.Reset();
  }
  return out;
}

bool FeeRunExists(Database& db, const std::string& month) {
  auto& st = db.Cached("SELECT 1 FROM fee_run WHERE month = ?");
  st.BindText(1, month);
  const bool found = st.Step();
  st.Reset();
  return found;
}

void RecordFeeRun(Database& db, const std::string& month, Date on, const std::string& by,
                  int64_t commission, int64_t fee, const std::vector<FeeLineRow>& lines) {
  auto& run = db.Cached(
      "INSERT INTO fee_run (month, run_on, run_by, commission_dong, fee_dong) VALUES (?, ?, ?, "
      "?, ?)");
  run.BindText(1, month);
  run.BindText(2, on.ToIso());
  run.BindText(3, by);
  run.BindInt(4, commission);
  run.BindInt(5, fee);
  run.Run();
  auto& st = db.Cached(
      "INSERT INTO fee_line (month, kind, group_id, level, association_code, area_era, "
      "area_code, office_id, point_id, interest_collected_dong, rate_bp, overdue_ratio_bp, "
      "collection_ratio_bp, quality, percent, amount_dong) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
      "?, ?, ?, ?, ?, ?)");
  for (const auto& l : lines) {
    st.BindText(1, l.month);
    st.BindText(2, l.kind);
    st.BindInt(3, l.group_id);
    st.BindText(4, l.level);
    st.BindInt(5, l.association_code);
    st.BindText(6, l.area_era);
    st.BindText(7, l.area_code);
    st.BindInt(8, l.office_id);
    st.BindInt(9, l.point_id);
    st.BindInt(10, l.interest_collected_dong);
    st.BindInt(11, l.rate_bp);
    st.BindInt(12, l.overdue_ratio_bp);
    st.BindInt(13, l.collection_ratio_bp);
    st.BindText(14, l.quality);
    st.BindInt(15, l.percent);
    st.BindInt(16, l.amount_dong);
    st.Run();
  }
}

namespace {

constexpr const char* kFeeColumns =
    "month, kind, group_id, level, association_code, area_era, area_code, office_id, point_id, "
    "interest_collected_dong, rate_bp, overdue_ratio_bp, collection_ratio_bp, quality, percent, "
    "amount_dong, paid_on, paid_point_id";

std::vector<FeeLineRow> ReadFeeRows(Statement& st) {
  std::vector<FeeLineRow> out;
  while (st.Step()) {
    FeeLineRow l;
    l.month = st.GetText(0);
    l.kind = st.GetText(1);
    l.group_id = st.GetInt(2);
    l.level = st.GetText(3);
    l.association_code = static_cast<int>(st.GetInt(4));
    l.area_era = st.GetText(5);
    l.area_code = st.GetText(6);
    l.office_id = st.GetInt(7);
    l.point_id = st.GetInt(8);
    l.interest_collected_dong = st.GetInt(9);
    l.rate_bp = st.GetInt(10);
    l.overdue_ratio_bp = st.GetInt(11);
    l.collection_ratio_bp = st.GetInt(12);
    l.quality = st.GetText(13);
    l.percent = st.GetInt(14);
    l.amount_dong = st.GetInt(15);
    if (!st.IsNull(16)) l.paid_on = Date::Parse(st.GetText(16));
    l.paid_point_id = IntOr0(st, 17);
    out.push_back(std::move(l));
  }
  st.Reset();
  return out;
}

}  // namespace

std::vector<FeeLineRow> ReadFeeLines(Database& db, const std::string& month) {
  auto st = db.Prepare(std::string("SELECT ") + kFeeColumns +
                       " FROM fee_line WHERE month = ? ORDER BY group_id, kind, level");
  st->BindText(1, month);
  return ReadFeeRows(*st);
}

std::vector<FeeLineRow> UnpaidAtPoint(Database& db, int64_t point_id) {
  auto& st = db.Cached(std::string("SELECT ") + kFeeColumns +
                       " FROM fee_line WHERE point_id = ? AND paid_on IS NULL AND (kind = "
                       "'commission' OR level = 'commune') ORDER BY month, group_id, kind");
  st.BindInt(1, point_id);
  return ReadFeeRows(st);
}

void MarkPaidAtSession(Database& db, const std::vector<FeeLineRow>& lines, Date date) {
  auto& st = db.Cached(
      "UPDATE fee_line SET paid_on = ?, paid_point_id = point_id WHERE month = ? AND kind = ? "
      "AND group_id = ? AND level = ? AND paid_on IS NULL");
  for (const auto& l : lines) {
    st.BindText(1, date.ToIso());
    st.BindText(2, l.month);
    st.BindText(3, l.kind);
    st.BindInt(4, l.group_id);
    st.BindText(5, l.level);
    st.Run();
  }
}

}  // namespace tdcs::store
