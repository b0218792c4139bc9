#include "store/oversight_store.h"

#include "base/check.h"

namespace tdcs::store {
namespace {

Date DateOf(const std::string& text) {
  const auto date = Date::Parse(text);
  TDCS_CHECK_MSG(date.has_value(), "a stored date that does not parse");
  return *date;
}

std::optional<Date> OptionalDate(const Statement& st, int column) {
  if (st.IsNull(column)) return std::nullopt;
  return DateOf(st.GetText(column));
}

std::string Text(const Statement& st, int column) {
  return st.IsNull(column) ? std::string() : st.GetText(column);
}

// The groups in force on a date with their point and office in force then
// (each bound date is the same day: 6 placeholders), and the area's filter
// (one placeholder, but for the whole bank).
constexpr const char* kGroupsInForce =
    "FROM savings_group_version gv "
    "JOIN savings_group g ON g.id = gv.group_id "
    "JOIN commune_point_version pv ON pv.point_id = gv.point_id AND pv.valid_from <= ? "
    "AND (pv.valid_to IS NULL OR pv.valid_to > ?) "
    "JOIN office_version ov ON ov.office_id = pv.office_id AND ov.valid_from <= ? "
    "AND (ov.valid_to IS NULL OR ov.valid_to > ?) ";
constexpr const char* kGroupInForce =
    "gv.valid_from <= ? AND (gv.valid_to IS NULL OR gv.valid_to > ?)";

std::string AreaFilter(const Area& area) {
  switch (area.kind) {
    case AreaKind::kNational:
      return "";
    case AreaKind::kBranch:
      return " AND ov.branch_id = ?";
    case AreaKind::kOffice:
      return " AND ov.office_id = ?";
    case AreaKind::kPoint:
      return " AND pv.point_id = ?";
    case AreaKind::kGroup:
      return " AND gv.group_id = ?";
  }
  return "";
}

}  // namespace

std::vector<AreaMember> MembersInArea(Database& db, const Area& area, Date on) {
  const std::string sql =
      std::string(
          "SELECT b.id, b.code, b.name, g.id, g.code, gv.association_code, pv.point_id, "
          "ov.office_id ") +
      kGroupsInForce +
      "JOIN membership m ON m.group_id = gv.group_id AND m.valid_from <= ? "
      "AND (m.valid_to IS NULL OR m.valid_to > ?) "
      "JOIN borrower b ON b.id = m.borrower_id WHERE " +
      kGroupInForce + AreaFilter(area) + " ORDER BY g.code, b.code";
  auto st = db.Prepare(sql);
  const std::string day = on.ToIso();
  for (int i = 1; i <= 8; ++i) st->BindText(i, day);
  if (area.kind != AreaKind::kNational) st->BindInt(9, area.unit_id);
  std::vector<AreaMember> out;
  while (st->Step())
    out.push_back({st->GetInt(0), st->GetText(1), st->GetText(2), st->GetInt(3), st->GetText(4),
                   static_cast<int>(st->GetInt(5)), st->GetInt(6), st->GetInt(7)});
  return out;
}

std::vector<AreaGroup> GroupsInArea(Database& db, const Area& area, Date on) {
  const std::string sql =
      std::string("SELECT g.id, g.code, gv.name, gv.association_code, p.code, o.code ") +
      kGroupsInForce +
      "JOIN commune_point p ON p.id = pv.point_id JOIN office o ON o.id = ov.office_id WHERE " +
      kGroupInForce + AreaFilter(area) + " ORDER BY gv.association_code, g.code";
  auto st = db.Prepare(sql);
  const std::string day = on.ToIso();
  for (int i = 1; i <= 6; ++i) st->BindText(i, day);
  if (area.kind != AreaKind::kNational) st->BindInt(7, area.unit_id);
  std::vector<AreaGroup> out;
  while (st->Step())
    out.push_back({st->GetInt(0), st->GetText(1), st->GetText(2), static_cast<int>(st->GetInt(3)),
                   st->GetText(4), st->GetText(5)});
  return out;
}

std::optional<GroupOfBorrower> GroupOfBorrowerOn(Database& db, int64_t borrower_id, Date on) {
  auto& st = db.Cached(
      "SELECT g.id, g.code, gv.association_code FROM membership m "
      "JOIN savings_group g ON g.id = m.group_id "
      "JOIN savings_group_version gv ON gv.group_id = m.group_id AND gv.valid_from <= ? "
      "AND (gv.valid_to IS NULL OR gv.valid_to > ?) "
      "WHERE m.borrower_id = ? AND m.valid_from <= ? AND (m.valid_to IS NULL OR m.valid_to > ?) "
      "ORDER BY m.valid_from DESC");
  const std::string day = on.ToIso();
  st.BindText(1, day);
  st.BindText(2, day);
  st.BindInt(3, borrower_id);
  st.BindText(4, day);
  st.BindText(5, day);
  std::optional<GroupOfBorrower> out;
  if (st.Step()) out = GroupOfBorrower{st.GetInt(0), st.GetText(1), static_cast<int>(st.GetInt(2))};
  st.Reset();
  return out;
}

std::vector<std::string> LoanCodesOfBorrower(Database& db, int64_t borrower_id, Date disbursed_by) {
  auto& st = db.Cached(
      "SELECT code FROM loan WHERE borrower_id = ? AND disbursed_on IS NOT NULL AND "
      "disbursed_on <= ? UNION SELECT code FROM loan WHERE approved_borrower_id = ? AND "
      "disbursed_on IS NOT NULL AND disbursed_on <= ? ORDER BY code");
  st.BindInt(1, borrower_id);
  st.BindText(2, disbursed_by.ToIso());
  st.BindInt(3, borrower_id);
  st.BindText(4, disbursed_by.ToIso());
  std::vector<std::string> out;
  while (st.Step()) out.push_back(st.GetText(0));
  st.Reset();
  return out;
}

namespace {

constexpr const char* kSelectCampaign =
    "SELECT id, code, unit_kind, unit_code, as_of, opened_on, opened_by, status "
    "FROM reconcile_campaign ";

std::optional<CampaignRow> ReadCampaign(Statement& st) {
  std::optional<CampaignRow> out;
  if (st.Step())
    out = CampaignRow{st.GetInt(0),          st.GetText(1),         st.GetText(2), st.GetText(3),
                      DateOf(st.GetText(4)), DateOf(st.GetText(5)), st.GetText(6), st.GetText(7)};
  st.Reset();
  return out;
}

}  // namespace

std::optional<CampaignRow> FindCampaign(Database& db, const std::string& code) {
  auto& st = db.Cached(std::string(kSelectCampaign) + "WHERE code = ?");
  st.BindText(1, code);
  return ReadCampaign(st);
}

std::optional<CampaignRow> FindCampaignOf(Database& db, const std::string& unit_kind,
                                          const std::string& unit_code, Date as_of) {
  auto& st = db.Cached(std::string(kSelectCampaign) +
                       "WHERE unit_kind = ? AND unit_code = ? AND as_of = ?");
  st.BindText(1, unit_kind);
  st.BindText(2, unit_code);
  st.BindText(3, as_of.ToIso());
  return ReadCampaign(st);
}

void AddCampaign(Database& db, CampaignRow& row) {
  if (row.id == 0) row.id = IdBlocks(db, 1).Next("reconcile_campaign");
  auto& st = db.Cached(
      "INSERT INTO reconcile_campaign (id, code, unit_kind, unit_code, as_of, opened_on, "
      "opened_by, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  st.BindInt(1, row.id);
  st.BindText(2, row.code);
  st.BindText(3, row.unit_kind);
  st.BindText(4, row.unit_code);
  st.BindText(5, row.as_of.ToIso());
  st.BindText(6, row.opened_on.ToIso());
  st.BindText(7, row.opened_by);
  st.BindText(8, row.status);
  st.Run();
}

void AddReconcileLines(Database& db, const std::vector<ReconcileLineRow>& lines) {
  auto& st = db.Cached(
      "INSERT INTO reconcile_line (campaign_id, borrower_id, group_id, association_code, "
      "point_id, office_id, principal_dong, interest_dong, savings_dong, answer, note) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, '')");
  for (const auto& l : lines) {
    st.BindInt(1, l.campaign_id);
    st.BindInt(2, l.borrower_id);
    st.BindInt(3, l.group_id);
    st.BindInt(4, l.association);
    st.BindInt(5, l.point_id);
    st.BindInt(6, l.office_id);
    st.BindInt(7, l.principal.dong());
    st.BindInt(8, l.interest.dong());
    st.BindInt(9, l.savings.dong());
    st.Run();
  }
}

namespace {

constexpr const char* kSelectLines =
    "SELECT l.campaign_id, l.borrower_id, l.group_id, l.association_code, l.point_id, "
    "l.office_id, l.principal_dong, l.interest_dong, l.savings_dong, l.answer, l.note, "
    "l.answered_on, l.answered_by, l.resolution, l.resolved_on, l.resolved_by, b.code, b.name, "
    "g.code, p.code, o.code FROM reconcile_line l "
    "JOIN borrower b ON b.id = l.borrower_id JOIN savings_group g ON g.id = l.group_id "
    "JOIN commune_point p ON p.id = l.point_id JOIN office o ON o.id = l.office_id ";

ReconcileLineRow ReadLine(const Statement& st) {
  ReconcileLineRow r;
  r.campaign_id = st.GetInt(0);
  r.borrower_id = st.GetInt(1);
  r.group_id = st.GetInt(2);
  r.association = static_cast<int>(st.GetInt(3));
  r.point_id = st.GetInt(4);
  r.office_id = st.GetInt(5);
  r.principal = Money::Dong(st.GetInt(6));
  r.interest = Money::Dong(st.GetInt(7));
  r.savings = Money::Dong(st.GetInt(8));
  r.answer = Text(st, 9);
  r.note = Text(st, 10);
  r.answered_on = OptionalDate(st, 11);
  r.answered_by = Text(st, 12);
  r.resolution = Text(st, 13);
  r.resolved_on = OptionalDate(st, 14);
  r.resolved_by = Text(st, 15);
  r.borrower_code = st.GetText(16);
  r.borrower_name = st.GetText(17);
  r.group_code = st.GetText(18);
  r.point_code = st.GetText(19);
  r.office_code = st.GetText(20);
  return r;
}

}  // namespace

std::vector<ReconcileLineRow> ReconcileLines(Database& db, int64_t campaign_id) {
  auto st =
      db.Prepare(std::string(kSelectLines) + "WHERE l.campaign_id = ? ORDER BY g.code, b.code");
  st->BindInt(1, campaign_id);
  std::vector<ReconcileLineRow> out;
  while (st->Step()) out.push_back(ReadLine(*st));
  return out;
}

std::vector<BorrowerReconcileRow> ReconcileLinesOfBorrower(Database& db, int64_t borrower_id) {
  // The line's columns (ReadLine's), then the campaign's.
  std::string sql = kSelectLines;
  sql.insert(sql.find(" FROM reconcile_line l"), ", c.code, c.as_of, c.opened_on");
  sql +=
      "JOIN reconcile_campaign c ON c.id = l.campaign_id WHERE l.borrower_id = ? "
      "ORDER BY c.as_of DESC, c.id DESC";
  auto& st = db.Cached(sql);
  st.BindInt(1, borrower_id);
  std::vector<BorrowerReconcileRow> out;
  while (st.Step())
    out.push_back({st.GetText(21), DateOf(st.GetText(22)), DateOf(st.GetText(23)), ReadLine(st)});
  st.Reset();
  return out;
}

std::optional<ReconcileLineRow> ReconcileLine(Database& db, int64_t campaign_id,
                                              int64_t borrower_id) {
  auto& st = db.Cached(std::string(kSelectLines) + "WHERE l.campaign_id = ? AND l.borrower_id = ?");
  st.BindInt(1, campaign_id);
  st.BindInt(2, borrower_id);
  std::optional<ReconcileLineRow> out;
  if (st.Step()) out = ReadLine(st);
  st.Reset();
  return out;
}

void SaveReconcileAnswer(Database& db, int64_t campaign_id, int64_t borrower_id,
                         const std::string& answer, const std::string& note, Date on,
                         const std::string& by) {
  auto& st = db.Cached(
      "UPDATE reconcile_line SET answer = ?, note = ?, answered_on = ?, answered_by = ? "
      "WHERE campaign_id = ? AND borrower_id = ?");
  st.BindText(1, answer);
  st.BindText(2, note);
  st.BindText(3, on.ToIso());
  st.BindText(4, by);
  st.BindInt(5, campaign_id);
  st.BindInt(6, borrower_id);
  st.Run();
}

void SaveReconcileResolution(Database& db, int64_t campaign_id, int64_t borrower_id,
                             const std::string& resolution, Date on, const std::string& by) {
  auto& st = db.Cached(
      "UPDATE reconcile_line SET resolution = ?, resolved_on = ?, resolved_by = ? "
      "WHERE campaign_id = ? AND borrower_id = ?");
  st.BindText(1, resolution);
  st.BindText(2, on.ToIso());
  st.BindText(3, by);
  st.BindInt(4, campaign_id);
  st.BindInt(5, borrower_id);
  st.Run();
}

namespace {

constexpr const char* kSelectInspectionLoans =
    "SELECT l.id, l.code, l.program_code, l.status, l.borrower_id, b.code, l.disbursed_on "
    "FROM loan l JOIN borrower b ON b.id = l.borrower_id ";

std::vector<InspectionLoanRow> ReadInspectionLoans(Statement& st) {
  std::vector<InspectionLoanRow> out;
  while (st.Step())
    out.push_back({st.GetInt(0), st.GetText(1), st.GetText(2), st.GetText(3), st.GetInt(4),
                   st.GetText(5), DateOf(st.GetText(6))});
  st.Reset();
  return out;
}

}  // namespace

std::vector<InspectionLoanRow> LoansDisbursedBetween(Database& db, int64_t office_id, Date from,
                                                     Date to) {
  auto& st = db.Cached(std::string(kSelectInspectionLoans) +
                       "WHERE l.office_id = ? AND l.disbursed_on >= ? AND l.disbursed_on <= ? "
                       "ORDER BY l.code");
  st.BindInt(1, office_id);
  st.BindText(2, from.ToIso());
  st.BindText(3, to.ToIso());
  return ReadInspectionLoans(st);
}

std::vector<InspectionLoanRow> LoansWithoutTransactions(Database& db, int64_t office_id,
                                                        Date cutoff, Date on,
                                                        const std::string& program_left_out) {
  // (A loan's transactions have ids in its loan's branch range: one
  // partition is searched on PostgreSQL.)
  auto& st = db.Cached(std::string(kSelectInspectionLoans) +
                       "WHERE l.office_id = ? AND l.disbursed_on < ? AND l.program_code <> ? "
                       "AND l.status IN ('active', 'settled', 'written_off') "
                       "AND NOT EXISTS (SELECT 1 FROM loan_txn t WHERE t.loan_id = l.id "
                       "AND t.id >= (l.id >> 40) << 40 AND t.id < ((l.id >> 40) + 1) << 40 "
                       "AND t.txn_date >= ? AND t.txn_date <= ?) ORDER BY l.code");
  st.BindInt(1, office_id);
  st.BindText(2, cutoff.ToIso());
  st.BindText(3, program_left_out);
  st.BindText(4, cutoff.ToIso());
  st.BindText(5, on.ToIso());
  return ReadInspectionLoans(st);
}

std::optional<Date> LastLoanTxnOn(Database& db, int64_t loan_id, Date on) {
  auto& st = db.Cached(
      "SELECT MAX(txn_date) FROM loan_txn WHERE loan_id = ? AND id >= ? AND id < ? "
      "AND txn_date <= ?");
  // (A loan's transactions have ids in its branch range, 0013.)
  const int64_t low = (loan_id >> 40) << 40;
  st.BindInt(1, loan_id);
  st.BindInt(2, low);
  st.BindInt(3, low + (int64_t{1} << 40));
  st.BindText(4, on.ToIso());
  std::optional<Date> out;
  if (st.Step()) out = OptionalDate(st, 0);
  st.Reset();
  return out;
}

std::optional<Date> LoanInspectedBetween(Database& db, int64_t loan_id, Date from, Date to) {
  auto& st = db.Cached(
      "SELECT MIN(inspected_on) FROM inspection WHERE subject = 'loan' AND loan_id = ? "
      "AND inspected_on >= ? AND inspected_on <= ?");
  st.BindInt(1, loan_id);
  st.BindText(2, from.ToIso());
  st.BindText(3, to.ToIso());
  std::optional<Date> out;
  if (st.Step()) out = OptionalDate(st, 0);
  st.Reset();
  return out;
}

int64_t PlanSize(Database& db, int year) {
  auto& st = db.Cached("SELECT COUNT(*) FROM inspection_plan WHERE plan_year = ?");
  st.BindInt(1, year);
  int64_t out = 0;
  if (st.Step()) out = st.GetInt(0);
  st.Reset();
  return out;
}

bool InPlan(Database& db, int year, int64_t group_id) {
  auto& st = db.Cached("SELECT 1 FROM inspection_plan WHERE plan_year = ? AND group_id = ?");
  st.BindInt(1, year);
  st.BindInt(2, group_id);
  const bool out = st.Step();
  st.Reset();
  return out;
}

void AddPlanEntries(Database& db, const std::vector<PlanEntryRow>& entries) {
  auto& st = db.Cached(
      "INSERT INTO inspection_plan (plan_year, group_id, plan_month, association_code, "
      "planned_on, planned_by) VALUES (?, ?, ?, ?, ?, ?)");
  for (const auto& e : entries) {
    st.BindInt(1, e.year);
    st.BindInt(2, e.group_id);
    st.BindInt(3, e.month);
    st.BindInt(4, e.association);
    st.BindText(5, e.planned_on.ToIso());
    st.BindText(6, e.planned_by);
    st.Run();
  }
}

std::vector<PlanEntryRow> PlanOf(Database& db, int year) {
  auto st = db.Prepare(
      "SELECT p.plan_year, p.group_id, p.plan_month, p.association_code, p.planned_on, "
      "p.planned_by, g.code, "
      "(SELECT v.name FROM savings_group_version v WHERE v.group_id = p.group_id "
      "ORDER BY v.valid_from DESC LIMIT 1), "
      "(SELECT MIN(i.inspected_on) FROM inspection i WHERE i.subject = 'group' "
      "AND i.group_id = p.group_id AND i.inspected_on >= ? AND i.inspected_on <= ?) "
      "FROM inspection_plan p JOIN savings_group g ON g.id = p.group_id "
      "WHERE p.plan_year = ? ORDER BY p.plan_month, p.association_code, g.code");
  st->BindText(1, Date::MonthDayClamped(year, 1, 1).ToIso());
  st->BindText(2, Date::MonthDayClamped(year, 12, 31).ToIso());
  st->BindInt(3, year);
  std::vector<PlanEntryRow> out;
  while (st->Step()) {
    PlanEntryRow r;
    r.year = static_cast<int>(st->GetInt(0));
    r.group_id = st->GetInt(1);
    r.month = static_cast<int>(st->GetInt(2));
    r.association = static_cast<int>(st->GetInt(3));
    r.planned_on = DateOf(st->GetText(4));
    r.planned_by = st->GetText(5);
    r.group_code = st->GetText(6);
    r.group_name = Text(*st, 7);
    r.done_on = OptionalDate(*st, 8);
    out.push_back(std::move(r));
  }
  return out;
}

void AddInspection(Database& db, InspectionRow& row) {
  if (row.id == 0) row.id = IdBlocks(db, 1).Next("inspection");
  auto& st = db.Cached(
      "INSERT INTO inspection (id, subject, loan_id, group_id, inspected_on, result, note, "
      "inspector, recorded_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  st.BindInt(1, row.id);
  st.BindText(2, row.subject);
  st.BindOptionalInt(3, row.subject == "loan" ? std::optional<int64_t>(row.loan_id) : std::nullopt);
  st.BindOptionalInt(4,
                     row.subject == "group" ? std::optional<int64_t>(row.group_id) : std::nullopt);
  st.BindText(5, row.inspected_on.ToIso());
  st.BindText(6, row.result);
  st.BindText(7, row.note);
  st.BindText(8, row.inspector);
  st.BindText(9, row.recorded_on.ToIso());
  st.Run();
}

std::optional<Date> LoanDisbursedOn(Database& db, int64_t loan_id) {
  auto& st = db.Cached("SELECT disbursed_on FROM loan WHERE id = ?");
  st.BindInt(1, loan_id);
  std::optional<Date> out;
  if (st.Step()) out = OptionalDate(st, 0);
  st.Reset();
  return out;
}

}  // namespace tdcs::store
