// Report latency from the read model beside the same figures computed by
// plain SQL over the journal, in the same run, on a database already
// generated and simulated (bench/reports.sh makes one):
//
//   reports_bench DB_TARGET DATE1 DATE2 DATE3
//
// For the nation, the first branch, its first office and that office's first
// commune (of the structure in force on the last date), at each date: the
// headline report's median wall time over repeated runs, the plain SQL's
// (outstanding, overdue and frozen principal summed from the postings of
// entries dated up to the day), and the ratio. The two must agree on the
// figures; a difference is printed and the exit status is 1.
#include <algorithm>
#include <chrono>
#include <cstdio>
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

struct Sums {
  int64_t outstanding = 0, overdue = 0, frozen = 0;
};

// The figures from the journal: every principal posting of an entry dated up
// to `on`, of the loans `filter` keeps.
Sums PlainSql(tdcs::store::Database& db, const std::string& filter, Date on) {
  auto st = db.Prepare(
      "SELECT p.account_code, COALESCE(SUM(p.amount_dong), 0) FROM posting p "
      "JOIN journal_entry e ON e.id = p.entry_id JOIN loan l ON l.id = p.loan_id "
      "WHERE e.entry_date <= ? AND p.account_code IN ('LOAN_NORMAL', 'LOAN_OVERDUE', "
      "'LOAN_FROZEN')" +
      filter + " GROUP BY p.account_code");
  st->BindText(1, on.ToIso());
  Sums s;
  while (st->Step()) {
    const std::string account = st->GetText(0);
    const int64_t v = st->GetInt(1);
    s.outstanding += v;
    if (account == "LOAN_OVERDUE") s.overdue = v;
    if (account == "LOAN_FROZEN") s.frozen = v;
  }
  return s;
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
    std::string label, unit, filter;
  };
  const std::string commune_era = commune.substr(0, 1), commune_code = commune.substr(2);
  const std::vector<Unit> units = {
      {"nation", "national", ""},
      {"branch " + branch, "branch:" + branch,
       " AND l.office_id IN (SELECT office_id FROM office_version WHERE branch_id = " + branch_id +
           " AND " + in_force + ")"},
      {"office " + office, "office:" + office, " AND l.office_id = " + office_id},
      {"commune " + commune, "commune:" + commune,
       " AND l.point_id IN (SELECT point_id FROM commune_point_version WHERE report_commune_era = "
       "'" +
           commune_era + "' AND report_commune_code = '" + commune_code + "' AND " + in_force +
           ")"}};
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
      int64_t outstanding = 0, overdue = 0, frozen = 0;
      for (int k = 0; k < 7; ++k) {
        const auto t0 = Clock::now();
        auto report = tdcs::app::Headline(*connection, tdcs::app::SystemContext(), r);
        report_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        if (!report.ok()) {
          std::fprintf(stderr, "%s: %s\n", u.unit.c_str(), report.error().ToString().c_str());
          return 1;
        }
        outstanding = report.value().end.Outstanding();
        overdue = report.value().end.overdue;
        frozen = report.value().end.frozen;
      }
      Sums plain;
      for (int k = 0; k < 3; ++k) {
        const auto t0 = Clock::now();
        plain = PlainSql(db, u.filter, at);
        sql_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      }
      const double report = Median(report_ms), sql = Median(sql_ms);
      worst = std::max(worst, report);
      std::printf("%-28s %-11s %12.2f %12.1f %8.0fx  %s\n", u.label.c_str(), at.ToIso().c_str(),
                  report, sql, sql / report, std::to_string(outstanding).c_str());
      if (plain.outstanding != outstanding || plain.overdue != overdue || plain.frozen != frozen) {
        std::printf("  DIFFERENT: plain SQL %lld / %lld / %lld, report %lld / %lld / %lld\n",
                    static_cast<long long>(plain.outstanding),
                    static_cast<long long>(plain.overdue), static_cast<long long>(plain.frozen),
                    static_cast<long long>(outstanding), static_cast<long long>(overdue),
                    static_cast<long long>(frozen));
        agree = false;
      }
    }
  }
  std::printf("slowest report: %.2f ms; figures %s\n", worst, agree ? "agree" : "DIFFER");
  return agree ? 0 : 1;
}
