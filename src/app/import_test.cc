#include "app/import.h"

#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "app/export.h"
#include "app/network_ops.h"
#include "store/network_store.h"
#include "test_db.h"

namespace tdcs::app {
namespace {

using testing::BorrowerRow;
using testing::kBorrowersHeader;

std::map<std::string, int64_t> TableCounts(store::Database& db) {
  std::map<std::string, int64_t> out;
  for (const char* t : {"branch", "branch_version", "office", "office_version", "commune_point",
                        "commune_point_version", "village", "village_version", "savings_group",
                        "savings_group_version", "borrower", "borrower_version", "membership",
                        "association_unit", "id_sequence"})
    out[t] = db.QueryInt(std::string("SELECT COUNT(*) FROM ") + t).value_or(-1);
  out["id_sum"] = db.QueryInt("SELECT SUM(next_value) FROM id_sequence").value_or(-1);
  return out;
}

class ImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::NewInitialisedConnection();
    ASSERT_TRUE(Run(ImportKind::kNetwork, testing::kNetworkCsv).ok());
    ASSERT_TRUE(Run(ImportKind::kGroups, testing::kGroupsCsv).ok());
  }
  ImportReport Run(ImportKind kind, const std::string& text) {
    std::istringstream in(text);
    return Import(*db_, app::SystemContext(), kind, in);
  }
  // Codes of the errors on `line`.
  static std::vector<std::string> CodesOn(const ImportReport& r, int line) {
    std::vector<std::string> out;
    for (const auto& e : r.errors)
      if (e.line == line) out.push_back(e.error.code);
    return out;
  }
  std::unique_ptr<app::Connection> db_;
};

// The same file imported again is named as such, with nothing written; the
// same rows in a file that differs are checked row by row as always.
TEST_F(ImportTest, TheSameFileTwiceSaysSo) {
  std::string csv = kBorrowersHeader;
  csv += BorrowerRow(1, "Nguyễn Thị Lan", "0000001", "leader");
  ASSERT_TRUE(Run(ImportKind::kBorrowers, csv).ok());
  const auto before = TableCounts(testing::DbOf(*db_));
  auto again = Run(ImportKind::kBorrowers, csv);
  ASSERT_EQ(again.errors.size(), 1u);
  EXPECT_EQ(again.errors[0].error.code, "FILE_ALREADY_IMPORTED");
  EXPECT_EQ(again.written, 0);
  EXPECT_EQ(TableCounts(testing::DbOf(*db_)), before);
  auto changed = Run(ImportKind::kBorrowers, csv + "\n");
  ASSERT_FALSE(changed.ok());
  EXPECT_NE(changed.errors[0].error.code, "FILE_ALREADY_IMPORTED");
}

TEST_F(ImportTest, ImportsNetworkGroupsAndBorrowers) {
  std::string csv = kBorrowersHeader;
  csv += BorrowerRow(1, "Nguyễn Thị Lan", "0000001", "leader");
  csv += BorrowerRow(2, "Trần Thị Hoa", "0000001", "deputy");
  csv += BorrowerRow(3, "Lê Thị Mai", "0000001");
  auto r = Run(ImportKind::kBorrowers, csv);
  ASSERT_TRUE(r.ok()) << r.errors.front().error.ToString();
  EXPECT_EQ(r.written, 3);
  // Three members is fewer than five: allowed, with a warning.
  ASSERT_EQ(r.warnings.size(), 1u);
  store::NetworkStore store(testing::DbOf(*db_));
  const auto counts = store.CountsOn(*Date::Parse("2020-02-01"));
  EXPECT_EQ(counts.branches, 1);
  EXPECT_EQ(counts.offices, 1);
  EXPECT_EQ(counts.seats, 1);
  EXPECT_EQ(counts.points, 2);
  EXPECT_EQ(counts.villages, 3);
  EXPECT_EQ(counts.groups, 3);
  EXPECT_EQ(counts.borrowers, 3);
  EXPECT_EQ(counts.memberships, 3);
  // Before they joined, nobody.
  EXPECT_EQ(store.CountsOn(*Date::Parse("2020-01-14")).borrowers, 0);
  // Association units: central, province 31, district 312, two communes.
  EXPECT_EQ(counts.association_units, 4 * 5);
}

