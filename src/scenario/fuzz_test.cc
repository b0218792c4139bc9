// Seeded, bounded fuzzing of what people hand TDCS: import files and
// scenario files, mutated byte by byte and token by token from valid ones.
// Whatever comes in, TDCS answers with rejections (every one with a code and
// a message in both languages) or accepts it; it never crashes, never throws
// past the boundary, and a rejected import leaves the database as it was.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

#include "app/books.h"
#include "app/import.h"
#include "scenario/scenario.h"
#include "test_db.h"

namespace tdcs {
namespace {

// Mutations that reach the parsers' edges: separators, quotes, line ends,
// NUL and control bytes, huge and negative numbers, far dates, formulas,
// bidi controls, long text and invalid UTF-8.
const std::vector<std::string>& Tokens() {
  static const std::vector<std::string> kTokens = {",",
                                                   "\"",
                                                   "\"\"",
                                                   "\n",
                                                   "\r\n",
                                                   std::string(1, '\0'),
                                                   "\x1b[2J",
                                                   ";",
                                                   "-1",
                                                   "0",
                                                   "99999999999999999999",
                                                   "1.5",
                                                   "1.000.000.000.001",
                                                   "2999-12-31",
                                                   "1899-01-01",
                                                   "31/02/2025",
                                                   "=cmd|' /C calc'!A0",
                                                   "\xe2\x80\xae",
                                                   std::string(3000, 'x'),
                                                   "\xff\xfe",
                                                   "%",
                                                   "_",
                                                   "'; DROP TABLE loan; --",
                                                   "2147483648",
                                                   "leader",
                                                   "leave",
                                                   "month_end"};
  return kTokens;
}

std::string Mutate(std::string text, std::mt19937_64& random) {
  const int edits = 1 + static_cast<int>(random() % 4);
  for (int k = 0; k < edits && !text.empty(); ++k) {
    const size_t at = random() % text.size();
    switch (random() % 5) {
      case 0:  // flip a byte
        text[at] = static_cast<char>(random() % 256);
        break;
      case 1:  // insert a token
        text.insert(at, Tokens()[random() % Tokens().size()]);
        break;
      case 2:  // delete a span
        text.erase(at, 1 + random() % 12);
        break;
      case 3: {  // repeat a line
        const size_t begin = text.rfind('\n', at);
        const size_t end = text.find('\n', at);
        const size_t from = begin == std::string::npos ? 0 : begin + 1;
        if (end != std::string::npos) text.insert(from, text.substr(from, end - from + 1));
        break;
      }
      default: {  // replace a field with a token
        const size_t end = text.find_first_of(",\n ", at);
        text.replace(at, (end == std::string::npos ? text.size() : end) - at,
                     Tokens()[random() % Tokens().size()]);
      }
    }
  }
  return text;
}

int64_t Rows(app::Connection& c) {
  int64_t n = 0;
  for (const char* t :
       {"branch", "office", "commune_point", "village", "savings_group", "borrower",
        "borrower_version", "membership", "loan", "loan_txn", "journal_entry", "posting"})
    n += testing::DbOf(c).QueryInt(std::string("SELECT COUNT(*) FROM ") + t).value_or(0);
  return n;
}

TEST(FuzzTest, ImportsRejectOrAcceptButNeverBreak) {
  auto db = testing::NewInitialisedConnection();
  const auto run = [&](app::ImportKind kind, const std::string& text) {
    std::istringstream in(text);
    return app::Import(*db, app::SystemContext(), kind, in);
  };
  ASSERT_TRUE(run(app::ImportKind::kNetwork, testing::kNetworkCsv).ok());
  ASSERT_TRUE(run(app::ImportKind::kGroups, testing::kGroupsCsv).ok());
  std::string borrowers = testing::kBorrowersHeader;
  for (int n = 1; n <= 5; ++n)
    borrowers +=
        testing::BorrowerRow(n, "Hộ " + std::to_string(n), "0000001", n == 1 ? "leader" : "member");
  ASSERT_TRUE(run(app::ImportKind::kBorrowers, borrowers).ok());
  std::string more_borrowers = testing::kBorrowersHeader;
  for (int n = 6; n <= 9; ++n)
    more_borrowers += testing::BorrowerRow(n, "Hộ " + std::to_string(n), "0000002");
  const std::string loans =
      "code,borrower_code,program,fund_source,approved_dong,term_months,every_months,"
      "grace_months,interest_charge,disbursed_on,disbursed_dong,balance_on,normal_dong,"
      "overdue_dong,frozen_dong,principal_due_dong,interest_owed_dong,next_due,frozen_from,"
      "frozen_until,frozen_overdue_dong,extension_months\n"
      "F1,0000000002,01,1,50000000,36,12,0,,2024-02-10,,2025-06-15,50000000,0,0,0,125000,,,,,\n"
      "F2,0000000003,01,1,60000000,36,12,0,,2024-01-10,,2025-06-15,40000000,10000000,0,0,0,,,,,"
      "\n";
  ASSERT_TRUE(app::CloseTo(*db, app::SystemContext(),
                           app::CloseRequest{*Date::Parse("2025-06-15"), nullptr, nullptr})
                  .ok());
  const std::vector<std::pair<app::ImportKind, std::string>> seeds = {
      {app::ImportKind::kNetwork, testing::kNetworkCsv},
      {app::ImportKind::kGroups, testing::kGroupsCsv},
      {app::ImportKind::kBorrowers, more_borrowers},
      {app::ImportKind::kMemberships,
       "action,borrower_code,group_code,role,valid_from\n"
       "leave,0000000005,0000001,member,2024-01-01\njoin,0000000005,0000002,member,2024-01-01\n"},
      {app::ImportKind::kLoans, loans}};
  std::mt19937_64 random(20261202);
  int accepted = 0, rejected = 0;
  for (int i = 0; i < 400; ++i) {
    const auto& [kind, seed] = seeds[static_cast<size_t>(i) % seeds.size()];
    const std::string text = Mutate(seed, random);
    const int64_t before = Rows(*db);
    app::ImportReport report;
    ASSERT_NO_THROW(report = run(kind, text)) << "file " << i << ":\n" << text;
    if (report.ok()) {
      ++accepted;
      continue;
    }
    ++rejected;
    EXPECT_EQ(Rows(*db), before) << "a rejected file wrote rows: " << i;
    for (const auto& e : report.errors) {
      EXPECT_FALSE(e.error.code.empty()) << i;
      EXPECT_FALSE(e.error.message_vi.empty()) << i;
      EXPECT_FALSE(e.error.message_en.empty()) << i;
    }
  }
  EXPECT_GT(rejected, 300);
  const auto verify = app::Verify(*db, app::SystemContext(), /*deep=*/true);
  EXPECT_TRUE(verify.ok()) << (verify.problems.empty() ? "" : verify.problems[0]);
  std::cout << "fuzzed imports: " << accepted << " accepted, " << rejected << " rejected\n";
}

TEST(FuzzTest, ScenariosFailCleanlyOnAnyText) {
  std::vector<std::string> seeds;
  for (const char* name :
       {"inheritance", "partial_interest_payment", "savings_deposit_withdraw",
        "month_end_february_28", "borrower_not_in_group", "extension_of_due_installment"}) {
    std::ifstream in(std::string("tests/scenarios/") + name + ".scn");
    ASSERT_TRUE(in) << name;
    seeds.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::mt19937_64 random(7);
  for (int i = 0; i < 60; ++i) {
    const std::string text = Mutate(seeds[static_cast<size_t>(i) % seeds.size()], random);
    std::ostringstream out;
    scenario::ScenarioResult result;
    ASSERT_NO_THROW(result = scenario::RunScenario(text, "fuzz", out)) << "text " << i << ":\n"
                                                                       << text;
    EXPECT_GE(result.checks, 0);
  }
}

}  // namespace
}  // namespace tdcs
