#include "network/network.h"

#include <gtest/gtest.h>

#include "network/rules.h"

namespace tdcs::network {
namespace {

bool Known(const std::string& code) { return code == "01" || code == "79" || code == "94"; }

Status Check(const std::string& id, const char* birth, Sex sex) {
  return CheckCitizenId(id, *Date::Parse(birth), sex, Known);
}

TEST(CitizenIdTest, AcceptsConsistentIds) {
  EXPECT_TRUE(Check("001085012345", "1985-04-12", Sex::kMale).ok());
  EXPECT_TRUE(Check("079185012345", "1985-04-12", Sex::kFemale).ok());
  EXPECT_TRUE(Check("094201012345", "2001-01-01", Sex::kMale).ok());
  EXPECT_TRUE(Check("094301012345", "2001-01-01", Sex::kFemale).ok());
}

TEST(CitizenIdTest, RejectsEachInconsistency) {
  EXPECT_EQ(Check("00108501234", "1985-04-12", Sex::kMale).error().code, "CITIZEN_ID_FORMAT");
  EXPECT_EQ(Check("00108501234X", "1985-04-12", Sex::kMale).error().code, "CITIZEN_ID_FORMAT");
  EXPECT_EQ(Check("099085012345", "1985-04-12", Sex::kMale).error().code,
            "CITIZEN_ID_PROVINCE_UNKNOWN");
  EXPECT_EQ(Check("101085012345", "1985-04-12", Sex::kMale).error().code,
            "CITIZEN_ID_PROVINCE_UNKNOWN");
  // Digit 4 says female, the record says male.
  EXPECT_EQ(Check("001185012345", "1985-04-12", Sex::kMale).error().code,
            "CITIZEN_ID_CENTURY_SEX_MISMATCH");
  // Digit 4 says born in the 2000s.
  EXPECT_EQ(Check("001285012345", "1985-04-12", Sex::kMale).error().code,
            "CITIZEN_ID_CENTURY_SEX_MISMATCH");
  const Error e = Check("001086012345", "1985-04-12", Sex::kMale).error();
  EXPECT_EQ(e.code, "CITIZEN_ID_BIRTH_YEAR_MISMATCH");
  EXPECT_EQ(e.field, "citizen_id");
  EXPECT_NE(e.message_vi.find("1986"), std::string::npos);
  EXPECT_NE(e.message_en.find("1985"), std::string::npos);
}

TEST(CitizenIdTest, CenturySexDigit) {
  EXPECT_EQ(CenturySexDigit(1985, Sex::kMale), 0);
  EXPECT_EQ(CenturySexDigit(1985, Sex::kFemale), 1);
  EXPECT_EQ(CenturySexDigit(2003, Sex::kMale), 2);
  EXPECT_EQ(CenturySexDigit(2003, Sex::kFemale), 3);
}

TEST(NetworkValuesTest, ParsesAssociationsSexRolesCategories) {
  EXPECT_EQ(ParseAssociation("women"), Association::kWomen);
  EXPECT_EQ(ParseAssociation("11"), Association::kFarmers);
  EXPECT_EQ(ParseAssociation("Hội Cựu chiến binh"), Association::kVeterans);
  EXPECT_FALSE(ParseAssociation("99"));
  EXPECT_EQ(ParseSex("nữ"), Sex::kFemale);
  EXPECT_FALSE(ParseSex("x"));
  EXPECT_EQ(ParseMemberRole(""), MemberRole::kMember);
  EXPECT_EQ(ParseMemberRole("leader"), MemberRole::kLeader);
  auto c = ParseCategories("poor; ethnic_minority", "categories");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(JoinCategories(c.value()), "ethnic_minority;poor");
  EXPECT_EQ(ParseCategories("poor;rich", "categories").error().code, "CATEGORY_UNKNOWN");
}

TEST(NetworkValuesTest, CodesAndAges) {
  EXPECT_TRUE(CheckDigitsCode("0000001", 7, "code").ok());
  EXPECT_EQ(CheckDigitsCode("000001", 7, "code").error().code, "CODE_FORMAT");
  EXPECT_TRUE(CheckBankCode("PGD-312", "code").ok());
  EXPECT_FALSE(CheckBankCode("PGD 312", "code").ok());
  EXPECT_FALSE(CheckSessionDay(0, "session_day").ok());
  EXPECT_FALSE(CheckSessionDay(32, "session_day").ok());
  EXPECT_EQ(AgeYears(*Date::Parse("2000-05-10"), *Date::Parse("2018-05-09")), 17);
  EXPECT_EQ(AgeYears(*Date::Parse("2000-05-10"), *Date::Parse("2018-05-10")), 18);
}

Period P(const char* from, const char* to = nullptr) {
  return Period{*Date::Parse(from), to ? Date::Parse(to) : std::nullopt};
}

TEST(RulesTest, FindsOverlappingPeriods) {
  EXPECT_FALSE(FindOverlap({P("2024-01-01", "2024-07-01"), P("2024-07-01")}));
  auto o = FindOverlap({P("2024-01-01", "2024-07-01"), P("2025-01-01"), P("2024-06-30")});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->first, 0u);
  EXPECT_EQ(o->second, 2u);
}

TEST(RulesTest, CapacityCountsConcurrentMembersOnly) {
  std::vector<Period> members(60, P("2024-01-01"));
  EXPECT_FALSE(FirstCapacityBreach(members, 60));
  // One leaves on 01/07 and another joins that day: still 60.
  members[0] = P("2024-01-01", "2024-07-01");
  members.push_back(P("2024-07-01"));
  EXPECT_FALSE(FirstCapacityBreach(members, 60));
  members.push_back(P("2024-08-01"));
  auto breach = FirstCapacityBreach(members, 60);
  ASSERT_TRUE(breach);
  EXPECT_EQ(breach->date, *Date::Parse("2024-08-01"));
  EXPECT_EQ(breach->members, 61);
}

}  // namespace
}  // namespace tdcs::network
