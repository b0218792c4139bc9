#include "savings/savings.h"

#include <gtest/gtest.h>

namespace tdcs::savings {
namespace {

Date D(const char* s) { return *Date::Parse(s); }

RateTimeline Rate020() { return {{D("2024-01-01"), Rate::PerMonthMillionths(2000)}}; }

Money Interest(const Outcome& out) {
  Money sum;
  for (const auto& p : out.postings)
    if (p.account == ledger::account::kSavingsInterestExpense) sum += p.amount;
  return sum;
}

TEST(SavingsTest, EachDayEarnsItsClosingBalanceAndTheMonthIsCreditedOnTheFirst) {
  // 0.20 %/month: 1,000,000 đ earns 66.67 đ a day.
  Account a;
  ASSERT_TRUE(Deposit(a, Money::Dong(1'000'000), D("2024-03-11"), Rate020()).ok());
  // 11/03 to 31/03: 21 days, 1,400 đ, accrued only.
  EXPECT_EQ(CreditedOn(a, D("2024-03-31"), Rate020()).dong(), 1'000'000);
  EXPECT_EQ(BalanceOn(a, D("2024-04-01"), Rate020()).dong(), 1'001'400);
  const Outcome april = Advance(a, D("2024-04-01"), Rate020());
  EXPECT_EQ(Interest(april).dong(), 1'400);
  EXPECT_EQ(a.balance.dong(), 1'001'400);
  EXPECT_EQ(a.accrual, 0);
  EXPECT_EQ(NextCreditDate(a), D("2024-05-01"));
}

TEST(SavingsTest, HowOftenAMemberDepositsDoesNotChangeWhatTheyEarn) {
  // The same money on the same days, once or in many small deposits: the same interest.
  Account once, many;
  ASSERT_TRUE(Deposit(once, Money::Dong(300'000), D("2024-03-05"), Rate020()).ok());
  for (int k = 0; k < 60; ++k)
    ASSERT_TRUE(Deposit(many, Money::Dong(5'000), D("2024-03-05"), Rate020()).ok());
  // 150,000 on 10/03 against 30 × 5,000 on 05/03 and 30 × 5,000 on 15/03.
  ASSERT_TRUE(Deposit(once, Money::Dong(150'000), D("2024-03-10"), Rate020()).ok());
  for (int k = 0; k < 15; ++k)
    ASSERT_TRUE(Deposit(many, Money::Dong(5'000), D("2024-03-05"), Rate020()).ok());
  for (int k = 0; k < 15; ++k)
    ASSERT_TRUE(Deposit(many, Money::Dong(5'000), D("2024-03-15"), Rate020()).ok());
  Advance(once, D("2024-05-01"), Rate020());
  Advance(many, D("2024-05-01"), Rate020());
  EXPECT_EQ(once.balance, many.balance);
}

TEST(SavingsTest, TakesAtMostTheCreditedBalanceOrAllOfItWhichCloses) {
  Account a;
  ASSERT_TRUE(Deposit(a, Money::Dong(1'000'000), D("2024-03-01"), Rate020()).ok());
  // 15/03: 14 days accrued (933.33 → 933); the shown balance is 1,000,933.
  EXPECT_EQ(BalanceOn(a, D("2024-03-15"), Rate020()).dong(), 1'000'933);
  EXPECT_EQ(Withdraw(a, Money::Dong(1'000'001), D("2024-03-15"), Rate020()).error().code,
            "SAVINGS_INSUFFICIENT");
  EXPECT_EQ(a.balance.dong(), 1'000'000);  // unchanged by the rejection
  auto closed = Withdraw(a, Money::Dong(1'000'933), D("2024-03-15"), Rate020());
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(Interest(closed.value()).dong(), 933);
  EXPECT_TRUE(a.IsEmpty());
  EXPECT_FALSE(NextCreditDate(a).has_value());
  // A later deposit opens it again, from its own day.
  ASSERT_TRUE(Deposit(a, Money::Dong(5'000), D("2024-06-20"), Rate020()).ok());
  EXPECT_EQ(a.accrued_to, D("2024-06-20"));
  EXPECT_EQ(a.balance.dong(), 5'000);
}

TEST(SavingsTest, ReplayWithoutAMovementIsAsIfItNeverHappened) {
  Account a;
  a.id = 7;
  a.borrower_id = 3;
  std::vector<Movement> with = {{"deposit", D("2024-01-10"), Money::Dong(2'000'000)},
                                {"withdraw", D("2024-02-05"), Money::Dong(500'000)},
                                {"repay", D("2024-03-07"), Money::Dong(100'000)}};
  std::vector<Movement> without = {with[0], with[2]};
  Account replayed = a, never = a;
  ASSERT_TRUE(Replay(replayed, with, D("2024-04-15"), Rate020()).ok());
  ASSERT_TRUE(Replay(never, without, D("2024-04-15"), Rate020()).ok());
  Account direct;
  ASSERT_TRUE(Deposit(direct, Money::Dong(2'000'000), D("2024-01-10"), Rate020()).ok());
  ASSERT_TRUE(Repay(direct, Money::Dong(100'000), D("2024-03-07"), Rate020()).ok());
  Advance(direct, D("2024-04-15"), Rate020());
  EXPECT_EQ(never.balance, direct.balance);
  EXPECT_EQ(never.accrual, direct.accrual);
  EXPECT_EQ(never.id, 7);
  EXPECT_LT(replayed.balance, never.balance);
  // Without the deposit the later movements no longer hold.
  Account broken = a;
  EXPECT_FALSE(Replay(broken, {with[1], with[2]}, D("2024-04-15"), Rate020()).ok());
}

}  // namespace
}  // namespace tdcs::savings
