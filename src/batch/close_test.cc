#include "batch/close.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "app/generate.h"
#include "app/loans.h"
#include "batch/verify.h"
#include "store/loan_store.h"
#include "test_db.h"

namespace tdcs::batch {
namespace {

struct Crash {};

// The state of the books that matters: every ledger balance and loan state.
std::string Books(store::Database& db) {
  std::string out;
  auto st = db.Prepare(
      "SELECT account_code, program_code, fund_source, office_id, balance_dong FROM ledger_balance "
      "ORDER BY 1, 2, 3, 4");
  while (st->Step())
    out += st->GetText(0) + st->GetText(1) + std::to_string(st->GetInt(2)) +
           std::to_string(st->GetInt(3)) + "=" + std::to_string(st->GetInt(4)) + "\n";
  st = db.Prepare(
      "SELECT id, normal_dong, overdue_dong, installments, next_event_date FROM loan ORDER BY id");
  while (st->Step())
    out += std::to_string(st->GetInt(0)) + ":" + std::to_string(st->GetInt(1)) + ":" +
           std::to_string(st->GetInt(2)) + ":" + st->GetText(3) + "\n";
  out += "entries=" + std::to_string(*db.QueryInt("SELECT COUNT(*) FROM journal_entry"));
  return out;
}

TEST(CloseTest, ResumesAfterACrashAndIsIdempotent) {
  const std::string clean_target = testing::NewTestTarget(),
                    crashed_target = testing::NewTestTarget();
  for (const auto& target : {clean_target, crashed_target})
    ASSERT_TRUE(
        app::Generate(target, app::SystemContext(), {"demo", 5, *Date::Parse("2026-06-30")}).ok());
  auto clean_connection = app::Connection::Open(clean_target);
  auto crashed_connection = app::Connection::Open(crashed_target);
  store::Database* clean = &testing::DbOf(*clean_connection);
  store::Database* crashed = &testing::DbOf(*crashed_connection);
  const Date to = *Date::Parse("2027-08-31");
  auto summary = CloseTo(*clean, to, nullptr, 100);
  ASSERT_TRUE(summary.ok());
  EXPECT_GT(summary.value().loans, 1000);
  EXPECT_GT(summary.value().entries, 10);

  // Stop the run after a few committed batches, as a crash would.
  int batches = 0;
  try {
    (void)CloseTo(
        *crashed, to,
        [&](Date, int64_t) {
          if (++batches == 7) throw Crash{};
        },
        100);
    FAIL() << "the run did not stop";
  } catch (const Crash&) {
  }
  EXPECT_NE(Books(*crashed), Books(*clean));
  ASSERT_TRUE(CloseTo(*crashed, to, nullptr, 100).ok());
  EXPECT_EQ(Books(*crashed), Books(*clean));
  // Closing the same day again changes nothing.
  ASSERT_TRUE(CloseTo(*crashed, to).ok());
  EXPECT_EQ(Books(*crashed), Books(*clean));
  EXPECT_TRUE(Verify(*crashed, true).ok());
  EXPECT_EQ(CloseTo(*crashed, *Date::Parse("2027-01-01")).error().code, "CLOSE_DATE_PAST");
}

TEST(CloseTest, SavingsInterestIsCreditedOnTheFirstOfTheNextMonth) {
  const std::string target = testing::NewTestTarget();
  ASSERT_TRUE(
      app::Generate(target, app::SystemContext(), {"demo", 5, *Date::Parse("2026-06-30"), false})
          .ok());
  testing::InitialisedDatabase db{app::Connection::Open(target)};
  store::LoanStore(*db).SetSavingsRate(*Date::Parse("2026-06-01"), Rate::PerMonthMillionths(3000));
  std::vector<std::string> codes;
  auto st = db->Prepare("SELECT code FROM borrower ORDER BY id LIMIT 3");
  while (st->Step()) codes.push_back(st->GetText(0));
  ASSERT_EQ(codes.size(), 3u);
  // 1,000,000 đ from 29/06 at 0.30 %/month: 100 đ a day; 29/06 and 30/06
  // are credited on 01/07, each account in an entry of its own dated 01/07.
  const Date june_29 = *Date::Parse("2026-06-29");
  for (const auto& code : codes)
    ASSERT_TRUE(
        app::ActOnSavings(*db.connection, app::SystemContext(),
                          {app::SavingsActionKind::kDeposit, code, Money::Dong(1'000'000), june_29})
            .ok());
  ASSERT_TRUE(CloseTo(*db, *Date::Parse("2026-06-30")).ok());
  EXPECT_EQ(*db->QueryInt("SELECT COUNT(*) FROM journal_entry WHERE kind = 'savings_interest'"), 0);
  // A run stopped after the first batch of accounts resumes where it stopped.
  try {
    (void)CloseTo(
        *db, *Date::Parse("2026-07-01"),
        [&](Date, int64_t) {
          if (*db->QueryInt("SELECT COUNT(*) FROM journal_entry WHERE kind = 'savings_interest'") ==
              1)
            throw Crash{};
        },
        1);
    FAIL() << "the run did not stop";
  } catch (const Crash&) {
  }
  ASSERT_TRUE(CloseTo(*db, *Date::Parse("2026-07-01"), nullptr, 1).ok());
  auto entries = db->Prepare(
      "SELECT entry_date, COUNT(*) FROM journal_entry WHERE kind = 'savings_interest' "
      "GROUP BY entry_date");
  ASSERT_TRUE(entries->Step());
  EXPECT_EQ(entries->GetText(0), "2026-07-01");
  EXPECT_EQ(entries->GetInt(1), 3);
  EXPECT_FALSE(entries->Step());
  for (const auto& code : codes)
    EXPECT_EQ(
        app::SavingsBalance(*db.connection, app::SystemContext(), code, *Date::Parse("2026-07-01"))
            .value()
            .dong(),
        1'000'200);
  EXPECT_EQ(*db->QueryInt("SELECT COALESCE(SUM(amount_dong), 0) FROM posting WHERE account_code = "
                          "'SAVINGS_INTEREST_EXPENSE'"),
            600);
  EXPECT_TRUE(Verify(*db, true).ok());
}

}  // namespace
}  // namespace tdcs::batch

