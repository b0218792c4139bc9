// Reconciliation (list 15/TD) and inspections (06/TD), RULES §8: the figures
// snapshotted, refusals that write nothing, progress, the loans due an
// inspection and the yearly plan.
#include "app/reconcile.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include "app/books.h"
#include "app/import.h"
#include "app/inspect.h"
#include "app/loans.h"
#include "network/oversight.h"
#include "test_db.h"

namespace tdcs::app {
namespace {

Date D(const char* iso) { return *Date::Parse(iso); }

TEST(OversightRulesTest, ProgressInVietnameseFormat) {
  EXPECT_EQ(network::HouseholdProgress(217978, 254076), "217.978 / 254.076 hộ, 86 %");
  EXPECT_EQ(network::GroupDigits(1234567), "1.234.567");
  EXPECT_EQ(network::GroupDigits(999), "999");
  EXPECT_EQ(network::PercentRounded(0, 10), 0);
  EXPECT_EQ(network::PercentRounded(1, 3), 33);
  EXPECT_EQ(network::PercentRounded(2, 3), 67);
  EXPECT_EQ(network::PercentRounded(1, 8), 13);  // 12.5 half up
  // Never 100 % while a household is left, never 0 % once one answered.
  EXPECT_EQ(network::PercentRounded(999, 1000), 99);
  EXPECT_EQ(network::PercentRounded(1, 1000), 1);
  EXPECT_EQ(network::PercentRounded(5, 5), 100);
  EXPECT_EQ(network::PercentRounded(0, 0), 0);
}

TEST(OversightRulesTest, PlanMonthsAreSpreadEvenly) {
  std::map<int, int> per_month;
  for (int m : network::SpreadOverMonths(30, 0)) ++per_month[m];
  for (int m : network::SpreadOverMonths(7, 30)) ++per_month[m];
  ASSERT_EQ(per_month.size(), 12u);
  for (const auto& [month, n] : per_month) {
    EXPECT_GE(n, 3) << month;
    EXPECT_LE(n, 4) << month;
  }
  EXPECT_EQ(network::SpreadOverMonths(3, 11), (std::vector<int>{12, 1, 2}));
}

TEST(OversightRulesTest, WindowsAndNotes) {
  EXPECT_EQ(network::NewLoanWindowStart(D("2024-06-01")), D("2024-05-02"));
  EXPECT_EQ(network::NewLoanDeadline(D("2024-05-02")), D("2024-06-01"));
  EXPECT_EQ(network::DormantCutoff(D("2024-05-31")), D("2024-02-29"));
  EXPECT_TRUE(network::NoteFits("Hộ cho rằng đã trả lãi\ttháng 3"));
  EXPECT_FALSE(network::NoteFits("a\nb"));
  EXPECT_FALSE(network::NoteFits(std::string(501, 'x')));
}

// An office (PGD312) with three groups (women 0000001 and farmers 0000002 at
// point P11581, veterans 0000003 at P11584) and eight households.
class OversightTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::NewInitialisedConnection();
    std::string borrowers = testing::kBorrowersHeader;
    const char* groups[] = {"0000001", "0000001", "0000002", "0000002",
                            "0000003", "0000003", "0000001", "0000002"};
    for (int n = 1; n <= 8; ++n) {
      std::string row = testing::BorrowerRow(n, "Hộ " + std::to_string(n), groups[n - 1]);
      const auto at = row.find(",poor,");
      row.replace(at, 6, ",poor;student_household,");
      borrowers += row;
    }
    for (auto [kind, text] : {std::pair{ImportKind::kNetwork, std::string(testing::kNetworkCsv)},
                              std::pair{ImportKind::kGroups, std::string(testing::kGroupsCsv)},
                              std::pair{ImportKind::kBorrowers, borrowers}}) {
      std::istringstream in(text);
      auto r = Import(*db_, ctx_, kind, in);
      ASSERT_TRUE(r.ok()) << r.errors.front().error.ToString();
    }
  }

