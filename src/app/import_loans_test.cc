// tdcs import loans: opening balances taken over from another system.
#include <gtest/gtest.h>

#include <mutex>
#include <sstream>
#include <thread>

#include "app/books.h"
#include "app/import.h"
#include "app/loans.h"
#include "test_db.h"

namespace tdcs::app {
namespace {

Date D(const char* s) { return *Date::Parse(s); }

constexpr const char* kLoansHeader =
    "code,borrower_code,program,fund_source,approved_dong,term_months,every_months,"
    "grace_months,interest_charge,disbursed_on,disbursed_dong,balance_on,normal_dong,"
    "overdue_dong,frozen_dong,principal_due_dong,interest_owed_dong,next_due,frozen_from,"
    "frozen_until,frozen_overdue_dong,extension_months\n";

class ImportLoansTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::NewInitialisedConnection(&target_);
    ASSERT_TRUE(Run(ImportKind::kNetwork, testing::kNetworkCsv).ok());
    ASSERT_TRUE(Run(ImportKind::kGroups, testing::kGroupsCsv).ok());
    std::string borrowers = testing::kBorrowersHeader;
    for (int n = 1; n <= 6; ++n)
      borrowers += testing::BorrowerRow(n, "Hộ vay " + std::to_string(n), "0000001",
                                        n == 1 ? "leader" : "member");
    ASSERT_TRUE(Run(ImportKind::kBorrowers, borrowers).ok());
  }
  ImportReport Run(ImportKind kind, const std::string& text) {
    std::istringstream in(text);
    return Import(*db_, SystemContext(), kind, in);
  }
  int64_t Count(const char* table) {
    return testing::DbOf(*db_).QueryInt(std::string("SELECT COUNT(*) FROM ") + table).value_or(-1);
  }
  std::unique_ptr<Connection> db_;
  std::string target_;
};

// Three loans: current with interest owed, one with an overdue installment
// half paid, one frozen.
const std::string kGoodFile =
    std::string(kLoansHeader) +
    "L0001,0000000001,01,1,50000000,36,12,0,,2024-02-10,50000000,2025-06-15,50000000,0,0,0,"
    "125000,,,,,\n"
    "L0002,0000000002,01,1,60.000.000,36,12,0,collection,2024-01-10,,2025-06-15,40000000,"
    "10000000,0,0,400000,,,,,\n"
    "L0003,0000000003,19,2,40000000,48,12,0,,2023-02-10,40000000,2025-06-15,0,0,30000000,0,0,,"
    "2024-12-01,2025-12-01,,\n";

