// Report latency from the read model beside the same figures computed by
// plain SQL over the journal, in the same run, on a database already
// generated and simulated (bench/reports.sh makes one):
//
//   reports_bench DB_TARGET DATE1 DATE2 DATE3
//
// For the nation, the first branch, its first office and that office's first
// commune (of the structure in force on the last date), at each date: the
// headline report's median wall time over repeated runs, the plain SQL's,
// and the ratio. The plain SQL computes the headline's figures that the
// journal and the network give — principal by state, interest receivable,
// write-offs, by association and by program; outstanding on the eve of the
// year; the year's lending, collection and interest collected; loans and
// households owing; groups and member households — from the postings of
// entries dated up to the day (or within the year to it) and from the
// network tables (medians of 3 runs; one run when it takes more than 5 s).
// The two must agree on every figure; a difference is printed and the exit
// status is 1. Each line is printed as soon as it is measured.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "app/connection.h"
#include "app/internal/access.h"
#include "app/reports.h"
#include "store/db.h"

namespace {

using Clock = std::chrono::steady_clock;
using tdcs::Date;

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// The headline's figures that the journal and the network tables give,
// computed from them directly.
struct Figures {
  int64_t normal = 0, overdue = 0, frozen = 0, interest_receivable = 0, written_off = 0;
  int64_t start_outstanding = 0;                            // the day before the year's first
  int64_t lent = 0, collected = 0, interest_collected = 0;  // over the year to the day
  int64_t loans = 0, customers = 0;                         // owing principal
  int64_t groups = 0, households = 0;                       // the network on the day
  std::map<int, int64_t> by_association;
  std::map<std::string, int64_t> by_program;
  int64_t Outstanding() const { return normal + overdue + frozen; }
  bool operator==(const Figures&) const = default;
};

std::string Text(const Figures& f) {
  std::string out = "outstanding " + std::to_string(f.Outstanding()) + ", overdue " +
                    std::to_string(f.overdue) + ", frozen " + std::to_string(f.frozen) +
                    ", interest receivable " + std::to_string(f.interest_receivable) +
                    ", written off " + std::to_string(f.written_off) + ", at the year's start " +
                    std::to_string(f.start_outstanding) + ", lent " + std::to_string(f.lent) +
                    ", collected " + std::to_string(f.collected) + ", interest collected " +
                    std::to_string(f.interest_collected) + ", loans " + std::to_string(f.loans) +
                    ", customers " + std::to_string(f.customers) + ", groups " +
                    std::to_string(f.groups) + ", households " + std::to_string(f.households);
  for (const auto& [a, v] : f.by_association)
    out += ", association " + std::to_string(a) + " " + std::to_string(v);
  for (const auto& [p, v] : f.by_program) out += ", program " + p + " " + std::to_string(v);
  return out;
}

// The figures from the journal — every posting of an entry dated up to the
// day (balances) or within the year to it (turnover), of the loans `loans`
// keeps, read in one pass — and from the network tables (the groups whose
// version in force on the day meets at the points `points` keeps).
Figures PlainSql(tdcs::store::Database& db, const std::string& loans, const std::string& points,
                 Date on) {
  Figures f;
  const std::string day = on.ToIso();
  const std::string year_start = tdcs::Date::FromCivil(on.year(), 1, 1)->ToIso();
  const std::string eve = tdcs::Date::FromCivil(on.year(), 1, 1)->AddDays(-1).ToIso();
  // One pass over the unit's postings of entries dated up to the day, per
  // loan, account and kind of entry (a reversal's: the kind of the entry it
  // reverses): the balance on the day, on the eve of the year, and what the
  // year to the day moved.
  auto st = db.Prepare(
      "SELECT p.loan_id, l.borrower_id, l.association_code, l.program_code, p.account_code, "
      "COALESCE(r.kind, e.kind), SUM(p.amount_dong), SUM(CASE WHEN e.entry_date <= ? THEN "
      "p.amount_dong ELSE 0 END), SUM(CASE WHEN e.entry_date >= ? THEN p.amount_dong ELSE 0 "
      "END) FROM posting p JOIN journal_entry e ON e.id = p.entry_id JOIN loan l ON l.id = "
      "p.loan_id LEFT JOIN journal_entry r ON r.id = e.reverses_entry_id WHERE e.entry_date <= "
      "? AND p.account_code IN ('LOAN_NORMAL', 'LOAN_OVERDUE', 'LOAN_FROZEN', "
      "'INTEREST_RECEIVABLE', 'INTEREST_INCOME', 'WRITE_OFF_PRINCIPAL')" +
      loans +
      " GROUP BY p.loan_id, l.borrower_id, l.association_code, l.program_code, p.account_code, "
      "COALESCE(r.kind, e.kind)");
  st->BindText(1, eve);
  st->BindText(2, year_start);
  st->BindText(3, day);
  std::map<int64_t, std::pair<int64_t, int64_t>> principal_of;  // loan → borrower, principal
  while (st->Step()) {
    const int64_t loan = st->GetInt(0);
    const std::string account = st->GetText(4), kind = st->GetText(5);
    const int64_t on_day = st->GetInt(6), on_eve = st->GetInt(7), in_year = st->GetInt(8);
    const bool principal =
        account == "LOAN_NORMAL" || account == "LOAN_OVERDUE" || account == "LOAN_FROZEN";
    const bool interest = account == "INTEREST_INCOME" || account == "INTEREST_RECEIVABLE";
    if (account == "INTEREST_RECEIVABLE") f.interest_receivable += on_day;
    if (account == "WRITE_OFF_PRINCIPAL") f.written_off += on_day;
    if (kind == "disburse" && principal) f.lent += in_year;
    if ((kind == "pay" || kind == "pay_savings") && principal) f.collected -= in_year;
    if ((kind == "pay" || kind == "pay_savings") && interest) f.interest_collected -= in_year;
    if (!principal) continue;
    (account == "LOAN_NORMAL"    ? f.normal
     : account == "LOAN_OVERDUE" ? f.overdue
                                 : f.frozen) += on_day;
    f.by_association[static_cast<int>(st->GetInt(2))] += on_day;
    f.by_program[st->GetText(3)] += on_day;
    f.start_outstanding += on_eve;
    auto& [borrower, owed] = principal_of[loan];
    borrower = st->GetInt(1);
    owed += on_day;
  }
  // Loans owing principal on the day, and their households.
  std::set<int64_t> households;
  for (const auto& [loan, owing] : principal_of)
    if (owing.second > 0) {
      ++f.loans;
      households.insert(owing.first);
    }
  f.customers = static_cast<int64_t>(households.size());
  // The network on the day: groups in force at the unit's points, their
  // members in force.
  const std::string groups_on =
      "SELECT gv.group_id FROM savings_group_version gv JOIN commune_point_version pv ON "
      "pv.point_id = gv.point_id AND pv.valid_from <= ?1 AND (pv.valid_to IS NULL OR "
      "pv.valid_to > ?1) WHERE gv.valid_from <= ?1 AND (gv.valid_to IS NULL OR gv.valid_to > ?1)" +
      points;
  st = db.Prepare("SELECT COUNT(*) FROM (" + groups_on + ")");
  st->BindText(1, day);
  if (st->Step()) f.groups = st->GetInt(0);
  st = db.Prepare(
      "SELECT COUNT(*) FROM membership m WHERE m.valid_from <= ?1 AND (m.valid_to IS NULL OR "
      "m.valid_to > ?1) AND m.group_id IN (" +
      groups_on + ")");
  st->BindText(1, day);
  if (st->Step()) f.households = st->GetInt(0);
  std::erase_if(f.by_association, [](const auto& kv) { return kv.second == 0; });
  std::erase_if(f.by_program, [](const auto& kv) { return kv.second == 0; });
  return f;
}

// The same figures from the headline report.
Figures FromReport(const tdcs::app::HeadlineReport& r) {
  Figures f;
  f.normal = r.end.normal;
  f.overdue = r.end.overdue;
  f.frozen = r.end.frozen;
  f.interest_receivable = r.end.interest_receivable;
  f.written_off = r.end.written_off_principal;
  f.start_outstanding = r.start.Outstanding();
  f.lent = r.lent;
  f.collected = r.collected;
  f.interest_collected = r.interest_collected;
  f.loans = r.end.loans;
  f.customers = r.end.customers;
  f.groups = r.groups;
  f.households = r.households;
  for (const auto& [a, v] : r.by_association)
    if (v != 0) f.by_association[a] = v;
  for (const auto& [p, v] : r.by_program)
    if (v != 0) f.by_program[p] = v;
  return f;
}

std::string First(tdcs::store::Database& db, const std::string& sql) {
  auto st = db.Prepare(sql);
  return st->Step() ? st->GetText(0) : std::string();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: reports_bench DB_TARGET DATE1 DATE2 DATE3\n");
    return 2;
  }
  auto connection = tdcs::app::Connection::Open(argv[1]);
  auto& db = tdcs::app::Db(*connection);
  std::vector<Date> dates;
  for (int i = 2; i < 5; ++i) dates.push_back(*Date::Parse(argv[i]));
  const std::string last = dates.back().ToIso();
  auto in_force_of = [&](const std::string& alias) {
    return alias + "valid_from <= '" + last + "' AND (" + alias + "valid_to IS NULL OR " + alias +
           "valid_to > '" + last + "')";
  };
  const std::string in_force = in_force_of("");
  const std::string branch =
      First(db, "SELECT b.code FROM branch b JOIN branch_version v ON v.branch_id = b.id WHERE " +
                    in_force_of("v.") + " ORDER BY b.code");
  const std::string branch_id = First(db, "SELECT id FROM branch WHERE code = '" + branch + "'");
  const std::string office =
      First(db, "SELECT o.code FROM office o JOIN office_version v ON v.office_id = o.id WHERE " +
                    in_force_of("v.") + " AND v.branch_id = " + branch_id +
                    " AND o.code IN (SELECT o2.code FROM office o2 JOIN commune_point_version pv "
                    "ON pv.office_id = o2.id) ORDER BY o.code");
  const std::string office_id = First(db, "SELECT id FROM office WHERE code = '" + office + "'");
  const std::string commune = First(
      db,
      "SELECT report_commune_era || ':' || report_commune_code FROM commune_point_version WHERE " +
          in_force + " AND office_id = " + office_id + " ORDER BY point_id");
  struct Unit {
    std::string label, unit, loans, points;
  };
  const std::string commune_era = commune.substr(0, 1), commune_code = commune.substr(2);
  const std::string branch_offices =
      "(SELECT office_id FROM office_version WHERE branch_id = " + branch_id + " AND " + in_force +
      ")";
  const std::string commune_points =
      "(SELECT point_id FROM commune_point_version WHERE report_commune_era = '" + commune_era +
      "' AND report_commune_code = '" + commune_code + "' AND " + in_force + ")";
  const std::vector<Unit> units = {
      {"nation", "national", "", ""},
      {"branch " + branch, "branch:" + branch, " AND l.office_id IN " + branch_offices,
       " AND pv.office_id IN " + branch_offices},
      {"office " + office, "office:" + office, " AND l.office_id = " + office_id,
       " AND pv.office_id = " + office_id},
      {"commune " + commune, "commune:" + commune, " AND l.point_id IN " + commune_points,
       " AND gv.point_id IN " + commune_points}};
  std::printf("%-28s %-11s %12s %12s %9s  %s\n", "unit", "date", "report ms", "plain SQL ms",
              "ratio", "outstanding (đ)");
  bool agree = true;
  double worst = 0;
  for (const auto& u : units) {
    for (Date at : dates) {
      tdcs::app::ReportRequest r;
      r.unit = u.unit;
      r.at = at;
      r.structure_on = dates.back();
      std::vector<double> report_ms, sql_ms;
      Figures reported;
      for (int k = 0; k < 7; ++k) {
        const auto t0 = Clock::now();
        auto report = tdcs::app::Headline(*connection, tdcs::app::SystemContext(), r);
        report_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        if (!report.ok()) {
          std::fprintf(stderr, "%s: %s\n", u.unit.c_str(), report.error().ToString().c_str());
          return 1;
        }
        reported = FromReport(report.value());
      }
      // Three runs, or one when it takes seconds (the nation's, on the
      // national book: minutes).
      Figures plain;
      for (int k = 0; k < 3 && (sql_ms.empty() || sql_ms.back() < 5'000); ++k) {
        const auto t0 = Clock::now();
        plain = PlainSql(db, u.loans, u.points, at);
        sql_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      }
      const double report = Median(report_ms), sql = Median(sql_ms);
      worst = std::max(worst, report);
      std::printf("%-28s %-11s %12.2f %12.1f %8.0fx  %s\n", u.label.c_str(), at.ToIso().c_str(),
                  report, sql, sql / report, std::to_string(reported.Outstanding()).c_str());
      std::fflush(stdout);
      if (!(plain == reported)) {
        std::printf("  DIFFERENT:\n    plain SQL %s\n    report    %s\n", Text(plain).c_str(),
                    Text(reported).c_str());
        agree = false;
      }
    }
  }
  std::printf("slowest report: %.2f ms; figures %s\n", worst, agree ? "agree" : "DIFFER");
  return agree ? 0 : 1;
}
