#include "app/generate.h"

#include <gtest/gtest.h>

#include <sstream>

#include "app/export.h"
#include "store/network_store.h"
#include "test_db.h"

namespace tdcs::app {
namespace {

std::string ExportAll(store::Database& db, Date on) {
  std::ostringstream out;
  for (auto kind : {ImportKind::kNetwork, ImportKind::kGroups, ImportKind::kBorrowers})
    Export(db, kind, {on, false}, out);
  return out.str();
}

TEST(GenerateTest, DemoProfileIsCalibratedAndMovedOntoTheNewStructure) {
  auto db = testing::NewInitialisedDatabase();
  auto result = Generate(*db, {"demo", 7, *Date::Parse("2026-06-30")});
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(result.value().groups, 250);
  EXPECT_EQ(result.value().borrowers, 8'425);
  EXPECT_EQ(result.value().points, 10);
  EXPECT_TRUE(result.value().reform_applied);
  store::NetworkStore store(*db);
  const auto c = store.CountsOn(*Date::Parse("2026-06-30"));
  EXPECT_EQ(c.branches, 1);
  EXPECT_EQ(c.offices, 1);
  EXPECT_EQ(c.groups, 250);
  EXPECT_EQ(c.borrowers, 8'425);
  EXPECT_EQ(c.memberships, 8'425);
  // Every group has 5–60 members, a leader and a deputy.
  auto st = db->Prepare(
      "SELECT group_id, COUNT(*), SUM(CASE WHEN role = 'leader' THEN 1 ELSE 0 END), "
      "SUM(CASE WHEN role = 'deputy' THEN 1 ELSE 0 END) FROM membership GROUP BY group_id");
  int groups = 0;
  while (st->Step()) {
    ++groups;
    EXPECT_GE(st->GetInt(1), 5);
    EXPECT_LE(st->GetInt(1), 60);
    EXPECT_EQ(st->GetInt(2), 1);
    EXPECT_EQ(st->GetInt(3), 1);
  }
  EXPECT_EQ(groups, 250);
  // Women's Union runs the most groups, then farmers, veterans, youth.
  auto share = [&](int association) {
    auto q = db->Prepare(
        "SELECT COUNT(*) FROM savings_group_version WHERE valid_to IS NULL AND "
        "association_code = ?");
    q->BindInt(1, association);
    q->Step();
    return q->GetInt(0);
  };
  EXPECT_GT(share(12), share(11));
  EXPECT_GT(share(11), share(13));
  EXPECT_GT(share(13), share(14));
  EXPECT_EQ(share(11) + share(12) + share(13) + share(14), 250);
}

TEST(GenerateTest, SameSeedSameDataAndGeneratedDataPassesImportChecks) {
  auto a = testing::NewInitialisedDatabase();
  auto b = testing::NewInitialisedDatabase();
  auto c = testing::NewInitialisedDatabase();
  ASSERT_TRUE(Generate(*a, {"demo", 42, *Date::Parse("2026-06-30")}).ok());
  ASSERT_TRUE(Generate(*b, {"demo", 42, *Date::Parse("2026-06-30")}).ok());
  ASSERT_TRUE(Generate(*c, {"demo", 43, *Date::Parse("2026-06-30")}).ok());
  const Date on = *Date::Parse("2025-06-30");
  const std::string exported = ExportAll(*a, on);
  EXPECT_EQ(exported, ExportAll(*b, on));
  EXPECT_NE(exported, ExportAll(*c, on));
  // The structure of 30/06/2025 imports into an empty database through every check.
  auto fresh = testing::NewInitialisedDatabase();
  for (auto kind : {ImportKind::kNetwork, ImportKind::kGroups, ImportKind::kBorrowers}) {
    std::ostringstream out;
    Export(*a, kind, {on, false}, out);
    std::istringstream in(out.str());
    auto r = Import(*fresh, kind, in);
    ASSERT_TRUE(r.ok()) << r.errors.front().error.ToString();
  }
  EXPECT_EQ(ExportAll(*fresh, on), exported);
}

// Exports of any date — after the 2025 move, with borrowers who joined their
// group after they were recorded — import into an empty database again.
TEST(GenerateTest, ExportsAfterTheReformAndLateJoinsImportAgain) {
  auto a = testing::NewInitialisedDatabase();
  ASSERT_TRUE(Generate(*a, {"demo", 9, *Date::Parse("2026-06-30")}).ok());
  for (const char* day : {"2025-08-01", "2026-06-30"}) {
    const Date on = *Date::Parse(day);
    auto fresh = testing::NewInitialisedDatabase();
    std::string before;
    for (auto kind : {ImportKind::kNetwork, ImportKind::kGroups, ImportKind::kBorrowers,
                      ImportKind::kMemberships}) {
      std::ostringstream out;
      Export(*a, kind, {on, false}, out);
      std::istringstream in(out.str());
      auto r = Import(*fresh, kind, in);
      ASSERT_TRUE(r.ok()) << day << ": " << r.errors.front().error.ToString();
    }
    store::NetworkStore original(*a), copy(*fresh);
    const auto x = original.CountsOn(on), y = copy.CountsOn(on);
    EXPECT_EQ(x.branches, y.branches);
    EXPECT_EQ(x.offices, y.offices);
    EXPECT_EQ(x.points, y.points);
    EXPECT_EQ(x.groups, y.groups);
    EXPECT_EQ(x.borrowers, y.borrowers);
    EXPECT_EQ(x.memberships, y.memberships);
  }
}

TEST(GenerateTest, RefusesAnUnknownProfileOrANonEmptyDatabase) {
  auto db = testing::NewInitialisedDatabase();
  EXPECT_EQ(Generate(*db, {"planet", 1, *Date::Parse("2026-06-30")}).error().code,
            "PROFILE_UNKNOWN");
  ASSERT_TRUE(Generate(*db, {"demo", 1, *Date::Parse("2024-06-30")}).ok());
  EXPECT_EQ(Generate(*db, {"demo", 1, *Date::Parse("2024-06-30")}).error().code,
            "DATABASE_NOT_EMPTY");
}

}  // namespace
}  // namespace tdcs::app
