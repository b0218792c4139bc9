#include "app/network_ops.h"

#include <gtest/gtest.h>

#include <sstream>

#include "app/import.h"
#include "store/network_store.h"
#include "test_db.h"

namespace tdcs::app {
namespace {

const char* const kHaiDuong =
    "kind,code,name,parent_code,area_code,session_day,valid_from\n"
    "branch,CN30,Chi nhánh NHCSXH tỉnh Hải Dương,,30,,2015-01-01\n"
    "seat,HS30,Hội sở chi nhánh Hải Dương,CN30,,,2015-01-01\n"
    "office,PGD290,Phòng giao dịch NHCSXH Chí Linh,CN30,,,2015-01-01\n"
    "point,P10507,Điểm giao dịch phường Cẩm Thượng,HS30,10507,9,2015-01-01\n"
    "point,P10510,Điểm giao dịch phường Bình Hàn,HS30,10510,9,2015-01-01\n";

class ReformTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::NewInitialisedConnection();
    for (auto [kind, text] : {std::pair{ImportKind::kNetwork, testing::kNetworkCsv},
                              std::pair{ImportKind::kNetwork, kHaiDuong},
                              std::pair{ImportKind::kGroups, testing::kGroupsCsv}}) {
      std::istringstream in(text);
      ASSERT_TRUE(Import(*db_, app::SystemContext(), kind, in).ok());
    }
  }
  std::unique_ptr<app::Connection> db_;
};

TEST_F(ReformTest, MergesBranchesKeepsOfficesAndPointsWithHistory) {
  auto result = ApplyReform2025(*db_, app::SystemContext());
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(result.value().branches_kept, 1);
  EXPECT_EQ(result.value().branches_merged, 1);
  EXPECT_EQ(result.value().seats_to_offices, 1);
  EXPECT_EQ(result.value().offices_moved, 1);
  EXPECT_EQ(result.value().points, 4);
  EXPECT_EQ(result.value().groups, 3);

  store::NetworkStore store(testing::DbOf(*db_));
  const Date before = *Date::Parse("2025-06-30"), after = *Date::Parse("2025-07-01");
  // The day before: two branches of the legacy provinces, as they were.
  auto old_branches = store.BranchesOn(before);
  ASSERT_EQ(old_branches.size(), 2u);
  EXPECT_EQ(old_branches[0].province_era, "L");
  EXPECT_EQ(store.CountsOn(before).offices, 2);
  EXPECT_EQ(store.CountsOn(before).seats, 2);
  // From the reform: one branch for the new Hải Phòng; Hải Dương's seat is an office.
  auto branches = store.BranchesOn(after);
  ASSERT_EQ(branches.size(), 1u);
  EXPECT_EQ(branches[0].code, "CN31");
  EXPECT_EQ(branches[0].province_era, "N");
  EXPECT_EQ(branches[0].name, "Chi nhánh NHCSXH Thành phố Hải Phòng");
  const auto counts = store.CountsOn(after);
  EXPECT_EQ(counts.offices, 3);
  EXPECT_EQ(counts.seats, 1);
  EXPECT_EQ(counts.points, 4);
  for (const auto& o : store.OfficesOn(after)) EXPECT_EQ(o.branch_id, branches[0].id) << o.code;
  auto offices = store.OfficesOn(after);
  auto hs30 =
      std::find_if(offices.begin(), offices.end(), [](auto& o) { return o.code == "HS30"; });
  ASSERT_NE(hs30, offices.end());
  EXPECT_EQ(hs30->kind, "office");
  EXPECT_EQ(hs30->name, "Phòng giao dịch NHCSXH khu vực Hải Dương");
  // Points keep their site and session day; Cẩm Thượng and Bình Hàn both report
  // under Thành Đông (10507); Lê Thiện (split) under the commune with its code rule.
  for (const auto& p : store.PointsOn(after)) {
    EXPECT_EQ(p.site_era, "L");
    EXPECT_EQ(p.report_era, "N");
    if (p.code == "P10507" || p.code == "P10510") {
      EXPECT_EQ(p.report_code, "10507");
    } else if (p.code == "P11581") {
      EXPECT_EQ(p.report_code, "11581");
    } else if (p.code == "P11584") {
      EXPECT_EQ(p.report_code, "11593");
    }
  }
  for (const auto& g : store.GroupsOn(after)) EXPECT_EQ(g.commune_era, "N");
  // District-level association units are gone; 2025 communes have theirs.
  for (const auto& u : store.AssociationUnitsOn(after)) EXPECT_NE(u.level, "district");
  // Once only.
  auto again = ApplyReform2025(*db_, app::SystemContext());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "REFORM_ALREADY_APPLIED");
}

TEST_F(ReformTest, RefusesADateBeforeTheReform) {
  auto r = ApplyReform2025(*db_, app::SystemContext(), Date::Parse("2025-06-01"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "REFORM_DATE_EARLY");
}

TEST_F(ReformTest, NewUnitsAfterTheReformUseTheNewCodes) {
  ASSERT_TRUE(ApplyReform2025(*db_, app::SystemContext()).ok());
  std::istringstream in(
      "kind,code,name,parent_code,area_code,session_day,valid_from\n"
      "village,11593001,Tổ dân phố 5,,11593,,2025-09-01\n");
  auto r = Import(*db_, app::SystemContext(), ImportKind::kNetwork, in);
  ASSERT_TRUE(r.ok()) << r.errors.front().error.ToString();
}

}  // namespace
}  // namespace tdcs::app
