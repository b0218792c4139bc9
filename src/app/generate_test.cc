#include "app/generate.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/export.h"
#include "store/network_store.h"
#include "test_db.h"

namespace tdcs::app {
namespace {

std::string ExportAll(Connection& db, Date on) {
  std::ostringstream out;
  for (auto kind : {ImportKind::kNetwork, ImportKind::kGroups, ImportKind::kBorrowers})
    EXPECT_TRUE(Export(db, SystemContext(), kind, {on, false}, out).ok());
  return out.str();
}

// Generates into a fresh database and opens it.
std::unique_ptr<Connection> Generated(const GenerateOptions& options,
                                      Result<GenerateSummary>* summary = nullptr,
                                      std::string* target_out = nullptr) {
  const std::string target = testing::NewTestTarget();
  auto result = Generate(target, SystemContext(), options);
  EXPECT_TRUE(result.ok()) << result.error().ToString();
  if (summary) *summary = result;
  if (target_out) *target_out = target;
  return Connection::Open(target);
}

TEST(GenerateTest, DemoProfileIsCalibratedAndMovedOntoTheNewStructure) {
  Result<GenerateSummary> result = Error{};
  auto db = Generated({"demo", 7, *Date::Parse("2026-06-30")}, &result);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(result.value().groups, 250);
  EXPECT_EQ(result.value().borrowers, 8'425);
  EXPECT_EQ(result.value().points, 10);
  EXPECT_TRUE(result.value().reform_applied);
  store::NetworkStore store(testing::DbOf(*db));
  const auto c = store.CountsOn(*Date::Parse("2026-06-30"));
  EXPECT_EQ(c.branches, 1);
  EXPECT_EQ(c.offices, 1);
  EXPECT_EQ(c.groups, 250);
  EXPECT_EQ(c.borrowers, 8'425);
  EXPECT_EQ(c.memberships, 8'425);
  // Every group has 5–60 members, a leader and a deputy.
  auto st = testing::DbOf(*db).Prepare(
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
    auto q = testing::DbOf(*db).Prepare(
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
  auto a = Generated({"demo", 42, *Date::Parse("2026-06-30")});
  auto b = Generated({"demo", 42, *Date::Parse("2026-06-30")});
  auto c = Generated({"demo", 43, *Date::Parse("2026-06-30")});
  const Date on = *Date::Parse("2025-06-30");
  const std::string exported = ExportAll(*a, on);
  EXPECT_EQ(exported, ExportAll(*b, on));
  EXPECT_NE(exported, ExportAll(*c, on));
  // The structure of 30/06/2025 imports into an empty database through every check.
  auto fresh = testing::NewInitialisedConnection();
  for (auto kind : {ImportKind::kNetwork, ImportKind::kGroups, ImportKind::kBorrowers}) {
    std::ostringstream out;
    ASSERT_TRUE(Export(*a, app::SystemContext(), kind, {on, false}, out).ok());
    std::istringstream in(out.str());
    auto r = Import(*fresh, app::SystemContext(), kind, in);
    ASSERT_TRUE(r.ok()) << r.errors.front().error.ToString();
  }
  EXPECT_EQ(ExportAll(*fresh, on), exported);
}

// Exports of any date — after the 2025 move, with borrowers who joined their
// group after they were recorded — import into an empty database again.
TEST(GenerateTest, ExportsAfterTheReformAndLateJoinsImportAgain) {
  auto a = Generated({"demo", 9, *Date::Parse("2026-06-30")});
  for (const char* day : {"2025-08-01", "2026-06-30"}) {
    const Date on = *Date::Parse(day);
    auto fresh = testing::NewInitialisedConnection();
    std::string before;
    for (auto kind : {ImportKind::kNetwork, ImportKind::kGroups, ImportKind::kBorrowers,
                      ImportKind::kMemberships}) {
      std::ostringstream out;
      ASSERT_TRUE(Export(*a, app::SystemContext(), kind, {on, false}, out).ok());
      std::istringstream in(out.str());
      auto r = Import(*fresh, app::SystemContext(), kind, in);
      ASSERT_TRUE(r.ok()) << day << ": " << r.errors.front().error.ToString();
    }
    store::NetworkStore original(testing::DbOf(*a)), copy(testing::DbOf(*fresh));
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
  const std::string target = testing::NewTestTarget();
  EXPECT_EQ(
      Generate(target, SystemContext(), {"planet", 1, *Date::Parse("2026-06-30")}).error().code,
      "PROFILE_UNKNOWN");
  ASSERT_TRUE(Generate(target, SystemContext(), {"demo", 1, *Date::Parse("2024-06-30")}).ok());
  EXPECT_EQ(Generate(target, SystemContext(), {"demo", 1, *Date::Parse("2024-06-30")}).error().code,
            "DATABASE_NOT_EMPTY");
}

// Before the network opens (2015-01-01) no program has a rate in force: the
// run is refused, and no database is created.
TEST(GenerateTest, RefusesAnUntilBeforeTheNetworkOpens) {
  const std::string target = testing::NewTestTarget();
  for (const char* until : {"2014-01-01", "2015-01-01"}) {
    auto result = Generate(target, SystemContext(), {"demo", 1, *Date::Parse(until)});
    ASSERT_FALSE(result.ok()) << until;
    EXPECT_EQ(result.error().code, "GENERATE_UNTIL_TOO_EARLY");
    EXPECT_EQ(result.error().field, "until");
  }
  if (testing::TestDbTarget() == "sqlite") {
    EXPECT_FALSE(std::filesystem::exists(target));
    EXPECT_FALSE(std::filesystem::exists(target + ".generating"));
  }
}

// A generation stopped half-way (here: its partial file left behind, as a
// kill -9 leaves it) does not block the next one, and the target holds
// nothing partial in between.
TEST(GenerateTest, AStoppedGenerationLeavesNothingAndRunsAgain) {
  if (testing::TestDbTarget() != "sqlite") GTEST_SKIP() << "PostgreSQL: one transaction";
  const std::string target = testing::NewTestTarget();
  {
    std::ofstream partial(target + ".generating");
    partial << "half a database";
  }
  ASSERT_TRUE(Generate(target, SystemContext(), {"demo", 1, *Date::Parse("2024-06-30")}).ok());
  EXPECT_FALSE(std::filesystem::exists(target + ".generating"));
  auto db = Connection::Open(target);
  EXPECT_EQ(testing::DbOf(*db).QueryInt("SELECT COUNT(*) FROM borrower").value_or(0), 8'425);
}

}  // namespace
}  // namespace tdcs::app
