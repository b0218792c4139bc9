// Users, roles and passwords (RULES §14), on a generated district.
#include "app/users.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "app/generate.h"
#include "test_db.h"

namespace tdcs::app {
namespace {

class UsersTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    target_ = new std::string(testing::NewTestTarget());
    ASSERT_TRUE(Generate(*target_, SystemContext(), {"demo", 2, *Date::Parse("2024-06-30")}).ok());
  }
  static void TearDownTestSuite() { delete target_; }
  std::unique_ptr<Connection> Open() { return Connection::Open(*target_); }
  static std::string* target_;
};
std::string* UsersTest::target_ = nullptr;

TEST_F(UsersTest, AddedUsersHaveTheirRoleScopeAndAnArgon2idPassword) {
  auto db = Open();
  auto officer =
      AddUser(*db, SystemContext(), {"lan.nguyen", "officer", "PGD312", "", "mat-khau-dai-1"});
  ASSERT_TRUE(officer.ok()) << officer.error().ToString();
  EXPECT_EQ(officer.value().scope, "office:PGD312");                  // stored with its kind
  EXPECT_EQ(officer.value().created_on, *Date::Parse("2024-06-30"));  // the business date
  auto hash =
      testing::DbOf(*db).Prepare("SELECT password_hash FROM app_user WHERE login = 'lan.nguyen'");
  ASSERT_TRUE(hash->Step());
  EXPECT_EQ(hash->GetText(0).rfind("$argon2id$", 0), 0u) << hash->GetText(0);
  EXPECT_EQ(hash->GetText(0).find("mat-khau"), std::string::npos);
  EXPECT_TRUE(CheckPassword(*db, "lan.nguyen", "mat-khau-dai-1"));
  EXPECT_FALSE(CheckPassword(*db, "lan.nguyen", "mat-khau-dai-2"));
  EXPECT_FALSE(CheckPassword(*db, "nobody", "mat-khau-dai-1"));
  auto assoc =
      AddUser(*db, SystemContext(), {"hoa.pn", "association", "PGD312", "women", "mat-khau-dai-1"});
  ASSERT_TRUE(assoc.ok()) << assoc.error().ToString();
  EXPECT_EQ(assoc.value().association, "women");
  ASSERT_TRUE(
      AddUser(*db, SystemContext(), {"kiem.toan", "auditor", "", "", "mat-khau-dai-1"}).ok());
  const auto listed = ListUsers(*db, SystemContext());
  ASSERT_TRUE(listed.ok());
  const auto& users = listed.value();
  ASSERT_GE(users.size(), 3u);
  EXPECT_TRUE(std::is_sorted(users.begin(), users.end(), [](const UserView& a, const UserView& b) {
    return a.login < b.login;
  }));
  const auto auditor = std::find_if(users.begin(), users.end(),
                                    [](const UserView& u) { return u.login == "kiem.toan"; });
  ASSERT_NE(auditor, users.end());
  EXPECT_EQ(auditor->scope, "national");
}

