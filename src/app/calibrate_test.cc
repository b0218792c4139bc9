// The calibration of generated data (RULES §9.7): the targets file, the fit,
// and what Generate refuses before it creates anything.
#include "app/calibrate.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "test_db.h"

namespace tdcs::app {
namespace {

Result<CalibrationTargets> Read(const std::string& text) {
  std::istringstream in(text);
  return ReadCalibration(in, "t.csv");
}

TEST(CalibrationTest, ReadsAmountsCountsAndRatiosInTheWaysTheyArePublished) {
  auto t = Read(
      "unit,at,indicator,value\n"
      "PGD312,2024-03-31,outstanding_dong,438.213 triệu\n"
      "PGD312,2024-03-31,overdue_ratio,\"0,1 %\"\n"
      "PGD312,2024-03-31,frozen_dong,1.500.000\n"
      "PGD312,2024-03-31,groups,250\n"
      "PGD312,2024-03-31,customers,8.425\n"
      "PGD312,2024-03-31,by_association.women,\"5,171 tỷ đồng\"\n"
      "PGD312,2024-03-31,by_association.11,147185000000\n");
  ASSERT_TRUE(t.ok()) << t.error().ToString();
  EXPECT_EQ(t.value().at, *Date::Parse("2024-03-31"));
  EXPECT_EQ(t.value().unit, "PGD312");
  EXPECT_EQ(*t.value().outstanding, 438'213'000'000);
  EXPECT_EQ(*t.value().overdue_ppm, 1'000);
  EXPECT_EQ(*t.value().frozen, 1'500'000);
  EXPECT_EQ(*t.value().groups, 250);
  EXPECT_EQ(*t.value().households, 8'425);
  EXPECT_EQ(t.value().by_association.at(12), 5'171'000'000);
  EXPECT_EQ(t.value().by_association.at(11), 147'185'000'000);
}

TEST(CalibrationTest, ABadRowIsRefusedNamingItsLine) {
  const std::string head = "unit,at,indicator,value\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "line 1"},
      {"unit,date,indicator,value\n", "header"},
      {head + "N,2024-03-31,outstanding,5\n", "line 2: no indicator 'outstanding'"},
      {head + "N,2024-02-30,groups,5\n", "line 2: the date '2024-02-30'"},
      {head + "N,2024-03-31,groups,5\nN,2024-03-31,groups,6\n",
       "line 3: the indicator 'groups' is given twice"},
      {head + "N,2024-03-31,groups,5\nN,2024-04-01,households,60\n",
       "line 3: every figure must be of the same unit and date"},
      {head + "N,2024-03-31,groups,5\nM,2024-03-31,households,60\n", "line 3: every figure"},
      {head + "N,2024-03-31,groups,-5\n", "line 2: the value '-5' of groups"},
      {head + "N,2024-03-31,groups,2.5\n", "line 2: the value '2.5'"},
      {head + "N,2024-03-31,outstanding_dong,12abc\n", "is not an amount"},
      {head + "N,2024-03-31,outstanding_dong,\"1,5\"\n", "is not an amount"},
      {head + "N,2024-03-31,overdue_ratio,abc\n", "is not a percent"},
      {head + "N,2024-03-31,overdue_dong,5\nN,2024-03-31,overdue_ratio,1%\n", "give one"},
      {head + "N,2024-03-31,by_association.fishers,5\n", "no association 'fishers'"},
      {head + "N,2024-03-31,households,5\nN,2024-03-31,customers,5\n", "one figure"},
      {head + "N,2024-03-31,groups\n", "4 fields are needed"},
      {head, "holds no figure"},
  };
  for (const auto& [text, expected] : cases) {
    auto t = Read(text);
    ASSERT_FALSE(t.ok()) << text;
    EXPECT_EQ(t.error().code, "CALIBRATION_INVALID") << text;
    EXPECT_EQ(t.error().field, "calibrate");
    EXPECT_NE(t.error().message_en.find(expected), std::string::npos)
        << text << " → " << t.error().message_en;
    EXPECT_FALSE(t.error().message_vi.empty());
  }
}

TEST(CalibrationTest, SplitInStepsAddsUpExactlyWithAStepEach) {
  const auto split = SplitInSteps({3, 1, 0, 7}, 5'000'000, 100'000);
  int64_t sum = 0;
  for (auto v : split) {
    EXPECT_GE(v, 100'000);
    EXPECT_EQ(v % 100'000, 0);
    sum += v;
  }
  EXPECT_EQ(sum, 5'000'000);
  EXPECT_GT(split[3], split[0]);
  EXPECT_GT(split[0], split[1]);
  EXPECT_EQ(split[2], 100'000);  // no weight: one step
  const auto even = SplitInSteps({0, 0, 0}, 1'000'000, 100'000);
  EXPECT_EQ(even[0] + even[1] + even[2], 1'000'000);
}

// Random draws fitted to every kind of target: the sums are the targets'.
TEST(CalibrationTest, TheFitMeetsEveryTargetExactly) {
  Random random(5);
  std::vector<CalibrationLoan> loans;
  for (int i = 0; i < 3'000; ++i) {
    CalibrationLoan l;
    l.dong = random.Between(10, 100) * 1'000'000;
    l.association = 11 + static_cast<int>(random.Below(4));
    l.may_fall_overdue = random.Chance(300'000);
    l.overdue = l.may_fall_overdue && random.Chance(20'000);
    l.frozen = !l.overdue && random.Chance(1'000);
    loans.push_back(l);
  }
  CalibrationTargets t;
  t.outstanding = 150'000'000'000;
  t.overdue_ppm = 4'000;   // 0,4 %
  t.frozen = 123'456'789;  // met to the 100.000 đ: 123.500.000
  t.by_association[12] = 60'000'000'000;
  t.by_association[13] = 20'000'000'000;
  Random fit_random(9);
  ASSERT_FALSE(FitCalibration(loans, t, fit_random).has_value());
  int64_t total = 0, overdue = 0, frozen = 0;
  std::map<int, int64_t> by;
  for (const auto& l : loans) {
    EXPECT_GE(l.dong, 100'000);
    EXPECT_EQ(l.dong % 100'000, 0);
    EXPECT_FALSE(l.overdue && l.frozen);
    if (l.overdue) {
      EXPECT_TRUE(l.may_fall_overdue);
    }
    total += l.dong;
    if (l.overdue) overdue += l.dong;
    if (l.frozen) frozen += l.dong;
    by[l.association] += l.dong;
  }
  EXPECT_EQ(total, 150'000'000'000);
  EXPECT_EQ(overdue, 600'000'000);
  EXPECT_EQ(frozen, 123'500'000);
  EXPECT_EQ(by[12], 60'000'000'000);
  EXPECT_EQ(by[13], 20'000'000'000);
  EXPECT_EQ(by[11] + by[14], 70'000'000'000);
  EXPECT_GT(by[11], by[14] / 2);  // in their drawn proportions (about equal)
}

TEST(CalibrationTest, TargetsThatCannotBeMetAreRefused) {
  std::vector<CalibrationLoan> loans(10, CalibrationLoan{50'000'000, 11, false, false, false});
  Random random(1);
  CalibrationTargets tiny;
  tiny.outstanding = 500'000;  // 10 loans need 100.000 đ each at least
  auto a = loans;
  auto e = FitCalibration(a, tiny, random);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code, "CALIBRATION_INFEASIBLE");
  CalibrationTargets overdue;
  overdue.overdue = 10'000'000;  // no loan can be past its maturity
  a = loans;
  e = FitCalibration(a, overdue, random);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code, "CALIBRATION_INFEASIBLE");
  CalibrationTargets associations;
  associations.outstanding = 100'000'000;
  associations.by_association[11] = 200'000'000;
  a = loans;
  e = FitCalibration(a, associations, random);
  ASSERT_TRUE(e.has_value());
  EXPECT_NE(e->message_en.find("adds up to"), std::string::npos) << e->message_en;
  CalibrationTargets absent;
  absent.by_association[14] = 100'000'000;  // no youth group was drawn
  a = loans;
  e = FitCalibration(a, absent, random);
  ASSERT_TRUE(e.has_value());
  EXPECT_NE(e->message_en.find("runs no group"), std::string::npos) << e->message_en;
}

// Refused before the target is opened: nothing is created.
TEST(CalibrationTest, GenerateRefusesAnotherUnitDateOrImpossibleCountsAndCreatesNothing) {
  const auto refused = [](const std::string& unit, const char* until, int64_t groups,
                          int64_t households) {
    CalibrationTargets t;
    t.at = *Date::Parse("2024-03-31");
    t.unit = unit;
    t.groups = groups;
    t.households = households;
    GenerateOptions options{"demo", 1, *Date::Parse(until)};
    options.calibration = t;
    const std::string target = testing::NewTestTarget();
    auto result = Generate(target, SystemContext(), options);
    EXPECT_FALSE(result.ok());
    if (testing::TestDbTarget() == "sqlite") {
      EXPECT_FALSE(std::filesystem::exists(target));
    }
    return result.ok() ? Error{} : result.error();
  };
  auto e = refused("CN70", "2024-03-31", 250, 8'425);
  EXPECT_EQ(e.code, "CALIBRATION_UNIT_OUTSIDE");
  EXPECT_NE(e.message_en.find("national, CN31, PGD312"), std::string::npos) << e.message_en;
  e = refused("PGD312", "2024-04-30", 250, 8'425);
  EXPECT_EQ(e.code, "CALIBRATION_INVALID");
  EXPECT_EQ(e.field, "until");
  e = refused("national", "2024-03-31", 250, 1'000);
  EXPECT_EQ(e.code, "CALIBRATION_INFEASIBLE");
  EXPECT_EQ(e.field, "households");
}

}  // namespace
}  // namespace tdcs::app
