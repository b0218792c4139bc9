#include "money/money.h"

#include <gtest/gtest.h>

#include <climits>

namespace tdcs {
namespace {

TEST(MoneyTest, CheckedArithmetic) {
  EXPECT_EQ((Money::Dong(50'000'000) + Money::Dong(146'667)).dong(), 50'146'667);
  EXPECT_FALSE(Money::Dong(INT64_MAX).TryAdd(Money::Dong(1)));
  EXPECT_FALSE(Money::Dong(INT64_MIN).TrySub(Money::Dong(1)));
  EXPECT_DEATH(Money::Dong(INT64_MAX).Add(Money::Dong(1)), "overflow");
  EXPECT_DEATH(Money::Dong(INT64_MAX / 2 + 1).MultiplyBy(2), "overflow");
}

TEST(MoneyTest, NamedRounding) {
  // RULES §4.4: 50,000,000 × 16 days × 0.55 % / 30 = 146,666.67 → 146,667.
  const __int128 numerator = static_cast<__int128>(50'000'000) * 16 * 5500;
  EXPECT_EQ(DivideRoundHalfUp(numerator, 30 * Rate::kScale), 146'667);
  EXPECT_EQ(DivideRoundDown(numerator, 30 * Rate::kScale), 146'666);
  EXPECT_EQ(DivideRoundHalfUp(5, 10), 1);
  EXPECT_EQ(DivideRoundHalfUp(4, 10), 0);
  EXPECT_EQ(DivideRoundHalfUp(-5, 10), -1);
  EXPECT_EQ(DivideRoundDown(-1, 10), -1);
  // §4.5: 72,000,000 in 6 installments, rounded down to 100,000.
  EXPECT_EQ(Money::Dong(72'000'000 / 6).RoundDownTo(100'000).dong(), 12'000'000);
  EXPECT_EQ(Money::Dong(16'666'666).RoundDownTo(100'000).dong(), 16'600'000);
}

TEST(MoneyTest, AmountsAreWholeDongWithinTheCeiling) {
  EXPECT_EQ(Money::ParseAmount("50000000")->dong(), 50'000'000);
  EXPECT_EQ(Money::ParseAmount("50.000.000")->dong(), 50'000'000);
  EXPECT_EQ(Money::ParseAmount("0")->dong(), 0);
  EXPECT_EQ(Money::ParseAmount("1.000.000.000.000")->dong(), kAmountMaxDong);
  for (const char* bad :
       {"", "1.5", "15.", ".15", "1.5000", "50,000", "-3", "1e6", "1 000", "1.000.000.000.001",
        "99999999999999999999", "12a", "1..000", "0.500", "007"})
    EXPECT_FALSE(Money::ParseAmount(bad)) << bad;
}

TEST(MoneyTest, VietnameseFormatAndParse) {
  EXPECT_EQ(Money::Dong(5'171'000'000'000).ToVietnamese(), "5.171.000.000.000");
  EXPECT_EQ(Money::Dong(-146'667).ToVietnamese(), "-146.667");
  EXPECT_EQ(Money::Dong(0).ToVietnamese(), "0");
  EXPECT_EQ(Money::Parse("50.000.000")->dong(), 50'000'000);
  EXPECT_FALSE(Money::Parse("12a"));
  EXPECT_FALSE(Money::Parse("99999999999999999999"));
  EXPECT_FALSE(Money::Parse("1.5"));  // not 15 đ
  EXPECT_FALSE(Money::Parse("1.5000"));
  EXPECT_EQ(Money::Parse("-20.000")->dong(), -20'000);
}

TEST(RateTest, PerMonthMillionths) {
  EXPECT_EQ(Rate::ParsePercent("0.55")->per_month_millionths(), 5500);
  EXPECT_EQ(Rate::ParsePercent("0,6875")->per_month_millionths(), 6875);
  EXPECT_EQ(Rate::ParsePercent("0.75")->ToPercentVietnamese(), "0,75");
  EXPECT_EQ(Rate::PerMonthMillionths(6600).ToPercent(), "0.66");
  EXPECT_FALSE(Rate::ParsePercent("0.12345"));
  EXPECT_FALSE(Rate::ParsePercent("abc"));
}

}  // namespace
}  // namespace tdcs