TEST_F(ImportTest, ListsEveryBadCitizenIdWithLineAndField) {
  std::string csv = kBorrowersHeader;
  csv +=
      "0000000001,Nguyễn Văn "
      "A,03108500000,1985-06-01,male,addr,11581001,poor,0000001,member,2020-01-15\n";
  csv +=
      "0000000002,Nguyễn Văn "
      "B,099085000002,1985-06-01,male,addr,11581001,poor,0000001,member,2020-01-15\n";
  csv +=
      "0000000003,Nguyễn Văn "
      "C,031185000003,1985-06-01,male,addr,11581001,poor,0000001,member,2020-01-15\n";
  csv +=
      "0000000004,Nguyễn Văn "
      "D,031086000004,1985-06-01,male,addr,11581001,poor,0000001,member,2020-01-15\n";
  csv +=
      "0000000005,Nguyễn Văn "
      "E,031285000005,1985-06-01,male,addr,11581001,poor,0000001,member,2020-01-15\n";
  const auto before = TableCounts(testing::DbOf(*db_));
  auto r = Run(ImportKind::kBorrowers, csv);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(CodesOn(r, 2), std::vector<std::string>{"CITIZEN_ID_FORMAT"});
  EXPECT_EQ(CodesOn(r, 3), std::vector<std::string>{"CITIZEN_ID_PROVINCE_UNKNOWN"});
  EXPECT_EQ(CodesOn(r, 4), std::vector<std::string>{"CITIZEN_ID_CENTURY_SEX_MISMATCH"});
  EXPECT_EQ(CodesOn(r, 5), std::vector<std::string>{"CITIZEN_ID_BIRTH_YEAR_MISMATCH"});
  EXPECT_EQ(CodesOn(r, 6), std::vector<std::string>{"CITIZEN_ID_CENTURY_SEX_MISMATCH"});
  for (const auto& e : r.errors) {
    EXPECT_EQ(e.error.field, "citizen_id");
    EXPECT_FALSE(e.error.message_vi.empty());
    EXPECT_FALSE(e.error.message_en.empty());
  }
  EXPECT_EQ(TableCounts(testing::DbOf(*db_)), before);
}

TEST_F(ImportTest, BadLastRowLeavesDatabaseExactlyAsBefore) {
  std::string csv = kBorrowersHeader;
  for (int i = 1; i <= 40; ++i) csv += BorrowerRow(i, "Phạm Thị Hằng", "0000002");
  csv += BorrowerRow(41, "Phạm Thị Hằng", "0000002");
  csv +=
      "0000000042,Võ Văn "
      "Sơn,031085000042,1985-06-01,male,addr,99999999,poor,0000002,member,2020-01-15\n";
  const auto before = TableCounts(testing::DbOf(*db_));
  auto r = Run(ImportKind::kBorrowers, csv);
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 43);
  EXPECT_EQ(r.errors[0].error.code, "VILLAGE_UNKNOWN");
  EXPECT_EQ(r.errors[0].error.field, "village_code");
  EXPECT_EQ(r.written, 0);
  EXPECT_EQ(TableCounts(testing::DbOf(*db_)), before);
}