  void CloseTo(const char* iso) {
    auto r = app::CloseTo(*db_, ctx_, {D(iso), nullptr, nullptr});
    ASSERT_TRUE(r.ok()) << r.error().ToString();
  }
  // A loan approved and disbursed on the business date.
  void Lend(const std::string& code, int borrower, const std::string& program, int64_t amount,
            const char* on, int study_months = 0) {
    LoanApplicationRequest r;
    r.code = code;
    char b[16];
    std::snprintf(b, sizeof b, "%010d", borrower);
    r.borrower_code = b;
    r.program = program;
    r.amount = Money::Dong(amount);
    r.term_months = 60;
    r.study_months = study_months;
    r.date = D(on);
    auto id = ApproveLoan(*db_, ctx_, r);
    ASSERT_TRUE(id.ok()) << id.error().ToString();
    Act(LoanActionKind::kDisburse, code, on);
  }
  void Act(LoanActionKind kind, const std::string& code, const char* on, int64_t amount = 0,
           int months = 0) {
    LoanAction a;
    a.kind = kind;
    a.loan_code = code;
    a.date = D(on);
    a.amount = Money::Dong(amount);
    a.months = months;
    auto r = ActOnLoan(*db_, ctx_, a);
    ASSERT_TRUE(r.ok()) << code << ": " << r.error().ToString();
  }
  int64_t Count(const std::string& table) {
    return testing::DbOf(*db_).QueryInt("SELECT COUNT(*) FROM " + table).value_or(-1);
  }
  std::string Lines() {
    auto st = testing::DbOf(*db_).Prepare(
        "SELECT borrower_id, COALESCE(answer, '-'), note, COALESCE(resolution, '-') FROM "
        "reconcile_line ORDER BY campaign_id, borrower_id");
    std::string out;
    while (st->Step())
      out += std::to_string(st->GetInt(0)) + " " + st->GetText(1) + " " + st->GetText(2) + " " +
             st->GetText(3) + "\n";
    return out;
  }

  std::unique_ptr<Connection> db_;
  Context ctx_ = SystemContext();
};

