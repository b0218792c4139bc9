// The API without sockets: every route, its errors, and concurrent readers
// sharing the pool.
#include "http/handlers.h"

#include <gtest/gtest.h>

#include <atomic>
#include <sstream>
#include <thread>
#include <vector>

#include "app/import.h"
#include "test_db.h"

namespace tdcs::http {
namespace {

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto connection = testing::NewInitialisedConnection(&target_);
    for (auto [kind, csv] : {std::pair{app::ImportKind::kNetwork, testing::kNetworkCsv},
                             std::pair{app::ImportKind::kGroups, testing::kGroupsCsv}}) {
      std::istringstream in(csv);
      ASSERT_TRUE(app::Import(*connection, app::SystemContext(), kind, in).ok());
    }
    std::istringstream in(std::string(testing::kBorrowersHeader) +
                          testing::BorrowerRow(1, "Nguyễn Thị <b>Lan</b>", "0000001"));
    ASSERT_TRUE(
        app::Import(*connection, app::SystemContext(), app::ImportKind::kBorrowers, in).ok());
    pool_ = std::make_unique<app::ConnectionPool>(target_, 4);
    api_ = std::make_unique<Api>(*pool_);
  }
  Response Get(const std::string& path, std::map<std::string, std::string> params = {}) {
    return api_->Handle(Request{"GET", path, std::move(params), ""});
  }
  std::string target_;
  std::unique_ptr<app::ConnectionPool> pool_;
  std::unique_ptr<Api> api_;
};

TEST_F(ApiTest, PageAndHealth) {
  auto page = Get("/");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.content_type.find("text/html"), std::string::npos);
  // The page places server values as text, never as HTML.
  EXPECT_EQ(page.body.find("innerHTML"), std::string::npos);
  EXPECT_EQ(Get("/api/health").body, R"({"status":"ok"})");
}

TEST_F(ApiTest, NetworkSummaryOnADate) {
  auto r = Get("/api/network/summary", {{"on", "2021-01-01"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("\"borrowers\":1"), std::string::npos) << r.body;
  auto bad = Get("/api/network/summary", {{"on", "2021-13-01"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("DATE_FORMAT"), std::string::npos);
  // No business date yet and no ?on=: the caller is told what to give.
  auto none = Get("/api/network/summary");
  EXPECT_EQ(none.status, 400);
  EXPECT_NE(none.body.find("DATE_REQUIRED"), std::string::npos);
}

TEST_F(ApiTest, FindMasksCitizenIdsAndKeepsNamesAsData) {
  auto r = Get("/api/borrowers", {{"q", "nguyen thi"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("*********001"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("031185000001"), std::string::npos);
  EXPECT_EQ(Get("/api/borrowers").status, 400);
  EXPECT_EQ(Get("/api/borrowers", {{"q", std::string(201, 'a')}}).status, 400);
}

TEST_F(ApiTest, ErrorsAreJson) {
  auto unknown = Get("/api/loans/NOPE", {{"on", "2021-01-01"}});
  EXPECT_EQ(unknown.status, 404);
  EXPECT_NE(unknown.body.find("LOAN_UNKNOWN"), std::string::npos);
  auto nowhere = Get("/api/nowhere");
  EXPECT_EQ(nowhere.status, 404);
  EXPECT_NE(nowhere.body.find("NOT_FOUND"), std::string::npos);
  auto method = api_->Handle(Request{"DELETE", "/api/borrowers", {}, ""});
  EXPECT_EQ(method.status, 405);
  EXPECT_NE(method.body.find("METHOD_NOT_ALLOWED"), std::string::npos);
}

TEST_F(ApiTest, ConcurrentReadersShareThePool) {
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i)
        if (Get("/api/network/summary", {{"on", "2021-01-01"}}).status == 200) ++ok;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 200);
}

}  // namespace
}  // namespace tdcs::http
