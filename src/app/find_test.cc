#include "app/find.h"

#include <gtest/gtest.h>

#include <sstream>

#include "app/import.h"
#include "test_db.h"

namespace tdcs::app {
namespace {

class FindTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::NewInitialisedConnection();
    std::string borrowers = testing::kBorrowersHeader;
    borrowers += testing::BorrowerRow(1, "Nguyễn Thị Ánh", "0000001");
    borrowers += testing::BorrowerRow(2, "Đặng Thị Đào", "0000001");
    borrowers += testing::BorrowerRow(3, "Nguyễn Thị An", "0000001");
    borrowers += testing::BorrowerRow(4, "Nguyễn Thị Ân", "0000001");
    borrowers += testing::BorrowerRow(5, "Nguyễn Thị Ăn", "0000002");
    borrowers += testing::BorrowerRow(6, "Dương Thị Dung", "0000002");
    for (auto [kind, text] : {std::pair{ImportKind::kNetwork, std::string(testing::kNetworkCsv)},
                              std::pair{ImportKind::kGroups, std::string(testing::kGroupsCsv)},
                              std::pair{ImportKind::kBorrowers, borrowers}}) {
      std::istringstream in(text);
      auto r = Import(*db_, app::SystemContext(), kind, in);
      ASSERT_TRUE(r.ok()) << r.errors.front().error.ToString();
    }
  }
  std::vector<std::string> Names(const std::string& query) {
    std::vector<std::string> out;
    for (const auto& b : FindBorrowers(*db_, app::SystemContext(), query).borrowers)
      out.push_back(b.name);
    return out;
  }
  std::unique_ptr<app::Connection> db_;
};

// Vietnamese order: letters first (a < ă < â), tones second, so "Ánh" (a + tone)
// comes before "Ăn" (the letter ă).
TEST_F(FindTest, IgnoresCaseAndDiacriticsAndSortsTheVietnameseWay) {
  EXPECT_EQ(Names("nguyen thi a"), (std::vector<std::string>{"Nguyễn Thị An", "Nguyễn Thị Ánh",
                                                             "Nguyễn Thị Ăn", "Nguyễn Thị Ân"}));
  EXPECT_EQ(Names("NGUYỄN THỊ ÂN"), (std::vector<std::string>{"Nguyễn Thị An", "Nguyễn Thị Ánh",
                                                              "Nguyễn Thị Ăn", "Nguyễn Thị Ân"}));
  // NFD input.
  EXPECT_EQ(Names("Nguye\xCC\x82\xCC\x83n Thi\xCC\xA3 A\xCC\x81nh"),
            std::vector<std::string>{"Nguyễn Thị Ánh"});
  // đ is found by d, and d sorts before đ.
  EXPECT_EQ(Names("d"), (std::vector<std::string>{"Dương Thị Dung", "Đặng Thị Đào"}));
  EXPECT_EQ(Names("dang"), std::vector<std::string>{"Đặng Thị Đào"});
}

TEST_F(FindTest, TheFirstPageIsTheFirstInVietnameseOrder) {
  auto page = FindBorrowers(*db_, app::SystemContext(), "nguyen", 2);
  ASSERT_EQ(page.borrowers.size(), 2u);
  EXPECT_TRUE(page.more);
  EXPECT_EQ(page.borrowers[0].name, "Nguyễn Thị An");
  EXPECT_EQ(page.borrowers[1].name, "Nguyễn Thị Ánh");
}

TEST_F(FindTest, FindsByCitizenIdOrCode) {
  EXPECT_EQ(Names("031185000002"), std::vector<std::string>{"Đặng Thị Đào"});
  EXPECT_EQ(Names("0000000006"), std::vector<std::string>{"Dương Thị Dung"});
  EXPECT_TRUE(Names("%").empty());
  EXPECT_EQ(MaskCitizenId("031185000002"), "*********002");
}

// A masked citizen ID cannot be completed by searching: a citizen ID is
// found only whole, never by its first digits.
TEST_F(FindTest, CitizenIdsAreFoundOnlyWhole) {
  EXPECT_TRUE(Names("0311850000").empty());
  EXPECT_TRUE(Names("03118500000").empty());
  EXPECT_EQ(Names("031185000002"), std::vector<std::string>{"Đặng Thị Đào"});
  EXPECT_EQ(Names("000000000").size(), 6u);  // customer codes still by their start
}

}  // namespace
}  // namespace tdcs::app
