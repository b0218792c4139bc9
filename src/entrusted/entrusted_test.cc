#include <gtest/gtest.h>

#include "entrusted/fees.h"
#include "entrusted/rating.h"

namespace tdcs::entrusted {
namespace {

TEST(RatingTest, ADefaultMappingGivesEachBandItsPoints) {
  auto m = ParseMapping(Criterion::kSessionShare, "95:20,80:15,60:10,40:5,0:0");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(PointsFor(m.value(), 10'000), 20);
  EXPECT_EQ(PointsFor(m.value(), 9'500), 20);
  EXPECT_EQ(PointsFor(m.value(), 9'499), 15);
  EXPECT_EQ(PointsFor(m.value(), 0), 0);
}

TEST(RatingTest, TheOverdueRatioIsBetterLow) {
  auto m = ParseMapping(Criterion::kOverdueRatio, "0.5:30,1:25,2:20,3:15,5:10,100:0");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(PointsFor(m.value(), 0), 30);
  EXPECT_EQ(PointsFor(m.value(), 50), 30);
  EXPECT_EQ(PointsFor(m.value(), 51), 25);
  EXPECT_EQ(PointsFor(m.value(), 500), 10);
  EXPECT_EQ(PointsFor(m.value(), 501), 0);
}

TEST(RatingTest, AGrowthMappingReachesDownToMinusOneHundred) {
  auto m = ParseMapping(Criterion::kSavingsGrowth, "0:10,-5:6,-20:3,-100:0");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(PointsFor(m.value(), 1'200), 10);
  EXPECT_EQ(PointsFor(m.value(), -400), 6);
  EXPECT_EQ(PointsFor(m.value(), -10'000), 0);
}

TEST(RatingTest, BadMappingsAreRefused) {
  // Too many points, out of order, rising points, no floor, not a pair.
  for (const char* text : {"95:21,0:0", "80:15,95:20,0:0", "95:10,80:15,0:0", "95:20,50:10",
                           "95-20", "", "abc:1,0:0", "95:20,0:0,"}) {
    auto m = ParseMapping(Criterion::kSessionShare, text);
    ASSERT_FALSE(m.ok()) << text;
    EXPECT_EQ(m.error().code, "SETTING_INVALID");
    EXPECT_EQ(m.error().field, "rating.session_share");
  }
  EXPECT_FALSE(ParseMapping(Criterion::kOverdueRatio, "0.5:30,5:10").ok());  // no ceiling
  EXPECT_FALSE(ParseMapping(Criterion::kSavingsGrowth, "0:10,-5:0").ok());   // no floor
}

TEST(RatingTest, TheClassesFollowTheirThresholds) {
  auto steps = ParseClassSteps("85:tot,70:kha,50:trung_binh,0:yeu");
  ASSERT_TRUE(steps.ok());
  EXPECT_EQ(ClassOf(steps.value(), 100), RatingClass::kGood);
  EXPECT_EQ(ClassOf(steps.value(), 85), RatingClass::kGood);
  EXPECT_EQ(ClassOf(steps.value(), 84), RatingClass::kFair);
  EXPECT_EQ(ClassOf(steps.value(), 70), RatingClass::kFair);
  EXPECT_EQ(ClassOf(steps.value(), 69), RatingClass::kAverage);
  EXPECT_EQ(ClassOf(steps.value(), 50), RatingClass::kAverage);
  EXPECT_EQ(ClassOf(steps.value(), 49), RatingClass::kWeak);
  EXPECT_FALSE(ParseClassSteps("85:tot,70:kha,50:trung_binh").ok());
  EXPECT_FALSE(ParseClassSteps("70:tot,85:kha,50:trung_binh,0:yeu").ok());
  EXPECT_FALSE(ParseClassSteps("85:good,70:kha,50:trung_binh,0:yeu").ok());
}

TEST(RatingTest, SharesAndGrowthRoundHalfUp) {
  EXPECT_EQ(ShareBp(100'000, 113'667, 0), 8'798);  // 87.976 %
  EXPECT_EQ(ShareBp(1, 3, 0), 3'333);
  EXPECT_EQ(ShareBp(2, 3, 0), 6'667);
  EXPECT_EQ(ShareBp(5, 0, 10'000), 10'000);
  EXPECT_EQ(GrowthBp(0, 0), 0);
  EXPECT_EQ(GrowthBp(0, 5), 10'000);
  EXPECT_EQ(GrowthBp(200, 150), -2'500);
  EXPECT_EQ(PercentVi(8'798), "87,98 %");
  EXPECT_EQ(PercentVi(9'250), "92,5 %");
  EXPECT_EQ(PercentVi(-2'500), "-25 %");
}

QualityRule Commission() { return {1'000, 200, 9'500, 500, 8'000, 50}; }

TEST(FeesTest, CommissionIsPaidInFullReducedOrWithheld) {
  auto full = Assess(Commission(), Money::Dong(113'667), 0, 10'000);
  EXPECT_EQ(full.quality, Quality::kFull);
  EXPECT_EQ(full.amount, Money::Dong(11'367));  // 11,366.7 half up
  // Between the two thresholds: half.
  auto reduced = Assess(Commission(), Money::Dong(100'000), 0, 8'798);
  EXPECT_EQ(reduced.quality, Quality::kReduced);
  EXPECT_EQ(reduced.full, Money::Dong(10'000));
  EXPECT_EQ(reduced.amount, Money::Dong(5'000));
  // The overdue ratio alone reduces or withholds it too.
  EXPECT_EQ(Assess(Commission(), Money::Dong(100'000), 300, 10'000).quality, Quality::kReduced);
  EXPECT_EQ(Assess(Commission(), Money::Dong(100'000), 501, 10'000).quality, Quality::kWithheld);
  auto withheld = Assess(Commission(), Money::Dong(56'833), 0, 5'000);
  EXPECT_EQ(withheld.quality, Quality::kWithheld);
  EXPECT_EQ(withheld.amount, Money::Zero());
  // At the thresholds themselves: the better side.
  EXPECT_EQ(Assess(Commission(), Money::Dong(1'000), 200, 9'500).quality, Quality::kFull);
  EXPECT_EQ(Assess(Commission(), Money::Dong(1'000), 500, 8'000).quality, Quality::kReduced);
}

TEST(FeesTest, AFeeSplitsBetweenTheLevelsInForceAndAddsUp) {
  const LevelShares before{5, 10, 15, 70}, after{5, 15, 0, 80};
  auto parts = SplitFee(Money::Dong(13'200), before, true);
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_EQ(parts[0].amount, Money::Dong(660));
  EXPECT_EQ(parts[1].amount, Money::Dong(1'320));
  EXPECT_EQ(parts[2].amount, Money::Dong(1'980));
  EXPECT_EQ(parts[3].amount, Money::Dong(9'240));
  parts = SplitFee(Money::Dong(9'093), after, false);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].amount, Money::Dong(454));    // 454.65 down
  EXPECT_EQ(parts[1].amount, Money::Dong(1'363));  // 1,363.95 down
  EXPECT_EQ(parts[2].amount, Money::Dong(7'276));  // the rest
  // No share below 0, even with the commune's 0 %.
  parts = SplitFee(Money::Dong(1), {50, 50, 0, 0}, true);
  EXPECT_EQ(parts[3].amount, Money::Dong(1));
  // Rounding never loses or makes a đồng.
  for (int64_t fee = 0; fee < 2'000; ++fee) {
    Money sum;
    for (const auto& p : SplitFee(Money::Dong(fee), {3, 17, 13, 67}, true)) sum += p.amount;
    EXPECT_EQ(sum, Money::Dong(fee));
  }
}

TEST(FeesTest, SharesMustAddUpAndHaveNoDistrictAfterTheReform) {
  EXPECT_FALSE(CheckShares({5, 10, 15, 70}, true, "31/05/2025"));
  EXPECT_TRUE(CheckShares({5, 10, 15, 60}, true, "31/05/2025"));
  EXPECT_TRUE(CheckShares({5, 10, 15, 70}, false, "31/08/2025"));
  EXPECT_FALSE(CheckShares({5, 15, 0, 80}, false, "31/08/2025"));
  EXPECT_EQ(CheckShares({5, 10, 15, 70}, false, "31/08/2025")->field, "fee.share.district_percent");
}

}  // namespace
}  // namespace tdcs::entrusted