TEST_F(ImportTest, RejectsUnknownCommunesAndUnitsInTheStructureOfTheDate) {
  const std::string csv =
      "kind,code,name,parent_code,area_code,session_day,valid_from\n"
      "point,P99999,Điểm không có,PGD312,99999,7,2016-01-01\n"
      // 11584 (Lê Thiện) is a legacy code; on 2025-08-01 the 2025 structure is in force.
      "point,P11584B,Điểm sau cải cách,PGD312,11584,7,2025-08-01\n"
      "point,P11590,Điểm của PGD lạ,PGD999,11590,7,2016-01-01\n"
      "village,1158100X,Thôn,,11581,,2016-01-01\n"
      "branch,CN99,Chi nhánh lạ,,99,,2016-01-01\n"
      "office,PGD312,Trùng mã,CN31,,,2016-01-01\n"
      "point,P11593,Ngày giao dịch sai,PGD312,11593,40,2016-01-01\n"
      "depot,X1,Kho,,,,2016-01-01\n";
  const auto before = TableCounts(testing::DbOf(*db_));
  auto r = Run(ImportKind::kNetwork, csv);
  EXPECT_EQ(CodesOn(r, 2), std::vector<std::string>{"COMMUNE_UNKNOWN"});
  EXPECT_EQ(CodesOn(r, 3), std::vector<std::string>{"COMMUNE_UNKNOWN"});
  EXPECT_EQ(CodesOn(r, 4), std::vector<std::string>{"OFFICE_UNKNOWN"});
  EXPECT_EQ(CodesOn(r, 5), std::vector<std::string>{"CODE_FORMAT"});
  EXPECT_EQ(CodesOn(r, 6), std::vector<std::string>{"PROVINCE_UNKNOWN"});
  EXPECT_EQ(CodesOn(r, 7), std::vector<std::string>{"CODE_DUPLICATE"});
  EXPECT_EQ(CodesOn(r, 8), std::vector<std::string>{"SESSION_DAY_RANGE"});
  EXPECT_EQ(CodesOn(r, 9), std::vector<std::string>{"NETWORK_KIND_UNKNOWN"});
  EXPECT_EQ(TableCounts(testing::DbOf(*db_)), before);
}

TEST_F(ImportTest, RejectsAGroupOverSixtyMembers) {
  std::string csv = kBorrowersHeader;
  for (int i = 1; i <= 60; ++i) csv += BorrowerRow(i, "Bùi Thị Thu", "0000003");
  ASSERT_TRUE(Run(ImportKind::kBorrowers, csv).ok());
  std::string more = kBorrowersHeader;
  more += BorrowerRow(61, "Bùi Thị Sáu Mốt", "0000003", "member", "2021-03-01");
  const auto before = TableCounts(testing::DbOf(*db_));
  auto r = Run(ImportKind::kBorrowers, more);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(CodesOn(r, 2), std::vector<std::string>{"GROUP_FULL"});
  EXPECT_NE(r.errors[0].error.message_en.find("61 members on 2021-03-01"), std::string::npos);
  EXPECT_EQ(TableCounts(testing::DbOf(*db_)), before);
  // When a member leaves on that day, the newcomer fits.
  ASSERT_TRUE(Run(ImportKind::kMemberships,
                  "action,borrower_code,group_code,role,valid_from\n"
                  "leave,0000000060,0000003,member,2021-03-01\n")
                  .ok());
  EXPECT_TRUE(Run(ImportKind::kBorrowers, more).ok());
}

TEST_F(ImportTest, RejectsABorrowerInTwoGroupsAtOnce) {
  std::string csv = kBorrowersHeader;
  csv += BorrowerRow(1, "Hoàng Thị Yến", "0000001");
  ASSERT_TRUE(Run(ImportKind::kBorrowers, csv).ok());
  const auto before = TableCounts(testing::DbOf(*db_));
  auto r = Run(ImportKind::kMemberships,
               "action,borrower_code,group_code,role,valid_from\n"
               "join,0000000001,0000002,member,2022-05-01\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(CodesOn(r, 2), std::vector<std::string>{"MEMBERSHIP_OVERLAP"});
  EXPECT_EQ(TableCounts(testing::DbOf(*db_)), before);
  // Leaving the first group the day the second one starts is a move, not an overlap.
  auto move = Run(ImportKind::kMemberships,
                  "action,borrower_code,group_code,role,valid_from\n"
                  "leave,0000000001,0000001,member,2022-05-01\n"
                  "join,0000000001,0000002,member,2022-05-01\n");
  ASSERT_TRUE(move.ok()) << move.errors.front().error.ToString();
  store::NetworkStore store(testing::DbOf(*db_));
  auto memberships = store.MembershipsOfBorrower(1);
  ASSERT_EQ(memberships.size(), 2u);
  EXPECT_EQ(memberships[0].period.to, Date::Parse("2022-05-01"));
  EXPECT_FALSE(memberships[1].period.to);
  // Exported on a later date, the borrower and the later membership import again,
  // the membership keeping its own date.
  auto fresh = testing::NewInitialisedConnection();
  for (auto kind : {ImportKind::kNetwork, ImportKind::kGroups, ImportKind::kBorrowers,
                    ImportKind::kMemberships}) {
    std::ostringstream out;
    ASSERT_TRUE(
        Export(*db_, app::SystemContext(), kind, {*Date::Parse("2023-01-01"), false}, out).ok());
    std::istringstream in(out.str());
    auto r = Import(*fresh, app::SystemContext(), kind, in);
    ASSERT_TRUE(r.ok()) << r.errors.front().error.ToString();
  }
  store::NetworkStore copy(testing::DbOf(*fresh));
  auto moved = copy.MembershipsOfBorrower(*copy.FindBorrowerIdByCode("0000000001"));
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(moved[0].period.from, *Date::Parse("2022-05-01"));
}

TEST_F(ImportTest, RejectsOverlappingLeaderPeriods) {
  std::string csv = kBorrowersHeader;
  csv += BorrowerRow(1, "Đinh Thị Nga", "0000001", "leader");
  csv += BorrowerRow(2, "Đỗ Thị Loan", "0000001", "leader", "2021-01-01");
  auto r = Run(ImportKind::kBorrowers, csv);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.errors[0].error.code, "GROUP_ROLE_TAKEN");
  EXPECT_EQ(r.errors[0].error.field, "role");
}