TEST_F(UsersTest, MistakesAreRefusedNamingTheFieldAndNothingIsWritten) {
  auto db = Open();
  const auto refused = [&](UserRequest r, const char* code, const char* field) {
    auto result = AddUser(*db, SystemContext(), r);
    ASSERT_FALSE(result.ok()) << r.login;
    EXPECT_EQ(result.error().code, code) << r.login;
    EXPECT_EQ(result.error().field, field) << r.login;
    EXPECT_FALSE(result.error().message_vi.empty());
  };
  refused({"Lan Nguyen", "officer", "PGD312", "", "mat-khau-dai-1"}, "LOGIN_INVALID", "login");
  refused({"ab", "officer", "PGD312", "", "mat-khau-dai-1"}, "LOGIN_INVALID", "login");
  refused({"tuan", "officer", "PGD312", "", "ngan"}, "PASSWORD_INVALID", "password");
  refused({"tuan.le.x", "officer", "PGD312", "", "tuan.le.x"}, "PASSWORD_INVALID", "password");
  refused({"tuan", "officer", "PGD312", "", "          "}, "PASSWORD_INVALID", "password");
  refused({"tuan", "officer", "PGD312", "", "mat-khau\tdai-1"}, "PASSWORD_INVALID", "password");
  refused({"tuan", "officer", "PGD312", "", "mat-khau-\xff\xfe-1"}, "PASSWORD_INVALID", "password");
  auto point = testing::DbOf(*db).Prepare("SELECT code FROM commune_point ORDER BY code LIMIT 1");
  ASSERT_TRUE(point->Step());
  refused({"tuan", "board", point->GetText(0), "", "mat-khau-dai-1"}, "SCOPE_INVALID", "scope");
  refused({"tuan", "manager", "PGD312", "", "mat-khau-dai-1"}, "ROLE_UNKNOWN", "role");
  refused({"tuan", "officer", "PGD999", "", "mat-khau-dai-1"}, "SCOPE_INVALID", "scope");
  refused({"tuan", "officer", "CN31", "", "mat-khau-dai-1"}, "SCOPE_INVALID", "scope");
  refused({"tuan", "admin", "PGD312", "", "mat-khau-dai-1"}, "SCOPE_INVALID", "scope");
  refused({"tuan", "association", "PGD312", "", "mat-khau-dai-1"}, "ASSOCIATION_UNKNOWN",
          "association");
  refused({"tuan", "officer", "PGD312", "women", "mat-khau-dai-1"}, "SCOPE_INVALID", "association");
  EXPECT_FALSE(CheckPassword(*db, "tuan", "mat-khau-dai-1"));
  ASSERT_TRUE(
      AddUser(*db, SystemContext(), {"tuan", "director", "PGD312", "", "mat-khau-dai-1"}).ok());
  refused({"tuan", "officer", "PGD312", "", "mat-khau-dai-9"}, "USER_EXISTS", "login");
}

TEST_F(UsersTest, RolesChangePasswordsResetAndADisabledUserCannotSignIn) {
  auto db = Open();
  ASSERT_TRUE(
      AddUser(*db, SystemContext(), {"minh", "officer", "PGD312", "", "mat-khau-dai-1"}).ok());
  auto changed = ChangeRole(*db, SystemContext(), {"minh", "branch", "CN31", "", ""});
  ASSERT_TRUE(changed.ok()) << changed.error().ToString();
  EXPECT_EQ(changed.value().role, "branch");
  EXPECT_EQ(ChangeRole(*db, SystemContext(), {"minh", "leader", "PGD312", "", ""}).error().code,
            "SCOPE_INVALID");
  ASSERT_TRUE(ResetPassword(*db, SystemContext(), "minh", "mat-khau-moi-22").ok());
  EXPECT_FALSE(CheckPassword(*db, "minh", "mat-khau-dai-1"));
  EXPECT_TRUE(CheckPassword(*db, "minh", "mat-khau-moi-22"));
  ASSERT_TRUE(DisableUser(*db, SystemContext(), "minh").ok());
  EXPECT_FALSE(CheckPassword(*db, "minh", "mat-khau-moi-22"));
  EXPECT_EQ(DisableUser(*db, SystemContext(), "minh").error().code, "USER_DISABLED");
  EXPECT_EQ(ResetPassword(*db, SystemContext(), "minh", "mat-khau-moi-33").error().code,
            "USER_DISABLED");
  EXPECT_EQ(ResetPassword(*db, SystemContext(), "nobody", "mat-khau-moi-33").error().code,
            "USER_UNKNOWN");
  // A disabled user's login is not given again.
  EXPECT_EQ(AddUser(*db, SystemContext(), {"minh", "officer", "PGD312", "", "mat-khau-dai-1"})
                .error()
                .code,
            "USER_EXISTS");
}

}  // namespace
}  // namespace tdcs::app
