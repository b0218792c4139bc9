// The API without sockets: every route, its errors, and concurrent readers
// sharing the pool.
#include "http/handlers.h"

#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

#include "app/import.h"
#include "app/loans.h"
#include "base/fault.h"
#include "loans/loan.h"
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
  // The health check asks the database.
  auto health = Get("/api/health");
  EXPECT_EQ(health.status, 200);
  const auto body = nlohmann::json::parse(health.body);
  EXPECT_EQ(body["status"], "ok");
  EXPECT_EQ(body["database"]["reachable"], true);
  EXPECT_EQ(body["database"]["engine"],
            target_.rfind("postgres", 0) == 0 ? "postgresql" : "sqlite");
  EXPECT_FALSE(body.contains("read_database"));
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

// The headline report over HTTP is the command line's JSON: the keys the
// dashboard reads, and a report's errors with their fields.
TEST_F(ApiTest, HeadlineReport) {
  auto r = Get("/api/reports/headline", {{"at", "2021-01-01"}, {"unit", "PGD312"}});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["unit"], "PGD312");
  EXPECT_EQ(body["unit_kind"], "office");
  EXPECT_EQ(body["outstanding_dong"], 0);
  EXPECT_EQ(body["groups"], 3);  // testing::kGroupsCsv
  EXPECT_EQ(body["households"], 1);
  for (const char* key : {"farmers", "women", "veterans", "youth"})
    EXPECT_TRUE(body["by_association"].contains(key)) << key;
  EXPECT_TRUE(body["by_program"].is_object());
  auto unknown = Get("/api/reports/headline", {{"at", "2021-01-01"}, {"unit", "PGD999"}});
  EXPECT_NE(unknown.body.find("UNIT_UNKNOWN"), std::string::npos) << unknown.body;
  auto bad_date = Get("/api/reports/headline", {{"at", "2021-02-30"}});
  EXPECT_EQ(bad_date.status, 400);
  EXPECT_NE(bad_date.body.find("\"field\":\"at\""), std::string::npos) << bad_date.body;
  auto bad_fund = Get("/api/reports/headline", {{"at", "2021-01-01"}, {"fund", "3"}});
  EXPECT_NE(bad_fund.body.find("FUND_SOURCE_UNKNOWN"), std::string::npos) << bad_fund.body;
}

TEST_F(ApiTest, EveryAddressAnswersOtherMethodsWith405) {
  for (const char* path : {"/", "/api/health", "/api/loans/L1"}) {
    auto r = api_->Handle(Request{"DELETE", path, {}, ""});
    EXPECT_EQ(r.status, 405) << path;
    EXPECT_NE(r.body.find("METHOD_NOT_ALLOWED"), std::string::npos) << path;
  }
}

// A loan's rejections keep their meaning: an unknown loan and a loan not yet
// applied for on the date asked for are not there (404), a bad date is 400.
TEST_F(ApiTest, LoanViewStatuses) {
  {
    auto connection = pool_->Acquire();
    app::LoanApplicationRequest loan;
    loan.code = "L1";
    loan.borrower_code = "0000000001";
    loan.program = "01";
    loan.amount = Money::Dong(30'000'000);
    loan.term_months = 36;
    loan.every_months = 6;
    loan.date = *Date::Parse("2021-03-10");
    ASSERT_TRUE(app::ApproveLoan(*connection, app::SystemContext(), loan).ok());
  }
  auto shown = Get("/api/loans/L1", {{"on", "2021-03-10"}});
  EXPECT_EQ(shown.status, 200) << shown.body;
  EXPECT_NE(shown.body.find("\"status\":\"approved\""), std::string::npos) << shown.body;
  auto early = Get("/api/loans/L1", {{"on", "2021-03-01"}});
  EXPECT_EQ(early.status, 404) << early.body;
  EXPECT_NE(early.body.find("LOAN_NOT_YET_APPLIED"), std::string::npos) << early.body;
  EXPECT_NE(early.body.find("\"field\":\"on\""), std::string::npos) << early.body;
  auto bad_date = Get("/api/loans/L1", {{"on", "2021-02-30"}});
  EXPECT_EQ(bad_date.status, 400);
  EXPECT_NE(bad_date.body.find("DATE_FORMAT"), std::string::npos);
  auto no_date = Get("/api/loans/L1");  // no business date yet
  EXPECT_EQ(no_date.status, 400);
  EXPECT_NE(no_date.body.find("DATE_REQUIRED"), std::string::npos);
  EXPECT_EQ(Get("/api/loans/L2", {{"on", "2021-03-10"}}).status, 404);
}