TEST_F(ImportTest, RejectsDuplicatesUnderageAndBadFields) {
  std::string csv = kBorrowersHeader;
  csv += BorrowerRow(1, "Ngô Thị Hà", "0000001");
  csv += BorrowerRow(1, "Ngô Thị Hà", "0000001");  // same code and citizen ID
  csv +=
      "0000000003,Lý Văn "
      "Minh,031208000003,2008-02-01,male,addr,11581001,poor,0000001,member,2020-01-15\n";
  csv += "0000000004,,031185000004,1985-06-01,nữ,addr,11581001,rich,0000009,boss,2020-13-01\n";
  csv +=
      "0000000005,Cụ "
      "Bà,031085000005,1885-06-01,female,addr,11581001,poor,0000001,member,2020-01-15\n";
  auto r = Run(ImportKind::kBorrowers, csv);
  ASSERT_FALSE(r.ok());
  auto line3 = CodesOn(r, 3);
  EXPECT_EQ(line3, (std::vector<std::string>{"CODE_DUPLICATE", "CITIZEN_ID_DUPLICATE"}));
  EXPECT_EQ(CodesOn(r, 4), std::vector<std::string>{"BORROWER_UNDERAGE"});
  auto line5 = CodesOn(r, 5);
  for (const char* code :
       {"NAME_REQUIRED", "DATE_FORMAT", "CATEGORY_UNKNOWN", "ROLE_INVALID", "GROUP_UNKNOWN"})
    EXPECT_NE(std::find(line5.begin(), line5.end(), code), line5.end()) << code;
  EXPECT_EQ(CodesOn(r, 6), std::vector<std::string>{"DATE_OUT_OF_RANGE"});
}

TEST_F(ImportTest, ListsEveryBadFieldAndEveryGroupProblemTogether) {
  std::string csv = kBorrowersHeader;
  // Line 2: no name and a malformed citizen ID; line 3: not UTF-8; line 4: an
  // impossible date; lines 5–65 overfill group 0000003 (60 members at most).
  csv += "0000000001,,abc,1985-06-01,female,addr,11581001,poor,0000001,member,2020-01-15\n";
  csv +=
      "0000000002,Bad \xff "
      "name,031185000002,1985-06-01,female,addr,11581001,poor,,member,2020-01-15\n";
  csv +=
      "0000000003,Lê Thị Ba,031185000003,1985-06-01,female,addr,11581001,poor,,member,2024-02-30\n";
  for (int i = 4; i <= 64; ++i) csv += BorrowerRow(i, "Võ Thị Tư", "0000003");
  const auto before = TableCounts(testing::DbOf(*db_));
  auto r = Run(ImportKind::kBorrowers, csv);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(CodesOn(r, 2), (std::vector<std::string>{"NAME_REQUIRED", "CITIZEN_ID_FORMAT"}));
  EXPECT_EQ(CodesOn(r, 3), std::vector<std::string>{"TEXT_NOT_UTF8"});
  EXPECT_EQ(CodesOn(r, 4), std::vector<std::string>{"DATE_FORMAT"});
  EXPECT_EQ(CodesOn(r, 65), std::vector<std::string>{"GROUP_FULL"});
  EXPECT_EQ(TableCounts(testing::DbOf(*db_)), before);
}

