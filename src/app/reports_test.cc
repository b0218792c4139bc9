// Reports (RULES §9) against the per-loan export: on a generated district
// with months of sessions either side of the 2025 reform, and back-dated
// payments and reversals, every unit's headline figures at several dates
// equal the export's loans summed by an obvious computation here.
#include "app/reports.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "app/entrusted_work.h"
#include "app/generate.h"
#include "app/loans.h"
#include "app/network_ops.h"
#include "app/simulate.h"
#include "base/csv.h"
#include "batch/verify.h"
#include "store/network_store.h"
#include "store/report_store.h"
#include "test_db.h"

namespace tdcs::app {
namespace {

Date D(const char* iso) { return *Date::Parse(iso); }

struct ExportedLoan {
  std::map<std::string, std::string> field;
  int64_t principal = 0, overdue = 0, frozen = 0;
};

std::vector<ExportedLoan> Exported(Connection& db, Date on) {
  std::ostringstream out;
  EXPECT_TRUE(ExportLoans(db, SystemContext(), on, out).ok());
  std::istringstream in(out.str());
  csv::Reader reader(in);
  csv::Row header, row;
  EXPECT_TRUE(reader.Next(header));
  std::vector<ExportedLoan> loans;
  while (reader.Next(row)) {
    ExportedLoan l;
    for (size_t i = 0; i < header.fields.size(); ++i) l.field[header.fields[i]] = row.fields[i];
    l.principal = std::stoll(l.field["principal_dong"]);
    l.overdue = std::stoll(l.field["overdue_dong"]);
    l.frozen = std::stoll(l.field["frozen_dong"]);
    loans.push_back(std::move(l));
  }
  EXPECT_TRUE(reader.error().empty()) << reader.error();
  return loans;
}

// The export's loans `keep` keeps, summed: outstanding, overdue, frozen,
// loans owing, households owing (each once per association), and
// outstanding by association and program.
struct Sums {
  int64_t outstanding = 0, overdue = 0, frozen = 0, loans = 0, customers = 0;
  std::map<std::string, int64_t> by_association, by_program;
};
Sums Sum(const std::vector<ExportedLoan>& loans,
         const std::function<bool(const ExportedLoan&)>& keep) {
  Sums s;
  std::set<std::string> households;
  for (const auto& l : loans) {
    if (!keep(l)) continue;
    s.outstanding += l.principal;
    s.overdue += l.overdue;
    s.frozen += l.frozen;
    if (l.principal > 0) {
      ++s.loans;
      households.insert(l.field.at("borrower_code") + "|" + l.field.at("association"));
      s.by_association[l.field.at("association")] += l.principal;
      s.by_program[l.field.at("program")] += l.principal;
    }
  }
  s.customers = static_cast<int64_t>(households.size());
  return s;
}

class ReportsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    target_ = new std::string(testing::NewTestTarget());
    auto generated = Generate(*target_, SystemContext(), {"demo", 3, D("2025-04-30")});
    ASSERT_TRUE(generated.ok()) << generated.error().ToString();
    db_ = Connection::Open(*target_).release();
    ASSERT_TRUE(SimulateSessions(*db_, SystemContext(), D("2025-06-30"), 3).ok());
    ASSERT_TRUE(ApplyReform2025(*db_, SystemContext()).ok());
    ASSERT_TRUE(SimulateSessions(*db_, SystemContext(), D("2025-08-31"), 3).ok());
    // Back-dated: a reversal of a session payment, a payment and its reversal.
    auto& store_db = testing::DbOf(*db_);
    auto last_pay = [&](int offset) {
      auto st = store_db.Prepare(
          "SELECT l.code FROM loan_txn t JOIN loan l ON l.id = t.loan_id WHERE t.kind = 'pay' "
          "AND t.txn_date = '2025-08-21' ORDER BY t.id DESC LIMIT 1 OFFSET " +
          std::to_string(offset));
      EXPECT_TRUE(st->Step());
      return st->GetText(0);
    };
    const std::string reversed = last_pay(0), paid = last_pay(1);
    auto act = [&](LoanActionKind kind, const std::string& code, const char* date, int64_t amount) {
      LoanAction a;
      a.kind = kind;
      a.loan_code = code;
      a.date = D(date);
      a.amount = Money::Dong(amount);
      auto r = ActOnLoan(*db_, SystemContext(), a);
      ASSERT_TRUE(r.ok()) << r.error().ToString();
    };
    act(LoanActionKind::kReverseLast, reversed, "2025-08-22", 0);
    act(LoanActionKind::kPay, paid, "2025-08-25", 5'000'000);
    act(LoanActionKind::kReverseLast, paid, "2025-08-27", 0);
    act(LoanActionKind::kPay, paid, "2025-08-28", 7'000'000);
    // A household with a second loan in its group; an inheritance, reversed,
    // then made again; an approved loan inherited before it is disbursed.
    auto borrower_of = [&](const std::string& loan) {
      auto st = store_db.Prepare(
          "SELECT b.code FROM loan l JOIN borrower b ON b.id = l.borrower_id WHERE l.code = '" +
          loan + "'");
      EXPECT_TRUE(st->Step());
      return st->GetText(0);
    };
    auto program_of = [&](const std::string& loan) {
      auto st = store_db.Prepare("SELECT program_code FROM loan WHERE code = '" + loan + "'");
      EXPECT_TRUE(st->Step());
      return st->GetText(0);
    };
    auto approve = [&](const std::string& code, const std::string& like, const char* date) {
      LoanApplicationRequest a;
      a.code = code;
      a.borrower_code = borrower_of(like);
      a.program = program_of(like);
      a.amount = Money::Dong(20'000'000);
      a.term_months = 36;
      a.date = D(date);
      auto r = ApproveLoan(*db_, SystemContext(), a);
      ASSERT_TRUE(r.ok()) << r.error().ToString();
    };
    approve("RPT0000000000002", paid, "2025-08-28");
    act(LoanActionKind::kDisburse, "RPT0000000000002", "2025-08-28", 0);
    const std::string deceased = last_pay(2), heir = borrower_of(last_pay(40));
    auto inherit = [&](const std::string& code, const std::string& to, const char* date) {
      LoanAction a;
      a.kind = LoanActionKind::kInherit;
      a.loan_code = code;
      a.date = D(date);
      a.heir_code = to;
      auto r = ActOnLoan(*db_, SystemContext(), a);
      ASSERT_TRUE(r.ok()) << r.error().ToString();
    };
    inherit(deceased, heir, "2025-08-29");
    act(LoanActionKind::kReverseLast, deceased, "2025-08-29", 0);
    inherit(deceased, heir, "2025-08-30");
    approve("RPT0000000000003", last_pay(3), "2025-08-29");
    inherit("RPT0000000000003", borrower_of(last_pay(41)), "2025-08-29");
    act(LoanActionKind::kDisburse, "RPT0000000000003", "2025-08-30", 0);
  }
  static void TearDownTestSuite() {
    delete db_;
    delete target_;
  }