TEST_F(ImportLoansTest, TakesOverBalancesThatVerifyAndReplay) {
  ASSERT_TRUE(CloseTo(*db_, SystemContext(), CloseRequest{D("2025-06-15"), nullptr, nullptr}).ok());
  auto report = Run(ImportKind::kLoans, kGoodFile);
  ASSERT_TRUE(report.ok()) << report.errors[0].error.ToString();
  EXPECT_EQ(report.written, 3);
  auto second = ShowLoan(*db_, SystemContext(), "L0002", D("2025-06-15"));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second.value().view.status, "active");
  EXPECT_EQ(second.value().view.principal.dong(), 50'000'000);
  EXPECT_EQ(second.value().view.overdue.dong(), 10'000'000);
  EXPECT_EQ(second.value().interest_unpaid.dong(), 400'000);
  EXPECT_EQ(second.value().disbursed_on, D("2024-01-10"));
  ASSERT_EQ(second.value().transactions.size(), 1u);
  EXPECT_EQ(second.value().transactions[0].kind, "open");
  EXPECT_EQ(second.value().transactions[0].amount.dong(), 50'400'000);
  // TDCS holds nothing of the loan before the take-over.
  auto earlier = ShowLoan(*db_, SystemContext(), "L0002", D("2023-12-01"));
  ASSERT_FALSE(earlier.ok());
  EXPECT_EQ(earlier.error().code, "LOAN_NOT_YET_APPLIED");
  auto before = ShowLoan(*db_, SystemContext(), "L0002", D("2025-06-14"));
  ASSERT_FALSE(before.ok());
  EXPECT_EQ(before.error().code, "LOAN_NOT_YET_TAKEN_OVER");
  auto frozen = ShowLoan(*db_, SystemContext(), "L0003", D("2025-06-15"));
  ASSERT_TRUE(frozen.ok());
  EXPECT_EQ(frozen.value().view.frozen.dong(), 30'000'000);
  // The interest owed is paid first; then a payment is reversed, which
  // replays the loan from its opening balance.
  LoanAction pay{LoanActionKind::kPay, "L0002", D("2025-06-15"), Money::Dong(5'400'000)};
  ASSERT_TRUE(ActOnLoan(*db_, SystemContext(), pay).ok());
  auto paid = ShowLoan(*db_, SystemContext(), "L0002", D("2025-06-15"));
  EXPECT_EQ(paid.value().interest_unpaid.dong(), 0);
  EXPECT_EQ(paid.value().view.overdue.dong(), 5'000'000);
  LoanAction reverse{LoanActionKind::kReverseLast, "L0002", D("2025-06-16")};
  ASSERT_TRUE(ActOnLoan(*db_, SystemContext(), reverse).ok());
  auto reversed = ShowLoan(*db_, SystemContext(), "L0002", D("2025-06-16"));
  EXPECT_EQ(reversed.value().view.overdue.dong(), 10'000'000);
  // The opening itself is not reversible.
  auto again = ActOnLoan(*db_, SystemContext(), reverse);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "REVERSAL_NOT_ALLOWED");
  auto verify = Verify(*db_, SystemContext(), /*deep=*/true);
  EXPECT_TRUE(verify.ok()) << verify.problems[0];
  // While its loans are open, the point keeps its session day (a rename is fine).
  std::istringstream move(
      "kind,code,name,parent_code,area_code,session_day,valid_from\n"
      "point,P11581,Điểm giao dịch phường Lê Lợi,PGD312,11581,15,2025-07-01\n");
  auto moved = Import(*db_, SystemContext(), ImportKind::kNetwork, move, nullptr, {true});
  ASSERT_FALSE(moved.ok());
  EXPECT_EQ(moved.errors[0].error.code, "UNIT_HAS_OPEN_LOANS");
  std::istringstream rename(
      "kind,code,name,parent_code,area_code,session_day,valid_from\n"
      "point,P11581,Điểm giao dịch phường Lê Lợi (mới),PGD312,11581,7,2025-07-01\n");
  EXPECT_TRUE(Import(*db_, SystemContext(), ImportKind::kNetwork, rename, nullptr, {true}).ok());
  // The same file again is named as such.
  auto twice = Run(ImportKind::kLoans, kGoodFile);
  ASSERT_EQ(twice.errors.size(), 1u);
  EXPECT_EQ(twice.errors[0].error.code, "FILE_ALREADY_IMPORTED");
  EXPECT_EQ(Count("loan"), 3);
}

TEST_F(ImportLoansTest, EveryBadFieldIsListedAndNothingIsWritten) {
  const std::string file =
      std::string(kLoansHeader) +
      // fine
      "L0001,0000000001,01,1,50000000,36,12,0,,2024-02-10,,2025-06-15,50000000,0,0,0,0,,,,,\n"
      // unknown borrower and program, bad amount, bad months, bad date
      "L0002,0000000099,77,1,1.5,0,12,0,weekly,2024-13-01,,2025-06-15,1,0,0,0,0,,,,,\n"
      // more outstanding than disbursed
      "L0003,0000000003,01,1,50000000,36,12,0,,2024-02-10,,2025-06-15,60000000,0,0,0,0,,,,,\n"
      // a duplicate loan number in the file, a bad schedule position
      "L0001,0000000004,01,1,30000000,36,6,0,,2024-03-01,,2025-06-10,25000000,0,0,0,0,"
      "2025-08-31,,,,\n";
  ASSERT_TRUE(CloseTo(*db_, SystemContext(), CloseRequest{D("2025-06-15"), nullptr, nullptr}).ok());
  const int64_t loans_before = Count("loan"), entries_before = Count("journal_entry");
  auto report = Run(ImportKind::kLoans, file);
  ASSERT_FALSE(report.ok());
  std::multiset<std::string> fields;
  for (const auto& e : report.errors) fields.insert(std::to_string(e.line) + ":" + e.error.field);
  for (const char* want : {"3:borrower_code", "3:program", "3:approved_dong", "3:term_months",
                           "3:interest_charge", "3:disbursed_on", "4:normal_dong", "5:code"})
    EXPECT_EQ(fields.count(want), 1u) << want;
  EXPECT_EQ(Count("loan"), loans_before);
  EXPECT_EQ(Count("journal_entry"), entries_before);
  // Once the duplicate is fixed the schedule position is the next problem.
  std::string fixed = file;
  fixed.replace(fixed.rfind("L0001"), 5, "L0004");
  auto next = Run(ImportKind::kLoans, fixed);
  bool next_due = false;
  for (const auto& e : next.errors)
    next_due |= e.line == 5 && e.error.code == "OPENING_NEXT_DUE_INVALID";
  EXPECT_TRUE(next_due);
}