TEST_F(ImportTest, RejectsMembershipsOutsideTheBorrowersLife) {
  std::string csv = kBorrowersHeader;
  csv += BorrowerRow(1, "Hà Thị Sen", "0000001", "member", "2020-03-01");
  // Village 11581001 opens 2015-01-01: a borrower from 2010 lived there before it existed.
  csv +=
      "0000000002,Hà Văn Núi,031080000002,1980-06-01,male,addr,11581001,poor,,member,2010-01-01\n";
  auto r = Run(ImportKind::kBorrowers, csv);
  EXPECT_EQ(CodesOn(r, 3), std::vector<std::string>{"UNIT_NOT_OPEN"});
  csv.resize(csv.find("0000000002,"));
  ASSERT_TRUE(Run(ImportKind::kBorrowers, csv).ok());
  auto early = Run(ImportKind::kMemberships,
                   "action,borrower_code,group_code,role,valid_from\n"
                   "leave,0000000001,0000001,member,2021-01-01\n"
                   "join,0000000001,0000002,member,2020-02-15\n"
                   "leave,0000000001,0000001,member,2022-01-01\n");
  EXPECT_EQ(CodesOn(early, 3), std::vector<std::string>{"MEMBERSHIP_BEFORE_BORROWER"});
  EXPECT_EQ(CodesOn(early, 4), std::vector<std::string>{"MEMBERSHIP_NOT_FOUND"});
}

TEST_F(ImportTest, AfterTheReformRowsStartOnOrAfterIt) {
  store::NetworkStore store(testing::DbOf(*db_));
  std::istringstream none("");
  ASSERT_TRUE(ApplyReform2025(*db_, app::SystemContext()).ok());
  auto r = Run(ImportKind::kNetwork,
               "kind,code,name,parent_code,area_code,session_day,valid_from\n"
               "office,PGD999,Phòng giao dịch mới,CN31,,,2024-06-01\n"
               "village,11593009,Tổ dân phố 9,,11593,,2025-08-01\n");
  EXPECT_EQ(CodesOn(r, 2), std::vector<std::string>{"DATED_BEFORE_REFORM"});
  EXPECT_TRUE(CodesOn(r, 3).empty());
}