namespace tdcs::batch {
namespace {

// Two end-of-day runs at once, each on its own connection: they take turns,
// the business date ends on the later date, and the books are those of one
// run to that date.
TEST(CloseTest, ConcurrentClosesTakeTurnsAndNeverMoveTheDateBack) {
  const std::string target = testing::NewTestTarget(), reference = testing::NewTestTarget();
  for (const auto& t : {target, reference})
    ASSERT_TRUE(
        app::Generate(t, app::SystemContext(), {"demo", 5, *Date::Parse("2026-06-30")}).ok());
  const Date early = *Date::Parse("2026-12-31"), late = *Date::Parse("2027-03-31");
  std::vector<std::string> codes(2);
  std::vector<std::thread> runs;
  for (int i = 0; i < 2; ++i)
    runs.emplace_back([&, i] {
      auto connection = app::Connection::Open(target);
      auto r = CloseTo(testing::DbOf(*connection), i == 0 ? late : early, nullptr, 100);
      codes[static_cast<size_t>(i)] = r.ok() ? "ok" : r.error().code;
    });
  for (auto& t : runs) t.join();
  EXPECT_EQ(codes[0], "ok");
  // The earlier close either ran first or found its date already passed.
  EXPECT_TRUE(codes[1] == "ok" || codes[1] == "CLOSE_DATE_PAST") << codes[1];
  auto connection = app::Connection::Open(target);
  EXPECT_EQ(store::LoanStore(testing::DbOf(*connection)).BusinessDate(), late);
  auto expected = app::Connection::Open(reference);
  ASSERT_TRUE(CloseTo(testing::DbOf(*expected), late, nullptr, 100).ok());
  EXPECT_EQ(Books(testing::DbOf(*connection)), Books(testing::DbOf(*expected)));
  EXPECT_TRUE(Verify(testing::DbOf(*connection), true).ok());
}

}  // namespace
}  // namespace tdcs::batch