  HeadlineReport Report(const std::string& unit, Date at, const std::string& association = "",
                        const std::string& program = "") {
    ReportRequest r;
    r.unit = unit;
    r.at = at;
    r.association = association;
    r.program = program;
    auto report = Headline(*db_, SystemContext(), r);
    EXPECT_TRUE(report.ok()) << report.error().ToString();
    return report.ok() ? report.value() : HeadlineReport{};
  }

  static void ExpectSame(const HeadlineReport& r, const Sums& s, const std::string& what) {
    EXPECT_EQ(r.end.Outstanding(), s.outstanding) << what;
    EXPECT_EQ(r.end.overdue, s.overdue) << what;
    EXPECT_EQ(r.end.frozen, s.frozen) << what;
    EXPECT_EQ(r.end.loans, s.loans) << what;
    for (const auto& [association, amount] : r.by_association) {
      const auto it = s.by_association.find(AssociationReportKey(association));
      EXPECT_EQ(amount, it == s.by_association.end() ? 0 : it->second)
          << what << " " << association;
    }
    for (const auto& [program, amount] : r.by_program) {
      const auto it = s.by_program.find(program);
      EXPECT_EQ(amount, it == s.by_program.end() ? 0 : it->second) << what << " " << program;
    }
  }

  std::vector<std::string> Codes(const char* sql) {
    std::vector<std::string> out;
    auto st = testing::DbOf(*db_).Prepare(sql);
    while (st->Step()) out.push_back(st->GetText(0));
    return out;
  }

  static std::string* target_;
  static Connection* db_;
};
std::string* ReportsTest::target_ = nullptr;
Connection* ReportsTest::db_ = nullptr;

const char* const kDates[] = {"2025-04-30", "2025-06-15", "2025-06-30", "2025-07-01", "2025-08-21",
                              "2025-08-24", "2025-08-26", "2025-08-29", "2025-08-31"};

TEST_F(ReportsTest, EveryUnitAtEveryDateAddsUpToItsLoans) {
  const auto offices = Codes("SELECT code FROM office ORDER BY code");
  const auto points = Codes("SELECT code FROM commune_point ORDER BY code");
  const auto groups = Codes("SELECT code FROM savings_group ORDER BY code LIMIT 25");
  for (const char* iso : kDates) {
    const Date at = D(iso);
    const auto loans = Exported(*db_, at);
    ASSERT_FALSE(loans.empty()) << iso;
    const auto all = Sum(loans, [](const ExportedLoan&) { return true; });
    const auto national = Report("national", at);
    ExpectSame(national, all, std::string("national ") + iso);
    EXPECT_EQ(national.end.customers, all.customers) << iso;
    for (const auto& o : offices)
      ExpectSame(Report("office:" + o, at),
                 Sum(loans, [&](const ExportedLoan& l) { return l.field.at("office_code") == o; }),
                 "office " + o + " " + iso);
    for (const auto& p : points) {
      const auto r = Report("point:" + p, at);
      const auto s =
          Sum(loans, [&](const ExportedLoan& l) { return l.field.at("point_code") == p; });
      ExpectSame(r, s, "point " + p + " " + iso);
      EXPECT_EQ(r.end.customers, s.customers) << p << " " << iso;
    }
    for (const auto& g : groups) {
      const auto r = Report("group:" + g, at);
      const auto s =
          Sum(loans, [&](const ExportedLoan& l) { return l.field.at("group_code") == g; });
      ExpectSame(r, s, "group " + g + " " + iso);
      EXPECT_EQ(r.end.customers, s.customers) << g << " " << iso;
    }
    for (const char* association : {"farmers", "women", "veterans", "youth"})
      ExpectSame(
          Report("national", at, association),
          Sum(loans,
              [&](const ExportedLoan& l) { return l.field.at("association") == association; }),
          std::string("association ") + association + " " + iso);
    for (const char* program : {"01", "19"})
      ExpectSame(
          Report("national", at, "", program),
          Sum(loans, [&](const ExportedLoan& l) { return l.field.at("program") == program; }),
          std::string("program ") + program + " " + iso);
  }
}