TEST_F(ImportTest, RejectsBadHeaders) {
  auto r = Run(ImportKind::kGroups, "code,name,point,village_code,association,valid_from\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.errors[0].error.code, "CSV_COLUMN_MISSING");
  EXPECT_EQ(r.errors[0].error.field, "point_code");
  EXPECT_EQ(r.errors[1].error.code, "CSV_COLUMN_UNKNOWN");
  EXPECT_EQ(Run(ImportKind::kGroups, "").errors[0].error.code, "CSV_EMPTY");
}

// --update: rows naming existing units and borrowers change them from their
// valid_from, with the history kept; everything else is checked as usual.
TEST_F(ImportTest, UpdateChangesUnitsAndBorrowersWithHistory) {
  std::string borrowers = kBorrowersHeader;
  borrowers += BorrowerRow(1, "Nguyễn Thị Lan", "0000001", "leader");
  borrowers += BorrowerRow(2, "Trần Thị Hoa", "0000001");
  ASSERT_TRUE(Run(ImportKind::kBorrowers, borrowers).ok());
  store::NetworkStore store(testing::DbOf(*db_));
  // A renamed office and a point moved to another session day.
  const std::string network =
      "kind,code,name,parent_code,area_code,session_day,valid_from\n"
      "office,PGD312,Phòng giao dịch NHCSXH huyện An Dương,CN31,,,2024-01-01\n"
      "point,P11581,Điểm giao dịch phường Lê Lợi,PGD312,11581,15,2024-01-01\n";
  auto duplicate = Run(ImportKind::kNetwork, network);
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.errors[0].error.code, "CODE_DUPLICATE");
  std::istringstream in(network);
  auto updated = Import(*db_, SystemContext(), ImportKind::kNetwork, in, nullptr, {true});
  ASSERT_TRUE(updated.ok()) << updated.errors[0].error.ToString();
  EXPECT_EQ(updated.updated, 2);
  auto office_on = [&](const char* date) {
    for (const auto& o : store.OfficesOn(*Date::Parse(date)))
      if (o.code == "PGD312") return o.name;
    return std::string();
  };
  EXPECT_EQ(office_on("2023-12-31"), "Phòng giao dịch NHCSXH An Dương");
  EXPECT_EQ(office_on("2024-01-01"), "Phòng giao dịch NHCSXH huyện An Dương");
  for (const auto& p : store.PointsOn(*Date::Parse("2024-06-01")))
    if (p.code == "P11581") {
      EXPECT_EQ(p.session_day, 15);
    }
  // A group renamed.
  std::istringstream groups(
      "code,name,point_code,village_code,association,valid_from\n"
      "0000002,Tổ TK&VV TDP 2 – Hội Phụ nữ,P11581,11581002,women,2024-03-01\n");
  ASSERT_TRUE(Import(*db_, SystemContext(), ImportKind::kGroups, groups, nullptr, {true}).ok());
  for (const auto& g : store.GroupsOn(*Date::Parse("2024-03-01")))
    if (g.code == "0000002") {
      EXPECT_EQ(g.association_code, 12);
    }
  // A borrower's new name and address (and a new borrower in the same file).
  std::string change = kBorrowersHeader;
  change +=
      "0000000002,Trần Thị Hoà,031185000002,1985-06-01,female,Tổ dân phố 2,11581002,"
      "near_poor,,member,2024-05-01\n";
  change += BorrowerRow(3, "Lê Văn Nam", "0000001", "member", "2024-05-01");
  std::istringstream in2(change);
  auto revised = Import(*db_, SystemContext(), ImportKind::kBorrowers, in2, nullptr, {true});
  ASSERT_TRUE(revised.ok()) << revised.errors[0].error.ToString();
  EXPECT_EQ(revised.updated, 1);
  const auto id = store.FindBorrowerIdByCode("0000000002");
  const auto now = store.LoadBorrower(*id);
  EXPECT_EQ(now->name, "Trần Thị Hoà");
  EXPECT_EQ(now->categories, "near_poor");
  EXPECT_EQ(*store.CategoriesOn(*id, *Date::Parse("2024-04-30")), "poor");
  EXPECT_EQ(testing::DbOf(*db_)
                .QueryInt("SELECT COUNT(*) FROM borrower_version WHERE borrower_id = " +
                          std::to_string(*id) + " AND name = 'Trần Thị Hoa'")
                .value_or(0),
            1);
  EXPECT_TRUE(store.PlacementOn(*id, *Date::Parse("2024-06-01")).has_value());  // kept
}