TEST_F(ImportLoansTest, EventsUpToTheBusinessDateRunOnImport) {
  const std::string early =
      std::string(kLoansHeader) +
      "L0008,0000000001,01,1,20000000,24,12,0,,2024-01-15,,2025-01-10,20000000,0,0,0,0,,,,,\n";
  auto no_date = Run(ImportKind::kLoans, early);
  ASSERT_FALSE(no_date.ok());
  EXPECT_EQ(no_date.errors[0].error.code, "BUSINESS_DATE_MISSING");
  ASSERT_TRUE(CloseTo(*db_, SystemContext(), CloseRequest{D("2025-01-20"), nullptr, nullptr}).ok());
  // A balance dated after the business date, or long before it, is refused.
  const std::string late =
      std::string(kLoansHeader) +
      "L0009,0000000001,01,1,20000000,24,12,0,,2024-01-15,,2025-01-21,20000000,0,0,0,0,,,,,\n"
      "L0011,0000000002,01,1,20000000,24,12,0,,2024-01-15,,2024-12-19,20000000,0,0,0,0,,,,,\n";
  auto refused = Run(ImportKind::kLoans, late);
  ASSERT_EQ(refused.errors.size(), 2u);
  EXPECT_EQ(refused.errors[0].error.code, "BALANCE_DATE_AFTER_BUSINESS_DATE");
  EXPECT_EQ(refused.errors[1].error.code, "BALANCE_DATE_TOO_OLD");
  // Taken over on 10/01/2025 with the first installment (15/01/2025) still
  // to fall due: by the business date it has fallen due.
  const std::string file =
      std::string(kLoansHeader) +
      "L0010,0000000001,01,1,20000000,24,12,0,,2024-01-15,,2025-01-10,20000000,0,0,0,0,,,,,\n";
  auto report = Run(ImportKind::kLoans, file);
  ASSERT_TRUE(report.ok()) << report.errors[0].error.ToString();
  auto view = ViewLoan(*db_, SystemContext(), "L0010", D("2025-01-20"));
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view.value().principal_due.dong(), 10'000'000);
  EXPECT_TRUE(Verify(*db_, SystemContext(), true).ok());
}

// Two people importing at once, each a file with the same loan number: one
// file is taken, the other refused whole; the books hold the loan once.
TEST_F(ImportLoansTest, TwoImportsAtOnceTakeTheLoanOnce) {
  ASSERT_TRUE(CloseTo(*db_, SystemContext(), CloseRequest{D("2025-06-15"), nullptr, nullptr}).ok());
  const std::string row = ",01,1,50000000,36,12,0,,2024-02-10,,2025-06-15,50000000,0,0,0,0,,,,,\n";
  const std::string files[2] = {std::string(kLoansHeader) + "C0001,0000000001" + row,
                                std::string(kLoansHeader) + "C0001,0000000002" + row};
  int accepted = 0;
  std::vector<std::string> codes;
  std::mutex mutex;
  std::vector<std::thread> threads;
  for (const auto& file : files)
    threads.emplace_back([&, file] {
      auto connection = Connection::Open(target_);
      std::istringstream in(file);
      auto report = Import(*connection, SystemContext(), ImportKind::kLoans, in);
      std::lock_guard<std::mutex> lock(mutex);
      if (report.ok()) ++accepted;
      for (const auto& e : report.errors) codes.push_back(e.error.code);
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(accepted, 1);
  EXPECT_EQ(codes, std::vector<std::string>{"LOAN_CODE_DUPLICATE"});
  EXPECT_EQ(Count("loan"), 1);
  EXPECT_TRUE(Verify(*db_, SystemContext(), true).ok());
}

}  // namespace
}  // namespace tdcs::app