TEST_F(OversightTest, SnapshotsWhatEachHouseholdOwedAndSavedOnAPastDate) {
  CloseTo("2024-01-10");
  Lend("LA", 1, "01", 50'000'000, "2024-01-10");
  ASSERT_TRUE(ActOnSavings(*db_, ctx_,
                           {SavingsActionKind::kDeposit, "0000000003", Money::Dong(700'000),
                            D("2024-01-10")})
                  .ok());
  CloseTo("2024-03-07");
  // After the date reconciled: interest paid and a deposit.
  Act(LoanActionKind::kPay, "LA", "2024-03-07", 1'000'000);
  ASSERT_TRUE(ActOnSavings(*db_, ctx_,
                           {SavingsActionKind::kDeposit, "0000000003", Money::Dong(300'000),
                            D("2024-03-07")})
                  .ok());
  auto opened = OpenReconciliation(*db_, ctx_, {"PGD312", D("2024-03-01"), ""});
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  EXPECT_EQ(opened.value().code, "DC-PGD312-20240301");
  EXPECT_EQ(opened.value().households, 2);
  EXPECT_EQ(opened.value().groups, 2);
  auto list = ListReconciliation(*db_, ctx_, "DC-PGD312-20240301", "");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list.value().lines.size(), 2u);
  const auto& a = list.value().lines[0];
  EXPECT_EQ(a.borrower_code, "0000000001");
  EXPECT_EQ(a.group_code, "0000001");
  EXPECT_EQ(a.association, 12);
  // 50,000,000 × 0.55 % × 51 days (10/01 to 01/03) / 30 = 467,500.
  EXPECT_EQ(a.principal, Money::Dong(50'000'000));
  EXPECT_EQ(a.interest, Money::Dong(467'500));
  EXPECT_EQ(a.savings, Money::Zero());
  const auto& b = list.value().lines[1];
  EXPECT_EQ(b.borrower_code, "0000000003");
  EXPECT_EQ(b.principal, Money::Zero());
  EXPECT_EQ(b.savings, Money::Dong(700'000));  // the deposit of 07/03 came later
  // The same figures as the loan view of that day.
  auto view = ViewLoan(*db_, ctx_, "LA", D("2024-03-01"));
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view.value().interest_due, a.interest);
  // A group's list, an association's.
  auto group = ListReconciliation(*db_, ctx_, "DC-PGD312-20240301", "0000002");
  ASSERT_TRUE(group.ok());
  EXPECT_EQ(group.value().lines.size(), 1u);
  EXPECT_EQ(ListReconciliation(*db_, ctx_, "DC-PGD312-20240301", "", 12).value().lines.size(), 1u);
  EXPECT_EQ(ListReconciliation(*db_, ctx_, "DC-PGD312-20240301", "0000003").error().code,
            "GROUP_NOT_IN_CAMPAIGN");
}

TEST_F(OversightTest, ARefusalWritesNothing) {
  CloseTo("2024-01-10");
  Lend("LA", 1, "01", 50'000'000, "2024-01-10");
  Lend("LB", 2, "01", 10'000'000, "2024-01-10");
  ASSERT_TRUE(OpenReconciliation(*db_, ctx_, {"P11581", D("2024-01-10"), "DC1"}).ok());
  const int64_t campaigns = Count("reconcile_campaign"), lines = Count("reconcile_line");
  EXPECT_EQ(campaigns, 1);
  EXPECT_EQ(lines, 2);
  const std::string before = Lines();
  struct Case {
    ReconcileOpenRequest request;
    const char* code;
  };
  for (const Case& c : {Case{{"P11581", D("2024-01-10"), "DC2"}, "CAMPAIGN_EXISTS"},
                        Case{{"PGD312", D("2024-01-10"), "DC1"}, "CAMPAIGN_CODE_DUPLICATE"},
                        Case{{"PGD312", D("2024-01-11"), "DC3"}, "DATE_AFTER_BUSINESS_DATE"},
                        Case{{"NOSUCH", D("2024-01-10"), "DC4"}, "UNIT_UNKNOWN"},
                        Case{{"office:P11581", D("2024-01-10"), "DC5"}, "UNIT_UNKNOWN"},
                        Case{{"P11584", D("2024-01-10"), "DC6"}, "CAMPAIGN_EMPTY"},
                        Case{{"PGD312", D("2024-01-10"), "bad code!"}, "CAMPAIGN_CODE_FORMAT"}}) {
    auto r = OpenReconciliation(*db_, ctx_, c.request);
    ASSERT_FALSE(r.ok()) << c.code;
    EXPECT_EQ(r.error().code, c.code);
    EXPECT_FALSE(r.error().message_vi.empty());
    EXPECT_FALSE(r.error().message_en.empty());
  }
  auto answer = [&](const std::string& borrower, bool confirmed, const std::string& note) {
    return AnswerReconciliation(*db_, ctx_, {"DC1", borrower, confirmed, note});
  };
  EXPECT_EQ(answer("0000000009", true, "").error().code, "BORROWER_UNKNOWN");
  EXPECT_EQ(answer("0000000003", true, "").error().code, "BORROWER_NOT_IN_CAMPAIGN");
  EXPECT_EQ(answer("0000000001", false, "").error().code, "NOTE_INVALID");
  EXPECT_EQ(answer("0000000001", false, "a\x1b[31m").error().code, "NOTE_INVALID");
  EXPECT_EQ(ResolveReconciliation(*db_, ctx_, "DC1", "0000000001", "x").error().code,
            "RECONCILE_NOT_A_DISCREPANCY");
  EXPECT_EQ(ResolveReconciliation(*db_, ctx_, "NOPE", "0000000001", "x").error().code,
            "CAMPAIGN_UNKNOWN");
  EXPECT_EQ(Count("reconcile_campaign"), campaigns);
  EXPECT_EQ(Count("reconcile_line"), lines);
  EXPECT_EQ(Lines(), before);
  // A confirmed line is not resolved, nor answered again.
  ASSERT_TRUE(answer("0000000001", true, "").ok());
  const std::string confirmed = Lines();
  EXPECT_EQ(ResolveReconciliation(*db_, ctx_, "DC1", "0000000001", "x").error().code,
            "RECONCILE_NOT_A_DISCREPANCY");
  EXPECT_EQ(answer("0000000001", false, "changed").error().code, "RECONCILE_ALREADY_ANSWERED");
  EXPECT_EQ(Lines(), confirmed);
}

TEST_F(OversightTest, ProgressPerUnitAndAssociation) {
  CloseTo("2024-01-10");
  for (int n = 1; n <= 6; ++n) Lend("L" + std::to_string(n), n, "01", 10'000'000, "2024-01-10");
  ASSERT_TRUE(OpenReconciliation(*db_, ctx_, {"CN31", D("2024-01-10"), "DC"}).ok());
  ASSERT_TRUE(AnswerReconciliation(*db_, ctx_, {"DC", "0000000001", true, ""}).ok());
  ASSERT_TRUE(AnswerReconciliation(*db_, ctx_, {"DC", "0000000002", false, "sai lãi"}).ok());
  ASSERT_TRUE(AnswerReconciliation(*db_, ctx_, {"DC", "0000000005", false, "sai gốc"}).ok());
  ASSERT_TRUE(ResolveReconciliation(*db_, ctx_, "DC", "0000000005", "đã sửa").ok());
  EXPECT_EQ(ResolveReconciliation(*db_, ctx_, "DC", "0000000005", "lại").error().code,
            "RECONCILE_ALREADY_RESOLVED");
  auto by_point = ReconciliationProgress(*db_, ctx_, "DC", "point");
  ASSERT_TRUE(by_point.ok());
  ASSERT_EQ(by_point.value().rows.size(), 2u);
  EXPECT_EQ(by_point.value().rows[0].unit, "P11581");
  EXPECT_EQ(by_point.value().rows[0].text, "2 / 4 hộ, 50 %");
  EXPECT_EQ(by_point.value().rows[1].text, "1 / 2 hộ, 50 %");
  EXPECT_EQ(by_point.value().total.text, "3 / 6 hộ, 50 %");
  EXPECT_EQ(by_point.value().total.discrepancies, 2);
  EXPECT_EQ(by_point.value().total.resolved, 1);
  auto by_association = ReconciliationProgress(*db_, ctx_, "DC", "association");
  ASSERT_TRUE(by_association.ok());
  ASSERT_EQ(by_association.value().rows.size(), 3u);
  EXPECT_EQ(by_association.value().rows[0].unit.substr(0, 2), "11");
  EXPECT_EQ(by_association.value().rows[0].text, "0 / 2 hộ, 0 %");
  EXPECT_EQ(by_association.value().rows[1].text, "2 / 2 hộ, 100 %");
  EXPECT_EQ(by_association.value().rows[2].percent, 50);
  EXPECT_EQ(ReconciliationProgress(*db_, ctx_, "DC", "village").error().code,
            "PROGRESS_BY_INVALID");
}

TEST_F(OversightTest, InspectionsDueAndTheYearlyPlan) {
  CloseTo("2024-01-10");
  Lend("LA", 1, "01", 50'000'000, "2024-01-10");      // dormant
  Lend("LF", 2, "01", 20'000'000, "2024-01-10");      // frozen: left out
  Lend("LS", 3, "02", 40'000'000, "2024-01-10", 12);  // a student's: left out
  Lend("LP", 4, "01", 30'000'000, "2024-01-10");      // paid on 15/04
  CloseTo("2024-02-01");
  Act(LoanActionKind::kFreeze, "LF", "2024-02-01", 0, 12);
  CloseTo("2024-04-15");
  Act(LoanActionKind::kPay, "LP", "2024-04-15", 500'000);
  CloseTo("2024-05-01");
  Lend("N0", 5, "01", 10'000'000, "2024-05-01");
  CloseTo("2024-05-02");
  Lend("N1", 6, "01", 10'000'000, "2024-05-02");
  CloseTo("2024-06-01");
  Lend("N2", 8, "01", 10'000'000, "2024-06-01");

  // New loans on 01/06: disbursed from 02/05 (deadline 01/06) to 01/06.
  auto fresh = NewLoansToInspect(*db_, ctx_, "PGD312", D("2024-06-01"));
  ASSERT_TRUE(fresh.ok()) << fresh.error().ToString();
  ASSERT_EQ(fresh.value().size(), 2u);
  // By association: N2 (farmers, 11) before N1 (veterans, 13).
  EXPECT_EQ(fresh.value()[0].loan_code, "N2");
  EXPECT_EQ(fresh.value()[0].association, 11);
  EXPECT_EQ(fresh.value()[0].days_left, 30);
  EXPECT_EQ(fresh.value()[1].loan_code, "N1");
  EXPECT_EQ(fresh.value()[1].deadline, D("2024-06-01"));
  EXPECT_EQ(fresh.value()[1].days_left, 0);
  EXPECT_FALSE(fresh.value()[1].inspected_on);
  auto recorded = RecordInspection(*db_, ctx_, {"N1", "", D("2024-06-01"), "ok", "đủ hồ sơ"});
  ASSERT_TRUE(recorded.ok()) << recorded.error().ToString();
  fresh = NewLoansToInspect(*db_, ctx_, "PGD312", D("2024-06-01"), 13);
  ASSERT_EQ(fresh.value().size(), 1u);
  EXPECT_EQ(fresh.value()[0].inspected_on, D("2024-06-01"));
  // On 31/05 N0 (01/05) is still in its 30 days.
  EXPECT_EQ(NewLoansToInspect(*db_, ctx_, "PGD312", D("2024-05-31")).value().size(), 2u);

  // No transaction from 01/03 to 01/06: LA only (LF frozen, LS a student's,
  // LP paid on 15/04, the new ones disbursed since).
  auto dormant = DormantLoans(*db_, ctx_, "PGD312", D("2024-06-01"));
  ASSERT_TRUE(dormant.ok()) << dormant.error().ToString();
  ASSERT_EQ(dormant.value().size(), 1u);
  EXPECT_EQ(dormant.value()[0].loan_code, "LA");
  EXPECT_EQ(dormant.value()[0].last_transaction, D("2024-01-10"));
  EXPECT_EQ(dormant.value()[0].principal, Money::Dong(50'000'000));
  // The cutoff day itself is within the three months: LP's payment of 15/04
  // counts on 15/07, not on 16/07.
  CloseTo("2024-07-16");
  std::set<std::string> on_15, on_16;
  const auto dormant_15 = DormantLoans(*db_, ctx_, "PGD312", D("2024-07-15"));
  const auto dormant_16 = DormantLoans(*db_, ctx_, "PGD312", D("2024-07-16"));
  for (const auto& l : dormant_15.value()) on_15.insert(l.loan_code);
  for (const auto& l : dormant_16.value()) on_16.insert(l.loan_code);
  EXPECT_EQ(on_15, (std::set<std::string>{"LA"}));
  EXPECT_EQ(on_16, (std::set<std::string>{"LA", "LP"}));
  EXPECT_EQ(DormantLoans(*db_, ctx_, "PGD312", D("2024-07-16"), 12).value().size(), 1u);
  EXPECT_EQ(DormantLoans(*db_, ctx_, "PGD312", D("2024-07-17")).error().code,
            "DATE_AFTER_BUSINESS_DATE");
  EXPECT_EQ(DormantLoans(*db_, ctx_, "NOSUCH", D("2024-07-16")).error().code, "OFFICE_UNKNOWN");

  // The plan reaches every group once, whatever runs it again.
  auto point = PlanInspections(*db_, ctx_, {"P11584", 2024});
  ASSERT_TRUE(point.ok()) << point.error().ToString();
  EXPECT_EQ(point.value().added, 1);
  auto office = PlanInspections(*db_, ctx_, {"PGD312", 2024});
  ASSERT_TRUE(office.ok());
  EXPECT_EQ(office.value().added, 2);
  EXPECT_EQ(office.value().already, 1);
  EXPECT_EQ(PlanInspections(*db_, ctx_, {"national", 2024}).value().added, 0);
  auto plan = InspectionPlan(*db_, ctx_, 2024);
  ASSERT_TRUE(plan.ok());
  std::set<std::string> groups;
  std::set<int> months;
  for (const auto& e : plan.value()) {
    EXPECT_TRUE(groups.insert(e.group_code).second) << e.group_code << " planned twice";
    months.insert(e.month);
  }
  EXPECT_EQ(groups, (std::set<std::string>{"0000001", "0000002", "0000003"}));
  EXPECT_EQ(months, (std::set<int>{1, 2, 3}));  // one a month, in turn
  ASSERT_TRUE(RecordInspection(*db_, ctx_, {"", "0000002", D("2024-07-16"), "issue", ""}).ok());
  int done = 0;
  const auto farmers = InspectionPlan(*db_, ctx_, 2024, 11);
  for (const auto& e : farmers.value()) {
    EXPECT_EQ(e.group_code, "0000002");
    done += e.done_on ? 1 : 0;
  }
  EXPECT_EQ(done, 1);
  EXPECT_EQ(PlanInspections(*db_, ctx_, {"PGD312", 2023}).error().code, "INSPECTION_YEAR_INVALID");
  EXPECT_EQ(PlanInspections(*db_, ctx_, {"PGD312", 2026}).error().code, "INSPECTION_YEAR_INVALID");

  // Bad records write nothing.
  const int64_t inspections = Count("inspection");
  for (const auto& [request, code] :
       {std::pair{InspectionRecordRequest{"", "", D("2024-07-16"), "ok", ""},
                  "INSPECTION_SUBJECT_REQUIRED"},
        std::pair{InspectionRecordRequest{"LA", "0000001", D("2024-07-16"), "ok", ""},
                  "INSPECTION_SUBJECT_REQUIRED"},
        std::pair{InspectionRecordRequest{"LA", "", D("2024-07-16"), "good", ""},
                  "INSPECTION_RESULT_INVALID"},
        std::pair{InspectionRecordRequest{"LA", "", D("2024-07-17"), "ok", ""},
                  "DATE_AFTER_BUSINESS_DATE"},
        std::pair{InspectionRecordRequest{"NOPE", "", D("2024-07-16"), "ok", ""}, "LOAN_UNKNOWN"},
        std::pair{InspectionRecordRequest{"N2", "", D("2024-05-31"), "ok", ""},
                  "INSPECTION_BEFORE_DISBURSEMENT"},
        std::pair{InspectionRecordRequest{"", "9999999", D("2024-07-16"), "ok", ""},
                  "GROUP_UNKNOWN"}}) {
    auto r = RecordInspection(*db_, ctx_, request);
    ASSERT_FALSE(r.ok()) << code;
    EXPECT_EQ(r.error().code, code);
  }
  EXPECT_EQ(Count("inspection"), inspections);
}

}  // namespace
}  // namespace tdcs::app