TEST_F(ImportTest, UpdateRefusesIdentityChangesMovesAndRewrittenHistory) {
  std::string borrowers = kBorrowersHeader;
  borrowers += BorrowerRow(1, "Nguyễn Thị Lan", "0000001", "leader");
  ASSERT_TRUE(Run(ImportKind::kBorrowers, borrowers).ok());
  std::string change = kBorrowersHeader;
  // another citizen ID; a date not after the version in force; another group
  change +=
      "0000000001,Nguyễn Thị Lan,031185000009,1985-06-01,female,TDP 1,11581001,poor,,"
      "leader,2024-01-01\n";
  change +=
      "0000000001,Nguyễn Thị Lan,031185000001,1985-06-01,female,TDP 1,11581001,poor,,"
      "leader,2024-02-01\n";
  std::istringstream in(change);
  auto r = Import(*db_, SystemContext(), ImportKind::kBorrowers, in, nullptr, {true});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(CodesOn(r, 2), std::vector<std::string>{"BORROWER_IDENTITY_CHANGED"});
  // The third row repeats the borrower of the second: one change per file.
  EXPECT_EQ(CodesOn(r, 3)[0], "CODE_DUPLICATE");
  std::istringstream early(std::string(kBorrowersHeader) +
                           "0000000001,Nguyễn Thị Lan,031185000001,1985-06-01,female,TDP 1,"
                           "11581001,poor,,leader,2019-01-01\n");
  auto rewritten = Import(*db_, SystemContext(), ImportKind::kBorrowers, early, nullptr, {true});
  EXPECT_EQ(CodesOn(rewritten, 2), std::vector<std::string>{"VERSION_NOT_AFTER_CURRENT"});
  std::istringstream move(std::string(kBorrowersHeader) +
                          "0000000001,Nguyễn Thị Lan,031185000001,1985-06-01,female,TDP 1,"
                          "11581001,poor,0000002,member,2024-01-01\n");
  auto moved = Import(*db_, SystemContext(), ImportKind::kBorrowers, move, nullptr, {true});
  ASSERT_FALSE(moved.ok());
  EXPECT_EQ(CodesOn(moved, 2),
            std::vector<std::string>{"MEMBERSHIP_CHANGE_NEEDS_MEMBERSHIPS_FILE"});
  std::istringstream memberships("action,borrower_code,group_code,role,valid_from\n");
  auto na = Import(*db_, SystemContext(), ImportKind::kMemberships, memberships, nullptr, {true});
  ASSERT_FALSE(na.ok());
  EXPECT_EQ(na.errors[0].error.code, "UPDATE_NOT_APPLICABLE");
}

// Text that would mislead a reader or a spreadsheet is refused; so is a file
// whose header repeats a column, or that Excel saved with semicolons.
TEST_F(ImportTest, RefusesControlCharactersFormulasAndMisleadingFiles) {
  std::string csv = kBorrowersHeader;
  csv += BorrowerRow(1, std::string("Nguyễn\0Lan", 11), "0000001");
  csv += BorrowerRow(2, "Trần \x1b[31mHoa", "0000001");
  csv += BorrowerRow(3, "L\u202Ee Nam", "0000001");
  csv += BorrowerRow(4, "=cmd|' /C calc'!A0", "0000001");
  csv += "0000000005,Phạm Văn Bình,031185000005,1985-06-01,female," + std::string(600, 'x') +
         ",11581001,poor,0000001,member,2020-01-15\n";
  csv += BorrowerRow(6, "Đỗ Văn Tư", "0000001", "member", "2999-01-01");
  auto r = Run(ImportKind::kBorrowers, csv);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(CodesOn(r, 2), std::vector<std::string>{"TEXT_CONTROL_CHARACTER"});
  EXPECT_EQ(CodesOn(r, 3), std::vector<std::string>{"TEXT_CONTROL_CHARACTER"});
  EXPECT_EQ(CodesOn(r, 4), std::vector<std::string>{"TEXT_CONTROL_CHARACTER"});
  EXPECT_EQ(CodesOn(r, 5), std::vector<std::string>{"TEXT_FORMULA_LIKE"});
  EXPECT_EQ(CodesOn(r, 6), std::vector<std::string>{"ADDRESS_TOO_LONG"});
  EXPECT_EQ(CodesOn(r, 7), std::vector<std::string>{"DATE_OUT_OF_RANGE"});
  auto repeated =
      Run(ImportKind::kGroups, "code,name,name,point_code,village_code,association,valid_from\n");
  EXPECT_EQ(CodesOn(repeated, 1), std::vector<std::string>{"CSV_COLUMN_REPEATED"});
  auto semicolons =
      Run(ImportKind::kGroups, "code;name;point_code;village_code;association;valid_from\n");
  EXPECT_EQ(CodesOn(semicolons, 1), std::vector<std::string>{"CSV_SEPARATOR_SEMICOLON"});
  auto quoting = Run(ImportKind::kGroups,
                     "code,name,point_code,village_code,association,valid_from\n"
                     "0000009,\"Tổ 9\"junk,P11581,11581001,women,2015-01-01\n");
  ASSERT_FALSE(quoting.ok());
  EXPECT_EQ(quoting.errors[0].error.code, "CSV_MALFORMED");
}

}  // namespace
}  // namespace tdcs::app