// A commune of either structure is its points' sum, whichever date is asked:
// last year's figures in this year's communes, and the reverse.
TEST_F(ReportsTest, CommunesOfEitherStructureAddUp) {
  auto points_of = [&](const std::string& era, const std::string& code) {
    const char* on = era == "L" ? "2025-06-30" : "2025-07-01";
    std::set<std::string> out;
    for (const auto& p :
         Codes(("SELECT p.code FROM commune_point p JOIN commune_point_version v ON "
                "v.point_id = p.id WHERE v.report_commune_era = '" +
                era + "' AND v.report_commune_code = '" + code + "' AND v.valid_from <= '" + on +
                "' AND (v.valid_to IS NULL OR v.valid_to > '" + on + "')")
                   .c_str()))
      out.insert(p);
    return out;
  };
  const auto legacy = Codes(
      "SELECT DISTINCT report_commune_code FROM commune_point_version WHERE "
      "report_commune_era = 'L'");
  const auto reformed = Codes(
      "SELECT DISTINCT report_commune_code FROM commune_point_version WHERE "
      "report_commune_era = 'N'");
  ASSERT_FALSE(legacy.empty());
  ASSERT_FALSE(reformed.empty());
  for (const char* iso : {"2025-06-15", "2025-08-26"}) {
    const Date at = D(iso);
    const auto loans = Exported(*db_, at);
    int64_t legacy_total = 0, reformed_total = 0;
    for (const auto& [era, codes] : {std::pair{std::string("L"), legacy}, {"N", reformed}}) {
      for (const auto& code : codes) {
        const auto points = points_of(era, code);
        const auto r = Report("commune:" + era + ":" + code, at);
        EXPECT_EQ(r.unit_kind, "commune");
        ExpectSame(
            r,
            Sum(loans,
                [&](const ExportedLoan& l) { return points.count(l.field.at("point_code")) > 0; }),
            "commune " + era + ":" + code + " " + iso);
        (era == "L" ? legacy_total : reformed_total) += r.end.Outstanding();
      }
    }
    // Every point is in one commune of each structure: both add up to the whole.
    const auto whole = Report("national", at).end.Outstanding();
    EXPECT_EQ(legacy_total, whole) << iso;
    EXPECT_EQ(reformed_total, whole) << iso;
  }
}

// Turnover over a period is the difference of the running sums: what was
// lent and collected between two dates adds up across the months, and the
// back-dated reversal took its payment out of August's collections.
TEST_F(ReportsTest, TurnoverOfAPeriodAddsUpAcrossTheReform) {
  ReportRequest r;
  r.at = D("2025-08-31");
  r.from = D("2025-05-01");
  const auto whole = Headline(*db_, SystemContext(), r);
  ASSERT_TRUE(whole.ok());
  int64_t collected = 0, interest = 0;
  for (auto [from, to] : {std::pair{"2025-05-01", "2025-06-30"}, {"2025-07-01", "2025-08-31"}}) {
    r.from = D(from);
    r.at = D(to);
    const auto part = Headline(*db_, SystemContext(), r);
    ASSERT_TRUE(part.ok());
    collected += part.value().collected;
    interest += part.value().interest_collected;
  }
  EXPECT_GT(whole.value().collected, 0);
  EXPECT_EQ(whole.value().collected, collected);
  EXPECT_EQ(whole.value().interest_collected, interest);
  // The two loans disbursed in August, and the roll-forward: opening + lent
  // − collected − written off = closing.
  EXPECT_EQ(whole.value().lent, 40'000'000);
  EXPECT_EQ(whole.value().start.Outstanding() + whole.value().lent - whole.value().collected -
                whole.value().written_off,
            whole.value().end.Outstanding());
  // The principal collected, from the transactions themselves.
  const auto txns = Codes(
      "SELECT COALESCE(SUM(-p.amount_dong), 0) FROM posting p JOIN journal_entry e ON "
      "e.id = p.entry_id WHERE e.entry_date BETWEEN '2025-05-01' AND '2025-08-31' AND "
      "p.account_code IN ('LOAN_NORMAL', 'LOAN_OVERDUE', 'LOAN_FROZEN') AND "
      "(e.kind = 'pay' OR e.kind = 'reverse')");
  ASSERT_EQ(txns.size(), 1u);
  EXPECT_EQ(whole.value().collected, std::stoll(txns[0]));
}

// BCDHTD 01.1 and 01.2: each row is its loans, the rows add up to the total,
// the total is the headline's.
TEST_F(ReportsTest, ByCommuneAndByProgramAddUp) {
  for (const char* iso : {"2025-06-30", "2025-08-26"}) {
    const Date at = D(iso);
    const auto loans = Exported(*db_, at);
    ReportRequest r;
    r.at = at;
    r.unit = Codes("SELECT code FROM office WHERE code LIKE 'PGD%' ORDER BY code LIMIT 1").at(0);
    const auto headline = Headline(*db_, SystemContext(), r);
    ASSERT_TRUE(headline.ok());
    auto communes = ByCommune(*db_, SystemContext(), r);
    ASSERT_TRUE(communes.ok()) << communes.error().ToString();
    ASSERT_FALSE(communes.value().rows.empty());
    int64_t sum = 0;
    for (const auto& row : communes.value().rows) {
      const auto era = row.code.substr(0, 1), code = row.code.substr(2);
      std::set<std::string> points;
      for (const auto& p :
           Codes(("SELECT p.code FROM commune_point p JOIN commune_point_version v "
                  "ON v.point_id = p.id WHERE v.report_commune_era = '" +
                  era + "' AND v.report_commune_code = '" + code + "' AND v.valid_from <= '" + iso +
                  "' AND (v.valid_to IS NULL OR v.valid_to > '" + iso + "')")
                     .c_str()))
        points.insert(p);
      const auto s = Sum(
          loans, [&](const ExportedLoan& l) { return points.count(l.field.at("point_code")) > 0; });
      EXPECT_EQ(row.end.Outstanding(), s.outstanding) << row.code << " " << iso;
      EXPECT_EQ(row.end.overdue, s.overdue) << row.code << " " << iso;
      EXPECT_EQ(row.end.customers, s.customers) << row.code << " " << iso;
      sum += row.end.Outstanding();
    }
    EXPECT_EQ(sum, communes.value().total.end.Outstanding()) << iso;
    EXPECT_EQ(communes.value().total.end.Outstanding(), headline.value().end.Outstanding());
    EXPECT_EQ(communes.value().total.collected, headline.value().collected);
    auto programs = ByProgram(*db_, SystemContext(), r);
    ASSERT_TRUE(programs.ok());
    sum = 0;
    for (const auto& row : programs.value().rows) {
      const auto s = Sum(loans, [&](const ExportedLoan& l) {
        return l.field.at("program") == row.code && l.field.at("office_code") == r.unit;
      });
      EXPECT_EQ(row.end.Outstanding(), s.outstanding) << row.code << " " << iso;
      EXPECT_EQ(row.end.loans, s.loans) << row.code << " " << iso;
      EXPECT_FALSE(row.name.empty()) << row.code;
      sum += row.end.Outstanding();
    }
    EXPECT_EQ(sum, headline.value().end.Outstanding()) << iso;
    // LEN_31 for a point: each group × program row is its loans, and the
    // rows add up to the point.
    r.unit = "point:" + Codes("SELECT code FROM commune_point ORDER BY code LIMIT 1").at(0);
    auto by_group = ByGroup(*db_, SystemContext(), r);
    ASSERT_TRUE(by_group.ok()) << by_group.error().ToString();
    ASSERT_FALSE(by_group.value().rows.empty());
    sum = 0;
    for (const auto& row : by_group.value().rows) {
      // commune|association|group|program
      const auto a = row.code.find('|'), b = row.code.find('|', a + 1),
                 c = row.code.find('|', b + 1);
      const std::string group = row.code.substr(b + 1, c - b - 1), program = row.code.substr(c + 1);
      const auto s = Sum(loans, [&](const ExportedLoan& l) {
        return l.field.at("group_code") == group && l.field.at("program") == program;
      });
      EXPECT_EQ(row.end.Outstanding(), s.outstanding) << row.code << " " << iso;
      EXPECT_EQ(row.end.loans, s.loans) << row.code << " " << iso;
      sum += row.end.Outstanding();
    }
    EXPECT_EQ(sum, Headline(*db_, SystemContext(), r).value().end.Outstanding()) << iso;
    EXPECT_EQ(sum, by_group.value().total.end.Outstanding()) << iso;
  }
}