// The database gone: the store's fault is 503 STORAGE_FAULT, and what the
// fault says (a file path) stays in the log.
TEST(ApiFaults, StorageFaultIs503) {
  const std::string missing = "/nonexistent-tdcs-dir/none.db";
  app::ConnectionPool pool(missing, 1);
  Api api(pool);
  auto r = api.Handle(Request{"GET", "/api/network/summary", {{"on", "2021-01-01"}}, ""});
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_NE(r.body.find("STORAGE_FAULT"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("nonexistent"), std::string::npos) << r.body;
  // The health check says the database cannot be reached, and not where it is.
  auto health = api.Handle(Request{"GET", "/api/health", {}, ""});
  EXPECT_EQ(health.status, 503);
  const auto body = nlohmann::json::parse(health.body);
  EXPECT_EQ(body["status"], "unavailable");
  EXPECT_EQ(body["code"], "DATABASE_UNREACHABLE");
  EXPECT_EQ(body["field"], "database");
  EXPECT_EQ(body["database"], (nlohmann::json{{"engine", "sqlite"}, {"reachable", false}}));
  EXPECT_EQ(health.body.find("nonexistent"), std::string::npos) << health.body;
}

// With a read pool (tdcs serve --read-db) the routes that only read use it,
// and the health check answers for both databases.
TEST_F(ApiTest, ReadsGoToTheReadPool) {
  app::ConnectionPool missing("/nonexistent-tdcs-dir/none.db", 1);
  Api reads_elsewhere(missing, pool_.get());
  const Request summary{"GET", "/api/network/summary", {{"on", "2021-01-01"}}, ""};
  const Request health{"GET", "/api/health", {}, ""};
  EXPECT_EQ(reads_elsewhere.Handle(summary).status, 200);
  auto answer = reads_elsewhere.Handle(health);
  EXPECT_EQ(answer.status, 503);
  auto body = nlohmann::json::parse(answer.body);
  EXPECT_EQ(body["field"], "database");
  EXPECT_EQ(body["read_database"]["reachable"], true);

  Api read_pool_gone(*pool_, &missing);
  EXPECT_EQ(read_pool_gone.Handle(summary).status, 503);
  answer = read_pool_gone.Handle(health);
  EXPECT_EQ(answer.status, 503);
  body = nlohmann::json::parse(answer.body);
  EXPECT_EQ(body["field"], "read_database");
  EXPECT_EQ(body["database"]["reachable"], true);
  EXPECT_EQ(body["read_database"]["reachable"], false);
}

// Every rejection's status follows its code's meaning, not its route.
TEST(HttpStatus, FollowsTheCode) {
  EXPECT_EQ(HttpStatusOf(MakeError(app::LoanViewRejection::kLoanUnknown, "", "", "")), 404);
  EXPECT_EQ(HttpStatusOf(MakeError(app::LoanViewRejection::kLoanNotYetApplied, "on", "", "")), 404);
  EXPECT_EQ(HttpStatusOf(MakeError(app::LoanViewRejection::kLoanFilterRequired, "", "", "")), 400);
  EXPECT_EQ(HttpStatusOf(MakeError(HttpRejection::kDateFormat, "on", "", "")), 400);
  EXPECT_EQ(HttpStatusOf(MakeError(app::LoanActionRejection::kIdempotencyKeyReused, "", "", "")),
            409);
  // A rule of the loan's (its transactions no longer replay to the date).
  EXPECT_EQ(HttpStatusOf(MakeError(loans::LoanRejection::kLoanFrozen, "", "", "")), 422);
  EXPECT_EQ(HttpStatusOf(MakeError(HttpRejection::kRequestTooLarge, "body", "", "")), 413);
  EXPECT_EQ(HttpStatusOf(MakeError(HttpRejection::kUriTooLong, "target", "", "")), 414);
  EXPECT_EQ(HttpStatusOf(MakeError(HttpRejection::kEncodingUnsupported, "", "", "")), 415);
  EXPECT_EQ(HttpStatusOf(MakeError(HttpRejection::kHeadersTooLarge, "headers", "", "")), 431);
  EXPECT_EQ(HttpStatusOf(MakeError(HttpRejection::kStorageFault, "", "", "")), 503);
  EXPECT_EQ(HttpStatusOf(MakeError(HttpRejection::kInternalError, "", "", "")), 500);
}

// Only a StorageFault is STORAGE_FAULT; anything else is INTERNAL_ERROR, and
// what an exception says is never sent.
TEST(HttpFaults, OnlyStorageFaultsAreStorageFaults) {
  const Request request{"GET", "/api/loans/L1", {}, ""};
  auto storage = FaultAnswer(
      request, std::make_exception_ptr(StorageFault("sqlite: /var/lib/tdcs/secret.db locked")));
  EXPECT_EQ(storage.status, 503);
  EXPECT_NE(storage.body.find("STORAGE_FAULT"), std::string::npos);
  auto retry = FaultAnswer(request, std::make_exception_ptr(RetryableFault("deadlock")));
  EXPECT_EQ(retry.status, 503);
  auto bug = FaultAnswer(request, std::make_exception_ptr(std::out_of_range("map::at secret")));
  EXPECT_EQ(bug.status, 500);
  EXPECT_NE(bug.body.find("INTERNAL_ERROR"), std::string::npos);
  auto other = FaultAnswer(request, std::make_exception_ptr(42));
  EXPECT_EQ(other.status, 500);
  EXPECT_NE(other.body.find("INTERNAL_ERROR"), std::string::npos);
  for (const auto& answer : {storage, retry, bug, other}) {
    EXPECT_EQ(answer.content_type, "application/json");
    EXPECT_EQ(answer.body.find("secret"), std::string::npos) << answer.body;
    EXPECT_EQ(answer.body.find("deadlock"), std::string::npos) << answer.body;
  }
}

TEST(HttpTarget, DecodesPathAndQuery) {
  Request request;
  ASSERT_TRUE(
      ReadTarget("/api/borrowers?q=nguy%E1%BB%85n+van&on=2021-01-01&q=second&flag", &request));
  EXPECT_EQ(request.path, "/api/borrowers");
  EXPECT_EQ(request.params.at("q"), "nguyễn van");  // the first of a name
  EXPECT_EQ(request.params.at("on"), "2021-01-01");
  EXPECT_EQ(request.params.at("flag"), "");
  ASSERT_TRUE(ReadTarget("/api/loans/L%2D1+x", &request));
  EXPECT_EQ(request.path, "/api/loans/L-1+x");  // '+' is a space in the query only
  EXPECT_TRUE(request.params.empty());
  EXPECT_FALSE(ReadTarget("/api/borrowers?q=%zz", &request));
  EXPECT_FALSE(ReadTarget("/api/borrowers?q=%4", &request));
  EXPECT_FALSE(ReadTarget("http://host/api/health", &request));
  EXPECT_FALSE(ReadTarget("", &request));
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

// Seeded, bounded fuzzing of the API: any method, path, parameters and body
// gets a JSON answer with a known status, and every error carries its code
// and both messages; nothing throws.
TEST_F(ApiTest, AnyRequestGetsAJsonAnswer) {
  const std::vector<std::string> paths = {"/api/health",
                                          "/api/borrowers",
                                          "/api/network/summary",
                                          "/api/loans/",
                                          "/api/loans/L1",
                                          "/api/loans/%00",
                                          "/api/",
                                          "/api/loans/" + std::string(5000, 'x'),
                                          "/../etc/passwd",
                                          "/api/borrowers/0000000001",
                                          ""};
  const std::vector<std::string> values = {"",
                                           "nguyen",
                                           "2026-01-01",
                                           "2999-12-31",
                                           "x",
                                           std::string(1, '\0'),
                                           "\xff\xfe",
                                           "0311",
                                           "031185000001",
                                           std::string(300, 'a'),
                                           "%",
                                           "'; DROP TABLE loan; --",
                                           "-1",
                                           "\xe2\x80\xae"};
  const std::vector<std::string> methods = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "get"};
  std::mt19937_64 random(11);
  for (int i = 0; i < 1500; ++i) {
    Request r;
    r.method = methods[random() % methods.size()];
    r.path = paths[random() % paths.size()];
    if (random() % 3 == 0) r.path += values[random() % values.size()];
    for (int k = static_cast<int>(random() % 3); k > 0; --k)
      r.params[random() % 2 ? "on" : "q"] = values[random() % values.size()];
    if (random() % 4 == 0) r.body = values[random() % values.size()];
    Response response;
    ASSERT_NO_THROW(response = api_->Handle(r)) << r.method << " " << r.path;
    EXPECT_TRUE(response.status == 200 || (response.status >= 400 && response.status <= 599))
        << response.status;
    if (response.content_type.find("json") == std::string::npos) continue;
    const auto json = nlohmann::json::parse(response.body, nullptr, false);
    ASSERT_FALSE(json.is_discarded()) << r.path << ": " << response.body;
    if (response.status >= 400) {
      EXPECT_TRUE(json.contains("code") && json.contains("message_vi") &&
                  json.contains("message_en"))
          << response.body;
    }
  }
}

}  // namespace
}  // namespace tdcs::http
