// Concurrent writers on one database, each on its own connection, on the
// engine TDCS_TEST_DB names (CTest runs this on SQLite and on PostgreSQL):
// afterwards every rule holds, the books verify deep, and every acknowledged
// payment is in the books exactly once.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "app/books.h"
#include "app/import.h"
#include "app/internal/access.h"
#include "app/internal/session_lines.h"
#include "app/loans.h"
#include "app/sessions.h"
#include "test_db.h"

namespace tdcs::app {
namespace {

constexpr int kThreads = 4;

void ImportOk(Connection& connection, ImportKind kind, const std::string& csv) {
  std::istringstream in(csv);
  auto r = Import(connection, SystemContext(), kind, in);
  ASSERT_TRUE(r.ok()) << r.errors.front().error.ToString();
}

// The fixture network, `borrowers` members of group 0000001 and a 50 M loan
// to each of the first `loans`, disbursed on 22/03/2024.
std::string LoanBook(int borrowers, int loans) {
  std::string target;
  auto connection = testing::NewInitialisedConnection(&target);
  ImportOk(*connection, ImportKind::kNetwork, testing::kNetworkCsv);
  ImportOk(*connection, ImportKind::kGroups, testing::kGroupsCsv);
  std::string csv = testing::kBorrowersHeader;
  for (int i = 1; i <= borrowers; ++i)
    csv += testing::BorrowerRow(i, "Trần Thị Mai", "0000001", "member", "2024-01-02");
  ImportOk(*connection, ImportKind::kBorrowers, csv);
  const Date start = *Date::Parse("2024-03-22");
  EXPECT_TRUE(CloseTo(*connection, SystemContext(), {start, nullptr, nullptr}).ok());
  for (int i = 1; i <= loans; ++i) {
    LoanApplicationRequest r;
    r.code = "L" + std::to_string(i);
    char borrower[16];
    std::snprintf(borrower, sizeof borrower, "%010d", i);
    r.borrower_code = borrower;
    r.program = "01";
    r.amount = Money::Dong(50'000'000);
    r.term_months = 36;
    r.every_months = 6;
    r.date = start;
    EXPECT_TRUE(ApproveLoan(*connection, SystemContext(), r).ok());
    EXPECT_TRUE(
        ActOnLoan(*connection, SystemContext(), {LoanActionKind::kDisburse, r.code, start}).ok());
  }
  return target;
}

int64_t Count(const std::string& target, const std::string& sql) {
  auto connection = Connection::Open(target);
  return testing::DbOf(*connection).QueryInt(sql).value_or(-1);
}

void ExpectBooksVerify(const std::string& target) {
  auto connection = Connection::Open(target);
  auto report = Verify(*connection, SystemContext(), true);
  EXPECT_TRUE(report.ok()) << report.problems.front();
}

TEST(Concurrency, PaymentsOnTheSameLoansAreAllPostedOnce) {
  const std::string target = LoanBook(3, 2);
  const Date session = *Date::Parse("2024-04-07");
  {
    auto connection = Connection::Open(target);
    ASSERT_TRUE(CloseTo(*connection, SystemContext(), {session, nullptr, nullptr}).ok());
  }
  constexpr int kPayments = 20;
  std::atomic<int64_t> acknowledged{0}, acknowledged_dong{0}, deposits{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      auto connection = Connection::Open(target);
      for (int i = 0; i < kPayments; ++i) {
        Context context = SystemContext();
        context.idempotency_key = "t" + std::to_string(t) + "-" + std::to_string(i);
        const std::string loan = i % 2 ? "L1" : "L2";
        auto r = ActOnLoan(*connection, context,
                           {LoanActionKind::kPay, loan, session, Money::Dong(10'000 + t)});
        if (r.ok()) {
          ++acknowledged;
          acknowledged_dong += 10'000 + t;
        }
        // A batch over both loans and a deposit into one account, at once.
        if (i % 5 == 0) {
          auto report =
              PostCollections(*connection, SystemContext(), session,
                              {{"L2", Money::Dong(1'000), ""}, {"L1", Money::Dong(1'000), ""}});
          acknowledged += report.posted;
          acknowledged_dong += report.amount.dong();
          auto d = ActOnSavings(
              *connection, SystemContext(),
              {SavingsActionKind::kDeposit, "0000000003", Money::Dong(5'000), session});
          if (d.ok()) ++deposits;
        }
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(acknowledged.load(), kThreads * kPayments + kThreads * (kPayments / 5) * 2);
  EXPECT_EQ(Count(target, "SELECT COUNT(*) FROM loan_txn WHERE kind = 'pay'"), acknowledged.load());
  EXPECT_EQ(Count(target, "SELECT COALESCE(SUM(amount_dong), 0) FROM loan_txn WHERE kind = 'pay'"),
            acknowledged_dong.load());
  EXPECT_EQ(Count(target, "SELECT COUNT(*) FROM savings_txn WHERE kind = 'deposit'"),
            deposits.load());
  EXPECT_EQ(Count(target, "SELECT balance_dong FROM savings_account"), deposits.load() * 5'000);
  EXPECT_EQ(Count(target, "SELECT COUNT(*) FROM idempotency_record"), kThreads * kPayments);
  ExpectBooksVerify(target);
}

// Payments that share one transaction (a group commit's), one of them in a
// savepoint that rolls back: its entry, its balances and its changes to the
// read model's series go, the other's stay; the books verify deep.
TEST(Concurrency, APaymentRolledBackInASharedTransactionLeavesNothing) {
  const std::string target = LoanBook(3, 2);
  const Date session = *Date::Parse("2024-04-07");
  auto connection = Connection::Open(target);
  ASSERT_TRUE(CloseTo(*connection, SystemContext(), {session, nullptr, nullptr}).ok());
  store::Database& db = Db(*connection);
  Context first = SystemContext(), second = SystemContext(), third = SystemContext();
  first.idempotency_key = "first";
  second.idempotency_key = "second";
  third.idempotency_key = "third";
  {
    store::Transaction shared(db);
    ASSERT_TRUE(
        ActOnLoan(*connection, first, {LoanActionKind::kPay, "L1", session, Money::Dong(7'000)})
            .ok());
    {
      store::Transaction refused(db);
      ASSERT_TRUE(
          ActOnLoan(*connection, second, {LoanActionKind::kPay, "L1", session, Money::Dong(10'000)})
              .ok());
    }  // rolled back
    ASSERT_TRUE(
        ActOnLoan(*connection, third, {LoanActionKind::kPay, "L2", session, Money::Dong(20'000)})
            .ok());
    shared.Commit();
  }
  EXPECT_EQ(Count(target, "SELECT COUNT(*) FROM loan_txn WHERE kind = 'pay'"), 2);
  EXPECT_EQ(Count(target, "SELECT SUM(amount_dong) FROM loan_txn WHERE kind = 'pay'"), 27'000);
  EXPECT_EQ(Count(target, "SELECT COUNT(*) FROM idempotency_record"), 2);
  ExpectBooksVerify(target);
}

// The point's cash read twice in one transaction (the expected cash shown,
// then the closing's check) is read again when anything was written between:
// a payment made between the two reads is in the second.
TEST(Concurrency, ThePointsCashReadAgainAfterAWriteInTheSameTransaction) {
  const std::string target = LoanBook(3, 2);
  const Date session = *Date::Parse("2024-04-07");
  auto connection = Connection::Open(target);
  ASSERT_TRUE(CloseTo(*connection, SystemContext(), {session, nullptr, nullptr}).ok());
  ASSERT_TRUE(OpenCommuneSession(*connection, SystemContext(), "P11581", session).ok());
  store::Database& db = testing::DbOf(*connection);
  store::Transaction shared(db);
  auto before = SessionCashExpected(*connection, SystemContext(), "P11581", session);
  ASSERT_TRUE(before.ok());
  ASSERT_TRUE(before.value().has_value());
  auto again = SessionCashExpected(*connection, SystemContext(), "P11581", session);
  ASSERT_TRUE(again.ok() && again.value());
  EXPECT_EQ(*again.value(), *before.value());
  ASSERT_TRUE(ActOnLoan(*connection, SystemContext(),
                        {LoanActionKind::kPay, "L1", session, Money::Dong(7'000)})
                  .ok());
  auto after = SessionCashExpected(*connection, SystemContext(), "P11581", session);
  ASSERT_TRUE(after.ok() && after.value());
  EXPECT_EQ(*after.value(), *before.value() + Money::Dong(7'000));
  // Rolled back to a savepoint: the payment's cash is gone again.
  {
    store::Transaction refused(db);
    ASSERT_TRUE(ActOnLoan(*connection, SystemContext(),
                          {LoanActionKind::kPay, "L2", session, Money::Dong(5'000)})
                    .ok());
  }
  auto rolled = SessionCashExpected(*connection, SystemContext(), "P11581", session);
  ASSERT_TRUE(rolled.ok() && rolled.value());
  EXPECT_EQ(*rolled.value(), *after.value());
  // A batch posted with the list read in its transaction posts what one
  // that reads the list itself would.
  auto list = SessionList(*connection, SystemContext(), "P11581", session);
  ASSERT_TRUE(list.ok()) << list.error().ToString();
  // (None on PostgreSQL, which does not count them: there the list is read
  // again.)
  const auto rows_changed = db.RowsChanged();
  EXPECT_EQ(rows_changed.has_value(), db.engine() == store::Engine::kSqlite);
  std::vector<SessionPostLine> lines;
  for (const auto& l : list.value())
    if (l.loan_code != "L1")
      lines.push_back({static_cast<int>(lines.size()) + 2, l.group_code, l.borrower_code,
                       l.loan_code, l.interest_due, Money::Zero(), Money::Zero()});
  ASSERT_FALSE(lines.empty());
  auto posted =
      PostSessionListed(*connection, SystemContext(), lines, "S-LISTED",
                        {"P11581", session, list.value(), rows_changed, db.TransactionSerial()});
  ASSERT_TRUE(posted.ok()) << posted.error().ToString();
  EXPECT_EQ(posted.value().lines_posted, static_cast<int64_t>(lines.size()));
  EXPECT_TRUE(posted.value().refused.empty());
  shared.Commit();
  ExpectBooksVerify(target);
}

// Two officers post the same group's batch at once, under one key and under
// two; then two close the session at once: the group is posted once, the
// session closed once, and the books verify.
TEST(Concurrency, ASessionsBatchAndItsClosingHappenOnce) {
  const std::string target = LoanBook(3, 2);
  const Date session = *Date::Parse("2024-04-07");
  std::vector<SessionListLine> list;
  {
    auto connection = Connection::Open(target);
    ASSERT_TRUE(CloseTo(*connection, SystemContext(), {session, nullptr, nullptr}).ok());
    auto listed = SessionList(*connection, SystemContext(), "P11581", session);
    ASSERT_TRUE(listed.ok()) << listed.error().ToString();
    list = listed.value();
  }
  std::vector<SessionPostLine> lines;
  for (const auto& l : list)
    lines.push_back({static_cast<int>(lines.size()) + 2, l.group_code, l.borrower_code, l.loan_code,
                     l.interest_due, Money::Zero(), Money::Dong(10'000)});
  std::atomic<int> posted{0}, repeated{0}, refused{0}, closed{0}, closed_refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      auto connection = Connection::Open(target);
      auto r = PostSession(*connection, SystemContext(), "P11581", session, lines,
                           t % 2 ? "S-A" : "S-B");
      ASSERT_TRUE(r.ok()) << r.error().ToString();
      posted += r.value().groups_posted;
      repeated += r.value().groups_repeated;
      refused += r.value().groups_refused;
      for (const auto& e : r.value().refused)
        EXPECT_TRUE(e.error.code == "GROUP_ALREADY_POSTED") << e.error.ToString();
    });
  for (auto& t : threads) t.join();
  threads.clear();
  EXPECT_EQ(posted.load(), 1);
  EXPECT_EQ(repeated.load(), 1);  // the same key as the one posted
  EXPECT_EQ(refused.load(), 2);   // the other key
  EXPECT_EQ(Count(target, "SELECT COUNT(*) FROM session_batch"), 1);
  EXPECT_EQ(Count(target, "SELECT COUNT(*) FROM savings_txn WHERE kind = 'deposit'"), 3);
  Money expected;
  {
    auto connection = Connection::Open(target);
    auto cash = SessionCashExpected(*connection, SystemContext(), "P11581", session);
    ASSERT_TRUE(cash.ok() && cash.value());
    expected = *cash.value();
  }
  EXPECT_GT(expected, Money::Dong(30'000));
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      auto connection = Connection::Open(target);
      auto r = CloseCommuneSession(*connection, SystemContext(),
                                   {"P11581", session, expected, "", Money::Zero()});
      if (r.ok())
        ++closed;
      else if (r.error().code == "SESSION_CLOSED")
        ++closed_refused;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(closed.load(), 1);
  EXPECT_EQ(closed_refused.load(), kThreads - 1);
  ExpectBooksVerify(target);
}

TEST(Concurrency, OneIdempotencyKeyFromManyThreadsPostsOnce) {
  const std::string target = LoanBook(1, 1);
  const Date day = *Date::Parse("2024-04-07");
  std::atomic<int> first{0}, repeated{0};
  std::mutex mutex;
  std::set<int64_t> txns;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      auto connection = Connection::Open(target);
      Context context = SystemContext();
      context.idempotency_key = "same-key";
      auto r = ActOnLoan(*connection, context, {LoanActionKind::kPay, "L1", day, Money::Dong(7)});
      ASSERT_TRUE(r.ok()) << r.error().ToString();
      (r.value().repeated ? repeated : first)++;
      std::lock_guard lock(mutex);
      txns.insert(r.value().txn_id);
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(first.load(), 1);
  EXPECT_EQ(repeated.load(), kThreads - 1);
  EXPECT_EQ(txns.size(), 1u);
  EXPECT_EQ(Count(target, "SELECT COUNT(*) FROM loan_txn WHERE kind = 'pay'"), 1);
  // The same key from another actor is that actor's own key.
  auto connection = Connection::Open(target);
  Context other = SystemContext();
  other.actor.login = "officer1";
  other.idempotency_key = "same-key";
  auto r = ActOnLoan(*connection, other, {LoanActionKind::kPay, "L1", day, Money::Dong(7)});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r.value().repeated);
  ExpectBooksVerify(target);
}

TEST(Concurrency, ImportsIntoOneGroupKeepItsLimits) {
  std::string target;
  {
    auto connection = testing::NewInitialisedConnection(&target);
    ImportOk(*connection, ImportKind::kNetwork, testing::kNetworkCsv);
    ImportOk(*connection, ImportKind::kGroups, testing::kGroupsCsv);
  }
  // Each file alone fits the group (40 ≤ 60); both together would not. The
  // second file's first borrower is also in the first file (one group at a
  // time, one citizen ID).
  std::vector<std::string> files(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    files[static_cast<size_t>(t)] = testing::kBorrowersHeader;
    for (int i = 0; i < 40; ++i)
      files[static_cast<size_t>(t)] +=
          testing::BorrowerRow(t * 40 + i + 1, "Lê Thị Hoa", t % 2 ? "0000001" : "0000002");
  }
  std::atomic<int> accepted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      auto connection = Connection::Open(target);
      std::istringstream in(files[static_cast<size_t>(t)]);
      if (Import(*connection, SystemContext(), ImportKind::kBorrowers, in).ok()) ++accepted;
    });
  for (auto& t : threads) t.join();
  // One file per group fits; the second file into each group is refused whole.
  EXPECT_EQ(accepted.load(), 2);
  EXPECT_EQ(Count(target, "SELECT COUNT(*) FROM borrower"), 80);
  EXPECT_EQ(Count(target,
                  "SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM membership GROUP BY "
                  "group_id) m"),
            40);
  EXPECT_EQ(Count(target,
                  "SELECT COUNT(*) FROM (SELECT borrower_id FROM membership GROUP BY borrower_id "
                  "HAVING COUNT(*) > 1) m"),
            0);
}

// Payments that post the day's events first (an installment falls due) and
// payments that post none, repayments from savings and deposits, all at once:
// every one lands once and the books verify.
TEST(Concurrency, PaymentsWithAndWithoutEventsAndSavingsAtOnce) {
  constexpr int kLoans = 12;
  const std::string target = LoanBook(kLoans, kLoans);
  const Date before = *Date::Parse("2024-09-21"), due = *Date::Parse("2024-09-22");
  {
    auto connection = Connection::Open(target);
    ASSERT_TRUE(CloseTo(*connection, SystemContext(), {before, nullptr, nullptr}).ok());
    for (int i = 1; i <= kLoans; ++i) {
      char borrower[16];
      std::snprintf(borrower, sizeof borrower, "%010d", i);
      ASSERT_TRUE(
          ActOnSavings(*connection, SystemContext(),
                       {SavingsActionKind::kDeposit, borrower, Money::Dong(500'000), before})
              .ok());
    }
  }
  std::atomic<int64_t> paid{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      auto connection = Connection::Open(target);
      for (int k = 0; k < kLoans; ++k) {
        const int i = (k * (t + 1) + t) % kLoans + 1;  // each thread in its own order
        const std::string loan = "L" + std::to_string(i);
        // Even threads pay on the due date (the first to touch a loan posts
        // its installment falling due); odd ones the day before.
        const Date day = t % 2 ? before : due;
        auto r = ActOnLoan(*connection, SystemContext(),
                           {t == 1 ? LoanActionKind::kPayFromSavings : LoanActionKind::kPay, loan,
                            t == 1 ? due : day, Money::Dong(1'000)});
        if (r.ok()) ++paid;
        char borrower[16];
        std::snprintf(borrower, sizeof borrower, "%010d", i);
        (void)ActOnSavings(*connection, SystemContext(),
                           {SavingsActionKind::kDeposit, borrower, Money::Dong(5'000), due});
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_GE(paid.load(), kLoans * 3);  // the day-before payments after an event are refused
  EXPECT_EQ(Count(target, "SELECT COUNT(*) FROM loan_txn WHERE kind IN ('pay', 'pay_savings')"),
            paid.load());
  ExpectBooksVerify(target);
}

// Two end-of-day runs at once take turns: the later date wins, the books are
// those of one run to that date, and the date never moves back.
TEST(Concurrency, ClosesTakeTurnsAndTheDateOnlyMovesForward) {
  const std::string target = LoanBook(3, 2), reference = LoanBook(3, 2);
  const Date early = *Date::Parse("2024-09-30"), late = *Date::Parse("2025-03-31");
  std::vector<std::string> codes(2);
  std::vector<std::thread> runs;
  for (int i = 0; i < 2; ++i)
    runs.emplace_back([&, i] {
      auto connection = Connection::Open(target);
      auto r = CloseTo(*connection, SystemContext(), {i == 0 ? late : early, nullptr, nullptr});
      codes[static_cast<size_t>(i)] = r.ok() ? "ok" : r.error().code;
    });
  for (auto& t : runs) t.join();
  EXPECT_EQ(codes[0], "ok");
  EXPECT_TRUE(codes[1] == "ok" || codes[1] == "CLOSE_DATE_PAST") << codes[1];
  auto connection = Connection::Open(target);
  EXPECT_EQ(BusinessDate(*connection), late);
  auto expected = Connection::Open(reference);
  ASSERT_TRUE(CloseTo(*expected, SystemContext(), {late, nullptr, nullptr}).ok());
  const std::string books =
      "SELECT COUNT(*) * 1000000 + COALESCE(SUM(ABS(amount_dong)) % 1000000, 0) FROM posting";
  EXPECT_EQ(Count(target, books), Count(reference, books));
  ExpectBooksVerify(target);
}

}  // namespace
}  // namespace tdcs::app