// The narrative states the headline's figures, rounded as the bank's
// reports round them, in Vietnamese and in English.
TEST_F(ReportsTest, TheNarrativeStatesTheFigures) {
  ReportRequest r;
  r.at = D("2025-08-31");
  r.from = D("2025-05-01");
  const auto h = Headline(*db_, SystemContext(), r);
  const auto p = ByProgram(*db_, SystemContext(), r);
  ASSERT_TRUE(h.ok());
  ASSERT_TRUE(p.ok());
  const auto billions = [](int64_t dong) { return (dong + 500'000'000) / 1'000'000'000; };
  const std::string vi = Narrative(h.value(), p.value(), false);
  EXPECT_NE(vi.find("Đến ngày 31/08/2025, tổng dư nợ toàn hệ thống đạt " +
                    std::to_string(billions(h.value().end.Outstanding())) + " tỷ đồng, giảm "),
            std::string::npos)
      << vi;
  EXPECT_NE(vi.find("so với 30/04/2025"), std::string::npos) << vi;
  EXPECT_NE(vi.find("khách hàng còn dư nợ"), std::string::npos) << vi;
  EXPECT_NE(vi.find("Doanh số cho vay trong kỳ đạt 40 triệu đồng"), std::string::npos) << vi;
  EXPECT_NE(vi.find("Hội Liên hiệp Phụ nữ"), std::string::npos) << vi;
  EXPECT_NE(vi.find("250 tổ TK&VV"), std::string::npos) << vi;
  const std::string en = Narrative(h.value(), p.value(), true);
  EXPECT_NE(en.find("As of 31/08/2025, the bank's total outstanding reached "), std::string::npos)
      << en;
  EXPECT_NE(en.find("Lending in the period came to 40 million đồng"), std::string::npos) << en;
}

TEST_F(ReportsTest, TheNetworkAndTheBooksVerify) {
  const auto r = Report("national", D("2025-08-31"));
  EXPECT_EQ(r.groups, 250);
  EXPECT_GT(r.households, 8'000);
  EXPECT_GT(r.points, 0);
  auto verified = batch::Verify(testing::DbOf(*db_), true);
  EXPECT_TRUE(verified.ok()) << verified.problems.front();
}

// The year's plan, allocated top-down (RULES §9.8): the nation's first,
// its branch's within it, the branch's offices' within the branch's; each
// refusal names its field and changes nothing; attainment is the
// outstanding over the target, in the headline too.
TEST_F(ReportsTest, ThePlanIsAllocatedTopDownAndAttained) {
  const auto set = [&](const char* unit, const char* program, const char* amount) {
    return SetPlan(*db_, SystemContext(), {2025, unit, program, amount});
  };
  const auto refused = [&](const char* unit, const char* program, const char* amount,
                           const char* code, const char* field) {
    auto r = set(unit, program, amount);
    ASSERT_FALSE(r.ok()) << unit << " " << amount;
    EXPECT_EQ(r.error().code, code) << unit << " " << amount;
    EXPECT_EQ(r.error().field, field) << unit << " " << amount;
  };
  refused("CN31", "01", "100.000.000.000", "PLAN_PARENT_MISSING", "unit");
  ASSERT_TRUE(set("national", "01", "200.000.000.000").ok());
  refused("CN31", "01", "200.000.000.001", "PLAN_EXCEEDS_PARENT", "amount");
  ASSERT_TRUE(set("CN31", "01", "150.000.000.000").ok());
  refused("PGD312", "01", "150.100.000.000", "PLAN_EXCEEDS_PARENT", "amount");
  ASSERT_TRUE(set("PGD312", "01", "150.000.000.000").ok());
  refused("national", "01", "149.000.000.000", "PLAN_BELOW_ALLOCATED", "amount");
  refused("CN31", "01", "140.000.000.000", "PLAN_BELOW_ALLOCATED", "amount");
  refused("PGD312", "01", "1,5", "PLAN_AMOUNT_INVALID", "amount");
  refused("PGD312", "01", "-5", "PLAN_AMOUNT_INVALID", "amount");
  refused("PGD312", "99", "5", "PROGRAM_UNKNOWN", "program");
  refused("PGD312", "", "5", "PROGRAM_UNKNOWN", "program");
  refused("PGD999", "01", "5", "UNIT_UNKNOWN", "unit");
  EXPECT_EQ(SetPlan(*db_, SystemContext(), {1990, "national", "01", "5"}).error().code,
            "PLAN_YEAR_INVALID");
  const std::string point = Codes("SELECT code FROM commune_point ORDER BY code LIMIT 1").at(0);
  refused(point.c_str(), "01", "5", "PLAN_UNIT_INVALID", "unit");
  // Set again: replaced, not added.
  ASSERT_TRUE(set("PGD312", "01", "120.000.000.000").ok());
  ASSERT_TRUE(set("national", "19", "90.000.000.000").ok());
  ReportRequest r;
  r.unit = "national";
  r.at = D("2025-08-31");
  const auto plan = Plan(*db_, SystemContext(), 2025, r);
  ASSERT_TRUE(plan.ok()) << plan.error().ToString();
  ASSERT_EQ(plan.value().lines.size(), 2u);
  EXPECT_EQ(plan.value().lines[0].program, "01");
  EXPECT_EQ(plan.value().lines[0].target, 200'000'000'000);
  EXPECT_EQ(plan.value().lines[0].allocated, 150'000'000'000);
  EXPECT_EQ(plan.value().total.target, 290'000'000'000);
  const auto h = Headline(*db_, SystemContext(), r);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h.value().by_program.at("01"), plan.value().lines[0].outstanding);
  ASSERT_TRUE(h.value().plan.has_value());
  EXPECT_EQ(*h.value().plan, 290'000'000'000);
  EXPECT_EQ(*h.value().PlanAttainmentBp(),
            (h.value().end.Outstanding() * 10'000 + 145'000'000'000) / 290'000'000'000);
  r.unit = "PGD312";
  r.program = "01";
  const auto office = Headline(*db_, SystemContext(), r);
  EXPECT_EQ(*office.value().plan, 120'000'000'000);
  r.program.clear();
  r.association = "women";
  EXPECT_FALSE(Headline(*db_, SystemContext(), r).value().plan.has_value());
  r.association.clear();
  r.unit = "national";
  const auto p = ByProgram(*db_, SystemContext(), r);
  const std::string vi = Narrative(h.value(), p.value(), false);
  EXPECT_NE(vi.find(" kế hoạch năm"), std::string::npos) << vi;
}

TEST_F(ReportsTest, BadRequestsAreRefusedNamingTheField) {
  ReportRequest r;
  r.at = D("2025-08-31");
  r.unit = "PGD999";
  auto bad = Headline(*db_, SystemContext(), r);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "UNIT_UNKNOWN");
  EXPECT_EQ(bad.error().field, "unit");
  r.unit = "commune:N:99999";
  EXPECT_EQ(Headline(*db_, SystemContext(), r).error().code, "COMMUNE_UNKNOWN");
  r.unit = "national";
  r.association = "students";
  EXPECT_EQ(Headline(*db_, SystemContext(), r).error().code, "ASSOCIATION_UNKNOWN");
  r.association = "";
  r.program = "99";
  EXPECT_EQ(Headline(*db_, SystemContext(), r).error().code, "PROGRAM_UNKNOWN");
  r.program = "";
  r.from = D("2025-09-01");
  EXPECT_EQ(Headline(*db_, SystemContext(), r).error().field, "from");
  r.from.reset();
  r.at = D("1990-01-01");
  EXPECT_EQ(Headline(*db_, SystemContext(), r).error().code, "DATE_BEFORE_BANK");
  r.at = D("2052-08-31");  // a mistyped year
  const auto future = Headline(*db_, SystemContext(), r);
  ASSERT_FALSE(future.ok());
  EXPECT_EQ(future.error().code, "DATE_AFTER_BUSINESS_DATE");
  EXPECT_EQ(future.error().field, "at");
}

}  // namespace
}  // namespace tdcs::app

namespace tdcs::app {
namespace {

// The demo district calibrated to the An Dương report of 31/03/2024
// (data/calibration/an-duong-2024-03-31.csv): the headline has its figures,
// the per-loan export adds up to them, and the narrative states them as the
// article does.
TEST(ReportsCalibrationTest, TheDemoDistrictStatesTheAnDuongFigures) {
  std::ifstream in("data/calibration/an-duong-2024-03-31.csv", std::ios::binary);
  ASSERT_TRUE(in);
  auto targets = ReadCalibration(in, "an-duong-2024-03-31.csv");
  ASSERT_TRUE(targets.ok()) << targets.error().ToString();
  GenerateOptions options{"demo", 1, D("2024-03-31")};
  options.calibration = targets.value();
  const std::string target = testing::NewTestTarget();
  auto generated = Generate(target, SystemContext(), options);
  ASSERT_TRUE(generated.ok()) << generated.error().ToString();
  auto db = Connection::Open(target);
  ReportRequest r;
  r.unit = "PGD312";
  r.at = D("2024-03-31");
  const auto h = Headline(*db, SystemContext(), r);
  ASSERT_TRUE(h.ok()) << h.error().ToString();
  EXPECT_EQ(h.value().end.Outstanding(), 438'213'000'000);
  EXPECT_EQ(h.value().end.overdue, 456'000'000);
  EXPECT_EQ(h.value().end.frozen, 0);
  EXPECT_EQ(h.value().OverdueBp(), 10);  // 0,10 %
  EXPECT_EQ(h.value().groups, 250);
  EXPECT_EQ(h.value().households, 8'425);
  EXPECT_EQ(h.value().end.customers, 8'425);
  EXPECT_EQ(h.value().by_association.at(11), 147'185'000'000);
  EXPECT_EQ(h.value().by_association.at(12), 185'065'000'000);
  EXPECT_EQ(h.value().by_association.at(13), 70'061'000'000);
  // Youth, not given, takes the rest: 438.213 − 402.311 triệu.
  EXPECT_EQ(h.value().by_association.at(14), 35'902'000'000);
  // The independent path agrees.
  const auto loans = Exported(*db, D("2024-03-31"));
  const Sums s = Sum(loans, [](const ExportedLoan&) { return true; });
  EXPECT_EQ(s.outstanding, 438'213'000'000);
  EXPECT_EQ(s.overdue, 456'000'000);
  EXPECT_EQ(s.customers, 8'425);
  EXPECT_EQ(s.by_association.at("farmers"), 147'185'000'000);
  const auto p = ByProgram(*db, SystemContext(), r);
  ASSERT_TRUE(p.ok());
  const std::string vi = Narrative(h.value(), p.value(), false);
  for (const char* phrase :
       {"Đến ngày 31/03/2024, tổng dư nợ của Phòng giao dịch NHCSXH", "đạt 438.213 triệu đồng",
        "Nợ quá hạn là 456 triệu đồng, chiếm 0,1 % tổng dư nợ", "Hội Nông dân 147.185 triệu đồng",
        "Hội Liên hiệp Phụ nữ 185.065 triệu đồng", "Hội Cựu chiến binh 70.061 triệu đồng",
        "250 tổ TK&VV với 8.425 hộ thành viên"})
    EXPECT_NE(vi.find(phrase), std::string::npos) << phrase << "\n" << vi;
  // All of it was taken over on the day: no growth and no "largest growth" is claimed.
  EXPECT_EQ(vi.find("tăng"), std::string::npos) << vi;
  const std::string en = Narrative(h.value(), p.value(), true);
  EXPECT_NE(en.find("reached 438,213 million đồng"), std::string::npos) << en;
  EXPECT_NE(en.find("Overdue debt was 456 million đồng, 0.1% of outstanding"), std::string::npos)
      << en;
  auto verified = batch::Verify(testing::DbOf(*db), true);
  EXPECT_TRUE(verified.ok()) << verified.problems.front();
}

// Other counts than the profile's, ratios, a frozen share, after the
// reform: the figures are the targets', and the books verify.
TEST(ReportsCalibrationTest, CountsRatiosAndFrozenLoansAreMetToo) {
  std::istringstream in(
      "unit,at,indicator,value\n"
      "national,2025-12-31,outstanding_dong,150 tỷ\n"
      "national,2025-12-31,groups,120\n"
      "national,2025-12-31,households,3.000\n"
      "national,2025-12-31,overdue_ratio,\"0,5 %\"\n"
      "national,2025-12-31,frozen_ratio,0.2%\n"
      "national,2025-12-31,by_association.women,70 tỷ\n");
  auto targets = ReadCalibration(in, "t.csv");
  ASSERT_TRUE(targets.ok()) << targets.error().ToString();
  GenerateOptions options{"demo", 9, D("2025-12-31")};
  options.calibration = targets.value();
  const std::string target = testing::NewTestTarget();
  auto generated = Generate(target, SystemContext(), options);
  ASSERT_TRUE(generated.ok()) << generated.error().ToString();
  EXPECT_TRUE(generated.value().reform_applied);
  auto db = Connection::Open(target);
  ReportRequest r;
  r.at = D("2025-12-31");
  const auto h = Headline(*db, SystemContext(), r);
  ASSERT_TRUE(h.ok()) << h.error().ToString();
  EXPECT_EQ(h.value().end.Outstanding(), 150'000'000'000);
  EXPECT_EQ(h.value().end.overdue, 750'000'000);  // 0,5 % of it
  EXPECT_EQ(h.value().end.frozen, 300'000'000);   // 0,2 %
  EXPECT_EQ(h.value().groups, 120);
  EXPECT_EQ(h.value().households, 3'000);
  EXPECT_EQ(h.value().end.customers, 3'000);
  EXPECT_EQ(h.value().by_association.at(12), 70'000'000'000);
  const Sums s = Sum(Exported(*db, D("2025-12-31")), [](const ExportedLoan&) { return true; });
  EXPECT_EQ(s.outstanding, 150'000'000'000);
  EXPECT_EQ(s.frozen, 300'000'000);
  auto verified = batch::Verify(testing::DbOf(*db), true);
  EXPECT_TRUE(verified.ok()) << verified.problems.front();
}

}  // namespace
}  // namespace tdcs::app

namespace tdcs::app {
namespace {

// The nation's and each office's groups and member households come from
// the network series (RULES §9.1); a point's are counted from the network
// tables. After members leave, a group moves to another point and a point
// to another office — dated back — and a change rolled back, the series
// still equal the points' counts added up, at every date either side.
TEST(ReportsNetworkTest, TheNetworkSeriesFollowEveryChangeOfTheNetwork) {
  const std::string target = testing::NewTestTarget();
  ASSERT_TRUE(Generate(target, SystemContext(), {"demo", 5, D("2024-06-30")}).ok());
  auto db = Connection::Open(target);
  store::Database& sdb = testing::DbOf(*db);
  store::NetworkStore network(sdb);
  const auto groups = network.GroupsOn(D("2024-06-30"));
  const auto points = network.PointsOn(D("2024-06-30"));
  const auto offices = network.OfficesOn(D("2024-06-30"));
  ASSERT_GE(points.size(), 3u);
  ASSERT_GE(offices.size(), 2u);  // the seat and the office
  int64_t new_office = 0;
  {
    store::Transaction tx(sdb);
    // Three members of the first group leave on 15/03/2023.
    const auto members = network.MembershipsOfGroup(groups[0].id);
    for (size_t k = 0; k < 3; ++k) network.EndMembership(members[k + 2].id, D("2023-03-15"));
    // The second group moves to another point from 01/02/2022.
    store::GroupRow moved = groups[1];
    for (const auto& p : points)
      if (p.id != moved.point_id) {
        moved.point_id = p.id;
        break;
      }
    moved.period = {D("2022-02-01"), std::nullopt};
    network.ReviseGroup(moved);
    // The last point is served by the other office (the seat) from 01/10/2023.
    store::PointRow point = points.back();
    for (const auto& o : offices)
      if (o.id != point.office_id) {
        point.office_id = new_office = o.id;
        break;
      }
    point.period = {D("2023-10-01"), std::nullopt};
    network.RevisePoint(point);
    tx.Commit();
  }
  {
    // Rolled back: leaves nothing in the series.
    store::Transaction tx(sdb);
    for (const auto& m : network.MembershipsOfGroup(groups[3].id))
      network.EndMembership(m.id, D("2020-01-01"));
  }
  for (const char* iso : {"2015-01-01", "2020-06-30", "2022-01-31", "2022-02-01", "2023-03-14",
                          "2023-03-15", "2023-09-30", "2023-10-01", "2024-06-30"}) {
    const Date on = D(iso);
    // Each group's figures counted from the network tables; the points'
    // series (0027) equal their groups', and the offices' and the nation's
    // their points'.
    std::map<int64_t, store::NetworkFigures> by_group_point;
    for (const auto& g : network.GroupsOn(on)) {
      const auto f = store::NetworkFiguresOn(sdb, store::kLevelGroup, {g.id}, 0, on);
      by_group_point[g.point_id].groups += f.groups;
      by_group_point[g.point_id].households += f.households;
    }
    store::NetworkFigures by_points;
    std::map<int64_t, store::NetworkFigures> by_office;
    for (const auto& p : network.PointsOn(on)) {
      const auto f = store::NetworkFiguresOn(sdb, store::kLevelPoint, {p.id}, 0, on);
      EXPECT_EQ(f.groups, by_group_point[p.id].groups) << p.code << " " << iso;
      EXPECT_EQ(f.households, by_group_point[p.id].households) << p.code << " " << iso;
      by_points.groups += f.groups;
      by_points.households += f.households;
      by_office[p.office_id].groups += f.groups;
      by_office[p.office_id].households += f.households;
    }
    const auto nation = store::NetworkFiguresOn(sdb, store::kLevelNation, {0}, 0, on);
    EXPECT_EQ(nation.groups, by_points.groups) << iso;
    EXPECT_EQ(nation.households, by_points.households) << iso;
    for (const auto& o : offices) {
      const auto f = store::NetworkFiguresOn(sdb, store::kLevelOffice, {o.id}, 0, on);
      EXPECT_EQ(f.groups, by_office[o.id].groups) << o.code << " " << iso;
      EXPECT_EQ(f.households, by_office[o.id].households) << o.code << " " << iso;
    }
    int64_t per_association = 0;
    for (int a = 11; a <= 14; ++a)
      per_association += store::NetworkFiguresOn(sdb, store::kLevelNation, {0}, a, on).households;
    EXPECT_EQ(per_association, nation.households) << iso;
  }
  // The moved point's groups count at the seat from 01/10/2023.
  // The month's ratings by class: the nation's and each office's counts
  // (written with the ratings) equal their points' (read from the ratings).
  auto rated = RateGroups(*db, SystemContext(), {2024, 5});
  ASSERT_TRUE(rated.ok()) << rated.error().ToString();
  const Date rated_on = D("2024-06-30");
  std::map<std::string, int64_t> by_points;
  std::map<int64_t, std::map<std::string, int64_t>> by_office;
  for (const auto& p : network.PointsOn(rated_on))
    for (const auto& [k, n] :
         store::RatingCountsOn(sdb, store::kLevelPoint, {p.id}, 0, rated_on).by_class) {
      by_points[k] += n;
      by_office[p.office_id][k] += n;
    }
  const auto nation_ratings = store::RatingCountsOn(sdb, store::kLevelNation, {0}, 0, rated_on);
  EXPECT_EQ(nation_ratings.month, "2024-05");
  EXPECT_EQ(nation_ratings.by_class, by_points);
  int64_t rated_groups = 0;
  for (const auto& [k, n] : by_points) rated_groups += n;
  EXPECT_EQ(rated_groups, 250);
  for (const auto& o : offices)
    EXPECT_EQ(store::RatingCountsOn(sdb, store::kLevelOffice, {o.id}, 0, rated_on).by_class,
              by_office[o.id])
        << o.code;
  // BC0437: a row per group rated, the classes as the counts say.
  ReportRequest rr;
  rr.at = rated_on;
  const auto bc0437 = GroupRatings(*db, SystemContext(), rr);
  ASSERT_TRUE(bc0437.ok()) << bc0437.error().ToString();
  EXPECT_EQ(bc0437.value().month, "2024-05");
  EXPECT_EQ(bc0437.value().rows.size(), 250u);
  EXPECT_EQ(bc0437.value().by_class, by_points);
  size_t office_rows = 0;
  for (const auto& o : offices) {
    rr.unit = o.code;
    const auto of_office = GroupRatings(*db, SystemContext(), rr);
    ASSERT_TRUE(of_office.ok()) << of_office.error().ToString();
    office_rows += of_office.value().rows.size();
    EXPECT_EQ(of_office.value().by_class, by_office[o.id]) << o.code;
  }
  EXPECT_EQ(office_rows, 250u);
  rr.unit = "national";
  rr.association = "youth";
  int64_t youth = 0;
  const auto of_youth = GroupRatings(*db, SystemContext(), rr);
  ASSERT_TRUE(of_youth.ok());
  for (const auto& row : of_youth.value().rows) {
    EXPECT_EQ(row.association, "youth");
    ++youth;
  }
  EXPECT_EQ(youth, [&] {
    int64_t n = 0;
    for (const auto& [k, c] :
         store::RatingCountsOn(sdb, store::kLevelNation, {0}, 14, rated_on).by_class)
      n += c;
    return n;
  }());
  const auto layout = LayoutOf(bc0437.value());
  ASSERT_EQ(layout.sheets.size(), 2u);
  EXPECT_EQ(layout.sheets[1].rows.size(), 250u);
  rr.association.clear();
  rr.at = D("2024-04-30");  // before the month rated: nothing
  EXPECT_TRUE(GroupRatings(*db, SystemContext(), rr).value().month.empty());
  EXPECT_GT(
      store::NetworkFiguresOn(sdb, store::kLevelOffice, {new_office}, 0, D("2023-10-01")).groups,
      0);
  EXPECT_EQ(
      store::NetworkFiguresOn(sdb, store::kLevelOffice, {new_office}, 0, D("2023-09-30")).groups,
      0);
  auto verified = batch::Verify(sdb, true);
  EXPECT_TRUE(verified.ok()) << verified.problems.front();
  // Altered, they are caught: the counts by class by verify, the network
  // series by verify --deep.
  sdb.ExecScript("UPDATE report_rating SET groups = groups + 1 WHERE level = 'n'");
  verified = batch::Verify(sdb, false);
  ASSERT_FALSE(verified.ok());
  EXPECT_NE(verified.problems.front().find("2024-05"), std::string::npos)
      << verified.problems.front();
  sdb.ExecScript(
      "UPDATE report_rating SET groups = groups - 1 WHERE level = 'n'; UPDATE report_day SET "
      "value = value + 1 WHERE key LIKE 'O|%|members' AND day >= '2023-01-01'");
  ASSERT_TRUE(batch::Verify(sdb, false).ok());
  verified = batch::Verify(sdb, true);
  ASSERT_FALSE(verified.ok());
  EXPECT_NE(verified.problems.front().find("members"), std::string::npos)
      << verified.problems.front();
}

}  // namespace
}  // namespace tdcs::app

namespace tdcs::app {
namespace {

// Outcomes (RULES §9.9): recorded on the application (the program's own
// when none is stated), counted from the day the first principal reaches
// the household, taken back with a reversed disbursement; a bad one is
// refused naming the field, and nothing is recorded.
TEST(ReportsOutcomesTest, OutcomesCountFromTheFirstDisbursement) {
  const std::string target = testing::NewTestTarget();
  ASSERT_TRUE(Generate(target, SystemContext(), {"demo", 5, D("2024-06-30")}).ok());
  auto db = Connection::Open(target);
  store::Database& sdb = testing::DbOf(*db);
  ReportRequest r;
  r.at = D("2024-06-30");
  const auto before = Headline(*db, SystemContext(), r);
  ASSERT_TRUE(before.ok());
  // The generated loans' own outcomes, summed here from the table.
  std::map<std::string, int64_t> recorded;
  auto st = sdb.Prepare("SELECT kind, SUM(count) FROM loan_outcome GROUP BY kind");
  while (st->Step()) recorded[st->GetText(0)] = st->GetInt(1);
  EXPECT_GT(recorded["students"], 0);
  EXPECT_GT(recorded["jobs"], recorded["students"] / 10);
  EXPECT_EQ(before.value().end.outcomes, recorded);
  auto job_loan = sdb.Prepare(
      "SELECT b.code FROM loan l JOIN borrower b ON b.id = l.borrower_id WHERE l.program_code = "
      "'03' ORDER BY l.code LIMIT 1");
  ASSERT_TRUE(job_loan->Step());
  LoanApplicationRequest a;
  a.code = "OUT1";
  a.borrower_code = job_loan->GetText(0);
  a.program = "03";
  a.amount = Money::Dong(30'000'000);
  a.term_months = 36;
  a.date = D("2024-06-30");
  for (const auto& bad : std::vector<std::map<std::string, int>>{
           {{"students", 1}}, {{"jobs", 0}}, {{"fishing", 1}}, {{"jobs", 1'001}}}) {
    a.outcomes = bad;
    auto refused = ApproveLoan(*db, SystemContext(), a);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, "OUTCOME_INVALID");
    EXPECT_EQ(refused.error().field, "outcome");
  }
  EXPECT_EQ(sdb.QueryInt("SELECT COUNT(*) FROM loan WHERE code = 'OUT1'").value_or(-1), 0);
  a.outcomes = {{"jobs", 3}};
  ASSERT_TRUE(ApproveLoan(*db, SystemContext(), a).ok());
  // Approved, not disbursed: nothing yet.
  EXPECT_EQ(Headline(*db, SystemContext(), r).value().end.outcomes, recorded);
  auto act = [&](LoanActionKind kind) {
    LoanAction action;
    action.kind = kind;
    action.loan_code = "OUT1";
    action.date = D("2024-06-30");
    action.amount = Money::Dong(30'000'000);
    auto done = ActOnLoan(*db, SystemContext(), action);
    ASSERT_TRUE(done.ok()) << done.error().ToString();
  };
  // The jobs of the day (the take-over's and this loan's), per unit and program.
  r.from = D("2024-06-30");
  const auto jobs = [&](const char* unit, const char* program) {
    ReportRequest q = r;
    q.unit = unit;
    q.program = program;
    const auto h = Headline(*db, SystemContext(), q);
    const auto it = h.value().outcomes.find("jobs");
    return it == h.value().outcomes.end() ? int64_t{0} : it->second;
  };
  const int64_t national = jobs("national", ""), office = jobs("PGD312", ""),
                of_03 = jobs("national", "03"), of_01 = jobs("national", "01");
  act(LoanActionKind::kDisburse);
  const auto after = Headline(*db, SystemContext(), r);
  EXPECT_EQ(after.value().end.outcomes.at("jobs"), recorded["jobs"] + 3);
  EXPECT_EQ(jobs("national", ""), national + 3);
  EXPECT_EQ(jobs("PGD312", ""), office + 3);
  EXPECT_EQ(jobs("national", "03"), of_03 + 3);
  EXPECT_EQ(jobs("national", "01"), of_01);
  const auto p = ByProgram(*db, SystemContext(), r);
  EXPECT_NE(
      Narrative(after.value(), p.value(), false)
          .find("tạo việc làm cho " +
                std::to_string(national + 3).insert(std::to_string(national + 3).size() - 3, ".") +
                " lao động"),
      std::string::npos)
      << Narrative(after.value(), p.value(), false);
  act(LoanActionKind::kReverseLast);
  EXPECT_EQ(Headline(*db, SystemContext(), r).value().end.outcomes, recorded);
  auto verified = batch::Verify(sdb, true);
  EXPECT_TRUE(verified.ok()) << verified.problems.front();
}

}  // namespace
}  // namespace tdcs::app
