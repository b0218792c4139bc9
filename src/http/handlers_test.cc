// The API without sockets: every route, its errors, and concurrent readers
// sharing the pool.
#include "http/handlers.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <thread>
#include <tuple>
#include <vector>

#include "app/access.h"
#include "app/books.h"
#include "app/export.h"
#include "app/find.h"
#include "app/import.h"
#include "app/loans.h"
#include "app/reconcile.h"
#include "app/users.h"
#include "base/clock.h"
#include "base/fault.h"
#include "loans/loan.h"
#include "test_db.h"

namespace tdcs::http {
namespace {

// A request with a JSON body, declared so.
Request JsonRequest(const std::string& method, const std::string& path, const std::string& body) {
  Request r{method, path, {}, body};
  r.headers["content-type"] = "application/json";
  return r;
}

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
    ASSERT_TRUE(app::AddUser(*connection, app::SystemContext(),
                             {"quan.tri", "admin", "", "", "mat-khau-dai-1"})
                    .ok());
    pool_ = std::make_unique<app::ConnectionPool>(target_, 4);
    api_ = std::make_unique<Api>(*pool_);
    const auto signed_in = api_->Handle(
        JsonRequest("POST", "/api/session", R"({"login":"quan.tri","password":"mat-khau-dai-1"})"));
    ASSERT_EQ(signed_in.status, 200) << signed_in.body;
    for (const auto& [name, value] : signed_in.headers)
      if (value.rfind("tdcs_session=", 0) == 0) token_ = value.substr(13, value.find(';') - 13);
    ASSERT_EQ(token_.size(), 64u);
  }
  Response Get(const std::string& path, std::map<std::string, std::string> params = {}) {
    Request r{"GET", path, std::move(params), ""};
    r.headers["authorization"] = "Bearer " + token_;
    return api_->Handle(r);
  }
  std::string token_;
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

// Every report in every format over HTTP, as the command line writes them.
TEST_F(ApiTest, ReportsInEveryFormat) {
  const std::map<std::string, std::string> at{{"at", "2021-01-01"}, {"unit", "PGD312"}};
  auto with = [&](std::map<std::string, std::string> extra) {
    auto params = at;
    params.insert(extra.begin(), extra.end());
    return params;
  };
  const auto xlsx = Get("/api/reports/by-commune", with({{"format", "xlsx"}}));
  ASSERT_EQ(xlsx.status, 200) << xlsx.body;
  EXPECT_EQ(xlsx.content_type, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(xlsx.body.substr(0, 2), "PK");  // a zip: the workbook
  bool attachment = false;
  for (const auto& [name, value] : xlsx.headers)
    attachment = attachment || (name == "Content-Disposition" &&
                                value.find("tdcs-by-commune-2021-01-01.xlsx") != std::string::npos);
  EXPECT_TRUE(attachment);
  const auto csv = Get("/api/reports/by-program", with({{"format", "csv"}}));
  EXPECT_EQ(csv.content_type, "text/csv; charset=utf-8");
  EXPECT_FALSE(csv.body.empty());
  const auto html = Get("/api/reports/headline", with({{"format", "html"}}));
  EXPECT_NE(html.body.find("<table"), std::string::npos);
  const auto narrative = Get("/api/reports/narrative", at);
  ASSERT_EQ(narrative.status, 200) << narrative.body;
  EXPECT_FALSE(nlohmann::json::parse(narrative.body)["text"].get<std::string>().empty());
  EXPECT_EQ(Get("/api/reports/ratings", at).status, 200);
  EXPECT_EQ(Get("/api/reports/profits", at).status, 404);
  EXPECT_NE(Get("/api/reports/profits", at).body.find("REPORT_UNKNOWN"), std::string::npos);
  EXPECT_NE(Get("/api/reports/headline", with({{"format", "pdf"}})).body.find("FORMAT_UNKNOWN"),
            std::string::npos);
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
  Request summary{"GET", "/api/network/summary", {{"on", "2021-01-01"}}, ""};
  summary.headers["authorization"] = "Bearer " + token_;
  const Request health{"GET", "/api/health", {}, ""};
  // (Sessions are read on the main database, so signed-in routes need it.)
  EXPECT_EQ(reads_elsewhere.Handle(summary).status, 503);
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

// Signed-in users each see their own area and do what their role may
// (RULES §14): another office's loan, borrower or report is not there (404),
// a role's missing right is FORBIDDEN (403), and nothing is written by a
// refused request.
class AccessTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    auto connection = pool_->Acquire();
    std::istringstream office(
        "kind,code,name,parent_code,area_code,session_day,valid_from\n"
        "office,PGD313,Phòng giao dịch NHCSXH Kiến Thụy,CN31,,,2015-01-01\n"
        "point,P11587,Điểm giao dịch phường Đại Bản,PGD313,11587,9,2015-01-01\n"
        "village,11587001,Thôn 1,,11587,,2015-01-01\n");
    ASSERT_TRUE(
        app::Import(*connection, app::SystemContext(), app::ImportKind::kNetwork, office).ok());
    std::istringstream group(
        "code,name,point_code,village_code,association,valid_from\n"
        "0000004,Tổ TK&VV Thôn 1 – Hội Nông dân,P11587,11587001,farmers,"
        "2015-01-01\n");
    ASSERT_TRUE(
        app::Import(*connection, app::SystemContext(), app::ImportKind::kGroups, group).ok());
    std::string row = testing::BorrowerRow(2, "Phạm Văn Hùng", "0000004");
    const std::string village = ",11581001,";
    row.replace(row.find(village), village.size(), ",11587001,");
    std::istringstream borrower(std::string(testing::kBorrowersHeader) + row);
    auto imported =
        app::Import(*connection, app::SystemContext(), app::ImportKind::kBorrowers, borrower);
    ASSERT_TRUE(imported.ok()) << (imported.errors.empty() ? ""
                                                           : imported.errors[0].error.ToString());
    app::Context on_2021 = app::SystemContext();
    on_2021.on = *Date::Parse("2021-03-10");  // the units are open then
    for (auto [login, role, scope] :
         {std::tuple{"can.bo.312", "officer", "PGD312"},
          std::tuple{"can.bo.313", "officer", "PGD313"},
          std::tuple{"to.truong.3", "leader", "0000003"}, std::tuple{"kiem.toan", "auditor", ""},
          std::tuple{"giam.doc.312", "director", "PGD312"}})
      ASSERT_TRUE(
          app::AddUser(*connection, on_2021, {login, role, scope, "", "mat-khau-dai-1"}).ok())
          << login;
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
  std::string SignIn(const std::string& login) {
    auto r = api_->Handle(JsonRequest(
        "POST", "/api/session", R"({"login":")" + login + R"(","password":"mat-khau-dai-1"})"));
    EXPECT_EQ(r.status, 200) << r.body;
    return nlohmann::json::parse(r.body, nullptr, false).is_discarded() ? "" : TokenOf(r);
  }
  static std::string TokenOf(const Response& r) {
    for (const auto& [name, value] : r.headers)
      if (value.rfind("tdcs_session=", 0) == 0) return value.substr(13, 64);
    return "";
  }
  Response As(const std::string& token, const std::string& method, const std::string& path,
              const std::string& body = "", std::map<std::string, std::string> params = {},
              const std::string& key = "k-1") {
    Request r{method, path, std::move(params), body};
    r.headers["authorization"] = "Bearer " + token;
    if (!body.empty()) r.headers["content-type"] = "application/json";
    if (!key.empty()) r.headers["idempotency-key"] = key;
    return api_->Handle(r);
  }
  static std::string Code(const Response& r) {
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    return j.is_object() && j.contains("code") && j["code"].is_string()
               ? j["code"].get<std::string>()
               : "";
  }
};

TEST_F(AccessTest, AnotherOfficesThingsAreNotThere) {
  const std::string other = SignIn("can.bo.313"), own = SignIn("can.bo.312");
  const std::map<std::string, std::string> on{{"on", "2021-03-10"}};
  EXPECT_EQ(As(own, "GET", "/api/loans/L1", "", on).status, 200);
  const auto loan = As(other, "GET", "/api/loans/L1", "", on);
  EXPECT_EQ(loan.status, 404);
  EXPECT_EQ(Code(loan), "LOAN_UNKNOWN");
  // The same answer as for a loan that does not exist.
  EXPECT_EQ(As(other, "GET", "/api/loans/L9", "", on).body, [&] {
    auto r = As(other, "GET", "/api/loans/L9", "", on);
    return r.body;
  }());
  const auto mine = As(own, "GET", "/api/borrowers/0000000001", "", on);
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_NE(mine.body.find("\"citizen_id\":\"031185000001\""), std::string::npos) << mine.body;
  EXPECT_NE(mine.body.find("\"office\":\"PGD312\""), std::string::npos) << mine.body;
  EXPECT_EQ(As(other, "GET", "/api/borrowers/0000000001", "", on).status, 404);
  const auto found =
      As(other, "GET", "/api/borrowers", "", {{"q", "nguyen"}, {"on", "2021-03-10"}});
  EXPECT_EQ(found.body, R"({"borrowers":[],"more":false})");
  EXPECT_NE(As(own, "GET", "/api/borrowers", "", {{"q", "nguyen"}, {"on", "2021-03-10"}})
                .body.find("0000000001"),
            std::string::npos);
  const auto report =
      As(other, "GET", "/api/reports/headline", "", {{"unit", "PGD312"}, {"at", "2021-03-10"}});
  EXPECT_EQ(report.status, 404);
  EXPECT_EQ(Code(report), "UNIT_UNKNOWN");
  // Their own office's report is theirs by default.
  const auto own_report = As(other, "GET", "/api/reports/headline", "", {{"at", "2021-03-10"}});
  EXPECT_EQ(own_report.status, 200) << own_report.body;
  EXPECT_EQ(nlohmann::json::parse(own_report.body)["unit"], "PGD313") << own_report.body;
  // A write to another office's loan is refused the same way, and posts nothing.
  const auto pay =
      As(other, "POST", "/api/loans/L1/actions", R"({"kind":"disburse","date":"2021-03-10"})");
  EXPECT_EQ(pay.status, 404) << pay.body;
  const auto still = As(own, "GET", "/api/loans/L1", "", on);
  EXPECT_NE(still.body.find("\"status\":\"approved\""), std::string::npos) << still.body;
  // The national counts are for national users.
  EXPECT_EQ(As(own, "GET", "/api/network/summary", "", on).status, 403);
}

// The officer's limit is the household's: a loan split into two, each under
// it, still needs the director for the part that takes the household over.
TEST_F(AccessTest, ALoanSplitUnderTheLimitStillNeedsTheDirector) {
  const std::string officer = SignIn("can.bo.312"), director = SignIn("giam.doc.312");
  // An application by an officer, then their approval of it: the
  // decision's answer.
  const auto apply_by = [&](const std::string& token, const std::string& borrower,
                            const std::string& code, int64_t amount) {
    EXPECT_EQ(As(token, "POST", "/api/loans",
                 R"({"code":")" + code + R"(","borrower":")" + borrower +
                     R"(","program":"01","amount_dong":)" + std::to_string(amount) +
                     R"(,"term_months":24,"date":"2021-03-10"})",
                 {}, "a-" + code)
                  .status,
              201);
    return As(token, "POST", "/api/loans/" + code + "/decision",
              R"({"approve":true,"date":"2021-03-10"})", {}, "d-" + code);
  };
  const auto apply_and_approve = [&](const std::string& code, int64_t amount) {
    return apply_by(officer, "0000000001", code, amount);
  };
  // L1 (30.000.000 đ) is approved; 15.000.000 more is 45.000.000: alone.
  const auto alone = apply_and_approve("L5", 15'000'000);
  ASSERT_EQ(alone.status, 200) << alone.body;
  // 10.000.000 more is 55.000.000 for the household: held.
  const auto held = apply_and_approve("L6", 10'000'000);
  ASSERT_EQ(held.status, 202) << held.body;
  EXPECT_NE(As(officer, "GET", "/api/loans/L6", "", {{"on", "2021-03-10"}})
                .body.find("\"status\":\"applied\""),
            std::string::npos);
  const int64_t request = nlohmann::json::parse(held.body)["request"];
  const auto approved = As(director, "POST", "/api/approvals/" + std::to_string(request),
                           R"({"approve":true})", {}, "c-6");
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_NE(As(officer, "GET", "/api/loans/L6", "", {{"on", "2021-03-10"}})
                .body.find("\"status\":\"approved\""),
            std::string::npos);
  // Once over, any further loan of the household, however small, is the
  // director's to approve.
  EXPECT_EQ(apply_and_approve("L7", 5'000'000).status, 202);
  // An application waiting for the director counts too: household
  // 0000000002 (office PGD313) has nothing; 60.000.000 waits, and 40.000.000
  // more is 100.000.000, not 40.000.000.
  const std::string other = SignIn("can.bo.313");
  const auto apply_313 = [&](const std::string& code, int64_t amount) {
    return apply_by(other, "0000000002", code, amount);
  };
  EXPECT_EQ(apply_313("L8", 60'000'000).status, 202);
  EXPECT_EQ(apply_313("L9", 40'000'000).status, 202);
  // A held action sent again under its key with other figures is another
  // request: refused, not answered as the first.
  const auto freeze = As(officer, "POST", "/api/loans/L1/actions",
                         R"({"kind":"freeze","months":3,"date":"2021-03-10"})", {}, "f-1");
  ASSERT_EQ(freeze.status, 202) << freeze.body;
  EXPECT_EQ(Code(As(officer, "POST", "/api/loans/L1/actions",
                    R"({"kind":"freeze","months":6,"date":"2021-03-10"})", {}, "f-1")),
            "IDEMPOTENCY_KEY_REUSED");
  const auto again = As(officer, "POST", "/api/loans/L1/actions",
                        R"({"kind":"freeze","months":3,"date":"2021-03-10"})", {}, "f-1");
  ASSERT_EQ(again.status, 202) << again.body;
  EXPECT_EQ(nlohmann::json::parse(again.body)["request"],
            nlohmann::json::parse(freeze.body)["request"]);
}

TEST_F(AccessTest, RolesDoWhatTheyMay) {
  const std::string leader = SignIn("to.truong.3"), auditor = SignIn("kiem.toan"),
                    officer = SignIn("can.bo.312"), director = SignIn("giam.doc.312");
  const auto denied =
      As(auditor, "POST", "/api/loans/L1/actions", R"({"kind":"disburse","date":"2021-03-10"})");
  EXPECT_EQ(denied.status, 403) << denied.body;
  EXPECT_EQ(Code(denied), "FORBIDDEN");
  // A leader sees their group's members only.
  EXPECT_EQ(As(leader, "GET", "/api/borrowers/0000000001", "", {{"on", "2021-03-10"}}).status, 404);
  // An officer records applications and approves them up to their limit
  // (50.000.000 đ); above it the approval waits for a director.
  const std::string application =
      R"({"code":"L2","borrower":"0000000001","program":"01","amount_dong":80000000,"term_months":24,"date":"2021-03-10"})";
  EXPECT_EQ(As(officer, "POST", "/api/loans", application).status, 201);
  const auto held = As(officer, "POST", "/api/loans/L2/decision",
                       R"({"approve":true,"date":"2021-03-10"})", {}, "k-2");
  ASSERT_EQ(held.status, 202) << held.body;
  const int64_t request = nlohmann::json::parse(held.body)["request"];
  EXPECT_NE(As(officer, "GET", "/api/loans/L2", "", {{"on", "2021-03-10"}})
                .body.find("\"status\":\"applied\""),
            std::string::npos);
  EXPECT_EQ(Code(As(officer, "POST", "/api/approvals/" + std::to_string(request),
                    R"({"approve":true})", {}, "k-2a")),
            "FORBIDDEN");
  const auto queue = As(director, "GET", "/api/approvals");
  ASSERT_EQ(queue.status, 200) << queue.body;
  const auto requests = nlohmann::json::parse(queue.body)["requests"];
  ASSERT_EQ(requests.size(), 1u) << queue.body;
  EXPECT_EQ(requests[0]["maker"], "can.bo.312");
  EXPECT_EQ(requests[0]["kind"], "approve");
  // Another office's director does not see it, the leader neither.
  EXPECT_EQ(nlohmann::json::parse(As(leader, "GET", "/api/approvals").body)["requests"].size(), 0u);
  const auto decided = As(director, "POST", "/api/approvals/" + std::to_string(request),
                          R"({"approve":true})", {}, "k-3");
  ASSERT_EQ(decided.status, 200) << decided.body;
  EXPECT_EQ(nlohmann::json::parse(decided.body)["checker"], "giam.doc.312");
  EXPECT_NE(As(officer, "GET", "/api/loans/L2", "", {{"on", "2021-03-10"}})
                .body.find("\"status\":\"approved\""),
            std::string::npos);
  EXPECT_EQ(Code(As(director, "POST", "/api/approvals/" + std::to_string(request),
                    R"({"approve":true})", {}, "k-4")),
            "REQUEST_DECIDED");
  const auto disbursed = As(officer, "POST", "/api/loans/L2/actions",
                            R"({"kind":"disburse","date":"2021-03-10"})", {}, "d-1");
  EXPECT_EQ(disbursed.status, 201) << disbursed.body;
  // Sent again with its key: answered from the first; another body with it: 409.
  const auto again = As(officer, "POST", "/api/loans/L2/actions",
                        R"({"kind":"disburse","date":"2021-03-10"})", {}, "d-1");
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_NE(again.body.find("\"repeated\":true"), std::string::npos);
  const auto reused = As(officer, "POST", "/api/loans/L2/actions",
                         R"({"kind":"pay","amount_dong":1000,"date":"2021-03-10"})", {}, "d-1");
  EXPECT_EQ(reused.status, 409) << reused.body;
  // A write-off waits for a second person; nothing is written off before.
  const auto writeoff = As(officer, "POST", "/api/loans/L2/actions",
                           R"({"kind":"writeoff","date":"2021-03-10"})", {}, "w-1");
  ASSERT_EQ(writeoff.status, 202) << writeoff.body;
  const int64_t w = nlohmann::json::parse(writeoff.body)["request"];
  EXPECT_NE(As(officer, "GET", "/api/loans/L2", "", {{"on", "2021-03-10"}})
                .body.find("\"status\":\"active\""),
            std::string::npos);
  const auto rejected = As(director, "POST", "/api/approvals/" + std::to_string(w),
                           R"({"approve":false})", {}, "w-2");
  EXPECT_EQ(Code(rejected), "DECISION_REASON_REQUIRED");
  const auto no = As(director, "POST", "/api/approvals/" + std::to_string(w),
                     R"({"approve":false,"reason":"Chưa đủ hồ sơ"})", {}, "w-3");
  ASSERT_EQ(no.status, 200) << no.body;
  EXPECT_EQ(nlohmann::json::parse(no.body)["status"], "rejected");
  EXPECT_NE(As(officer, "GET", "/api/loans/L2", "", {{"on", "2021-03-10"}})
                .body.find("\"status\":\"active\""),
            std::string::npos);
  // The auditor reads the trail; the officer may not.
  const auto trail = As(auditor, "GET", "/api/audit", "", {{"action", "loan"}});
  ASSERT_EQ(trail.status, 200) << trail.body;
  const auto records = nlohmann::json::parse(trail.body)["records"];
  ASSERT_GE(records.size(), 4u);
  // Newest first: the disbursement, the approval by the director (after the
  // request), the officer's application.
  EXPECT_EQ(records[0]["action"], "loan.disburse");
  EXPECT_EQ(records[0]["actor"], "can.bo.312");
  EXPECT_EQ(records[0]["before"]["status"], "approved");
  EXPECT_EQ(records[0]["after"]["status"], "active");
  EXPECT_EQ(records[0]["after"]["disbursed_dong"], 80000000);
  EXPECT_EQ(records[1]["action"], "loan.decide");
  EXPECT_EQ(records[1]["actor"], "giam.doc.312");
  const auto requests_trail = As(auditor, "GET", "/api/audit", "", {{"action", "approval"}});
  const auto approvals = nlohmann::json::parse(requests_trail.body)["records"];
  ASSERT_EQ(approvals.size(), 4u) << requests_trail.body;  // two requests, an approval, a rejection
  EXPECT_EQ(approvals[0]["action"], "approval.reject");
  EXPECT_EQ(approvals[3]["action"], "approval.request");
  EXPECT_EQ(approvals[3]["actor"], "can.bo.312");
  EXPECT_EQ(Code(As(officer, "GET", "/api/audit")), "FORBIDDEN");
}

// An heir of another office's area is not there either; a director who
// made an application above the officer's limit does not approve it alone.
TEST_F(AccessTest, NoOneGoesAroundTheRules) {
  const std::string officer = SignIn("can.bo.312"), director = SignIn("giam.doc.312");
  const std::string other = SignIn("can.bo.313");
  const auto theirs = As(other, "GET", "/api/borrowers/0000000002", "", {{"on", "2021-03-10"}});
  EXPECT_EQ(theirs.status, 200) << theirs.body;
  EXPECT_EQ(As(officer, "POST", "/api/loans/L1/actions",
               R"({"kind":"disburse","date":"2021-03-10"})", {}, "d")
                .status,
            201);
  const auto inherit = As(officer, "POST", "/api/loans/L1/actions",
                          R"({"kind":"inherit","heir":"0000000002","date":"2021-03-10"})", {}, "i");
  EXPECT_EQ(inherit.status, 404) << inherit.body;
  EXPECT_EQ(Code(inherit), "BORROWER_UNKNOWN");
  const auto own = As(
      director, "POST", "/api/loans",
      R"({"code":"L3","borrower":"0000000001","program":"01","amount_dong":70000000,"term_months":24,"date":"2021-03-10","decide":true})",
      {}, "a");
  ASSERT_EQ(own.status, 202) << own.body;
  const int64_t request = nlohmann::json::parse(own.body)["request"];
  const auto self = As(director, "POST", "/api/approvals/" + std::to_string(request),
                       R"({"approve":true})", {}, "b");
  EXPECT_EQ(Code(self), "SAME_USER");
  // Guessing one's own password from an open session counts as a sign-in.
  EXPECT_EQ(Code(As(officer, "POST", "/api/session/password",
                    R"({"current_password":"sai-mat-khau-9","password":"mat-khau-moi-12"})")),
            "CURRENT_PASSWORD_WRONG");
  // A form posted from another site is not read.
  Request form{"POST", "/api/session", {}, R"({"login":"can.bo.312","password":"mat-khau-dai-1"})"};
  form.headers["content-type"] = "text/plain";
  EXPECT_EQ(Code(api_->Handle(form)), "CONTENT_TYPE_UNSUPPORTED");
}

// A reversal reverses what its maker saw or nothing; one request of a kind
// waits per loan; a maker's retry is answered from the request it made.
TEST_F(AccessTest, RequestsHoldWhatTheirMakerSaw) {
  const std::string officer = SignIn("can.bo.312"), director = SignIn("giam.doc.312");
  auto post = [&](const std::string& who, const std::string& body, const std::string& key) {
    return As(who, "POST", "/api/loans/L1/actions", body, {}, key);
  };
  ASSERT_EQ(post(officer, R"({"kind":"disburse","date":"2021-03-10"})", "d").status, 201);
  ASSERT_EQ(post(officer, R"({"kind":"pay","amount_dong":1000,"date":"2021-03-10"})", "p1").status,
            201);
  const auto reverse = post(officer, R"({"kind":"reverse","date":"2021-03-10"})", "r1");
  ASSERT_EQ(reverse.status, 202) << reverse.body;
  const int64_t r = nlohmann::json::parse(reverse.body)["request"];
  EXPECT_EQ(Code(post(director, R"({"kind":"reverse","date":"2021-03-10"})", "r2")),
            "REQUEST_PENDING");
  // The same request again: the same answer, nothing more held.
  const auto again = post(officer, R"({"kind":"reverse","date":"2021-03-10"})", "r1");
  EXPECT_EQ(nlohmann::json::parse(again.body)["request"], r) << again.body;
  EXPECT_EQ(nlohmann::json::parse(again.body)["repeated"], true);
  ASSERT_EQ(post(officer, R"({"kind":"pay","amount_dong":2000,"date":"2021-03-10"})", "p2").status,
            201);
  const auto stale =
      As(director, "POST", "/api/approvals/" + std::to_string(r), R"({"approve":true})", {}, "a1");
  EXPECT_EQ(Code(stale), "REQUEST_STALE") << stale.body;
  const auto loan = As(officer, "GET", "/api/loans/L1", "", {{"on", "2021-03-10"}});
  EXPECT_EQ(nlohmann::json::parse(loan.body)["transactions"].size(), 3u) << loan.body;
  EXPECT_EQ(As(director, "POST", "/api/approvals/" + std::to_string(r),
               R"({"approve":false,"reason":"Đã có giao dịch sau"})", {}, "a2")
                .status,
            200);
  // A new reversal of what is last now is approved and reverses that one.
  const auto fresh = post(officer, R"({"kind":"reverse","date":"2021-03-10"})", "r3");
  ASSERT_EQ(fresh.status, 202) << fresh.body;
  const auto done =
      As(director, "POST",
         "/api/approvals/" +
             std::to_string(nlohmann::json::parse(fresh.body)["request"].get<int64_t>()),
         R"({"approve":true})", {}, "a3");
  ASSERT_EQ(done.status, 200) << done.body;
  const auto after = nlohmann::json::parse(
      As(officer, "GET", "/api/loans/L1", "", {{"on", "2021-03-10"}}).body)["transactions"];
  ASSERT_EQ(after.size(), 4u);
  EXPECT_EQ(after[3]["kind"], "reverse");
  EXPECT_EQ(after[2]["amount_dong"], 2000);
  EXPECT_FALSE(after[2]["reversed_by"].is_null());  // the 2.000 đ payment, the one last seen
  // Retried after its approval, the request answers; nothing posts twice.
  const auto retried = post(officer, R"({"kind":"reverse","date":"2021-03-10"})", "r3");
  EXPECT_EQ(nlohmann::json::parse(retried.body)["repeated"], true) << retried.body;
  EXPECT_EQ(retried.status, 200);
  EXPECT_EQ(nlohmann::json::parse(retried.body)["status"], "approved") << retried.body;
  // The rejected one, retried, says so.
  const auto refused = post(officer, R"({"kind":"reverse","date":"2021-03-10"})", "r1");
  EXPECT_EQ(nlohmann::json::parse(refused.body)["status"], "rejected") << refused.body;
  EXPECT_EQ(
      nlohmann::json::parse(
          As(officer, "GET", "/api/loans/L1", "", {{"on", "2021-03-10"}}).body)["transactions"]
          .size(),
      4u);
}

// Two checkers approve one request at the same moment: it posts once.
TEST_F(AccessTest, TwoCheckersAtOnceApproveOnce) {
  const std::string officer = SignIn("can.bo.312"), director = SignIn("giam.doc.312");
  auto post = [&](const std::string& body, const std::string& key) {
    return As(officer, "POST", "/api/loans/L1/actions", body, {}, key);
  };
  ASSERT_EQ(post(R"({"kind":"disburse","date":"2021-03-10"})", "d").status, 201);
  ASSERT_EQ(post(R"({"kind":"pay","amount_dong":1000,"date":"2021-03-10"})", "p").status, 201);
  const auto held = post(R"({"kind":"reverse","date":"2021-03-10"})", "r");
  ASSERT_EQ(held.status, 202) << held.body;
  const std::string path =
      "/api/approvals/" +
      std::to_string(nlohmann::json::parse(held.body)["request"].get<int64_t>());
  Response first, second;
  std::thread a([&] { first = As(director, "POST", path, R"({"approve":true})", {}, "a"); });
  std::thread b([&] { second = As(token_, "POST", path, R"({"approve":true})", {}, "b"); });
  a.join();
  b.join();
  const std::multiset<int> statuses = {first.status, second.status};
  EXPECT_EQ(statuses, (std::multiset<int>{200, 409})) << first.body << " / " << second.body;
  const auto txns = nlohmann::json::parse(
      As(officer, "GET", "/api/loans/L1", "", {{"on", "2021-03-10"}}).body)["transactions"];
  int reversals = 0;
  for (const auto& t : txns) reversals += t["kind"] == "reverse";
  EXPECT_EQ(reversals, 1) << txns.dump();
}

// Payments from many clients at once share group commits: each is posted
// once (a replayed key too, even sent twice at once), a refused one takes
// nothing of the others with it, and the books verify.
// A write waiting for its group commit while its session ends posts
// nothing: another connection holds the write lock, ends every session and
// commits only once the payment has passed its first check and is queued.
TEST_F(AccessTest, AWriteWaitingWhileItsSessionEndsPostsNothing) {
  if (!api_->writes_grouped()) GTEST_SKIP() << "PostgreSQL runs each write at once";
  const std::string officer = SignIn("can.bo.312");
  ASSERT_EQ(As(officer, "POST", "/api/loans/L1/actions",
               R"({"kind":"disburse","date":"2021-03-10"})", {}, "d")
                .status,
            201);
  const std::string marker = target_ + ".locked";
  std::filesystem::remove(marker);
  std::thread holder([&] {
    const std::string script = "BEGIN IMMEDIATE;\nDELETE FROM user_session;\n.shell touch '" +
                               marker + "'\n.shell sleep 2\nCOMMIT;\n";
    FILE* sqlite = popen(("sqlite3 '" + target_ + "'").c_str(), "w");
    ASSERT_NE(sqlite, nullptr);
    fputs(script.c_str(), sqlite);
    pclose(sqlite);
  });
  while (!std::filesystem::exists(marker))
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  Request pay{"POST",
              "/api/loans/L1/actions",
              {},
              R"({"kind":"pay","amount_dong":1000,"date":"2021-03-10"})"};
  pay.headers["authorization"] = "Bearer " + officer;
  pay.headers["content-type"] = "application/json";
  pay.headers["idempotency-key"] = "late";
  std::promise<Response> answered;
  const auto at_once = api_->Handle(pay, [&](Response r) { answered.set_value(std::move(r)); });
  ASSERT_FALSE(at_once.has_value()) << at_once->body;  // queued: the session was there
  const Response late = answered.get_future().get();
  holder.join();
  std::filesystem::remove(marker);
  EXPECT_EQ(late.status, 401) << late.body;
  EXPECT_EQ(Code(late), "SESSION_INVALID");
  const auto loan = nlohmann::json::parse(
      As(SignIn("can.bo.312"), "GET", "/api/loans/L1", "", {{"on", "2021-03-10"}}).body);
  for (const auto& t : loan["transactions"]) EXPECT_NE(t["kind"], "pay") << loan.dump();
}

TEST_F(AccessTest, PaymentsAtOnceArePostedOnceEach) {
  const std::string officer = SignIn("can.bo.312");
  ASSERT_EQ(As(officer, "POST", "/api/loans/L1/actions",
               R"({"kind":"disburse","date":"2021-03-10"})", {}, "d")
                .status,
            201);
  constexpr int kThreads = 8, kEach = 6;
  std::vector<std::thread> threads;
  std::vector<std::vector<int>> statuses(kThreads + 2);
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int n = 0; n < kEach; ++n)
        statuses[t].push_back(As(officer, "POST", "/api/loans/L1/actions",
                                 R"({"kind":"pay","amount_dong":1000,"date":"2021-03-10"})", {},
                                 "p-" + std::to_string(t) + "-" + std::to_string(n))
                                  .status);
    });
  for (int t = kThreads; t < kThreads + 2; ++t)
    threads.emplace_back([&, t] {
      statuses[t].push_back(As(officer, "POST", "/api/loans/L1/actions",
                               R"({"kind":"pay","amount_dong":1000,"date":"2021-03-10"})", {},
                               "twice")
                                .status);
      statuses[t].push_back(As(officer, "POST", "/api/loans/L1/actions",
                               R"({"kind":"pay","amount_dong":1000000000000,"date":"2021-03-10"})",
                               {}, "too-much-" + std::to_string(t))
                                .status);
    });
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(statuses[t], std::vector<int>(kEach, 201)) << t;
  const std::multiset<int> twice = {statuses[kThreads][0], statuses[kThreads + 1][0]};
  EXPECT_EQ(twice, (std::multiset<int>{200, 201}));
  EXPECT_EQ(statuses[kThreads][1], 422);
  EXPECT_EQ(statuses[kThreads + 1][1], 422);
  const auto txns = nlohmann::json::parse(
      As(officer, "GET", "/api/loans/L1", "", {{"on", "2021-03-10"}}).body)["transactions"];
  int64_t paid = 0, payments = 0;
  for (const auto& t : txns)
    if (t["kind"] == "pay") {
      ++payments;
      paid += t["amount_dong"].get<int64_t>();
    }
  EXPECT_EQ(payments, kThreads * kEach + 1) << txns.dump();
  EXPECT_EQ(paid, (kThreads * kEach + 1) * 1000);
  if (api_->writes_grouped()) EXPECT_EQ(api_->write_groups().writes, 1 + kThreads * kEach + 4);
  auto connection = app::Connection::OpenInitialised(target_);
  const auto verified = app::Verify(*connection, app::SystemContext(), false);
  EXPECT_TRUE(verified.ok()) << verified.problems.front();
}

TEST_F(AccessTest, BadWritesAreRefusedNamingTheField) {
  const std::string officer = SignIn("can.bo.312");
  auto code_of = [&](const std::string& body, const std::string& key = "k") {
    return Code(As(officer, "POST", "/api/loans/L1/actions", body, {}, key));
  };
  EXPECT_EQ(code_of("{not json"), "BODY_INVALID");
  EXPECT_EQ(code_of("[1,2]"), "BODY_INVALID");
  EXPECT_EQ(code_of(R"({"amount_dong":5})"), "FIELD_REQUIRED");
  EXPECT_EQ(code_of(R"({"kind":7})"), "FIELD_TYPE");
  EXPECT_EQ(code_of(R"({"kind":"pay","amount":5})"), "FIELD_UNKNOWN");
  EXPECT_EQ(code_of(R"({"kind":"pay","amount_dong":-5})"), "AMOUNT_INVALID");
  EXPECT_EQ(code_of(R"({"kind":"pay","amount_dong":10000000000000000})"), "AMOUNT_INVALID");
  EXPECT_EQ(code_of(R"({"kind":"pay","amount_dong":"5"})"), "AMOUNT_INVALID");
  EXPECT_EQ(code_of(R"({"kind":"pay","amount_dong":99999999999999999999})"), "AMOUNT_INVALID");
  EXPECT_EQ(code_of(R"({"kind":"pay","amount_dong":5,"date":"2021-02-30"})"), "DATE_FORMAT");
  EXPECT_EQ(code_of(R"({"kind":"pay","amount_dong":5})", ""), "IDEMPOTENCY_KEY_REQUIRED");
  EXPECT_EQ(code_of(R"({"kind":"fly"})"), "FIELD_TYPE");
  // Nothing of any of them was posted.
  const auto loan = As(officer, "GET", "/api/loans/L1", "", {{"on", "2021-03-10"}});
  EXPECT_NE(loan.body.find("\"transactions\":[]"), std::string::npos) << loan.body;
}

TEST_F(AccessTest, SessionsCookiesAndCsrf) {
  auto r = api_->Handle(
      JsonRequest("POST", "/api/session", R"({"login":"can.bo.312","password":"mat-khau-dai-1"})"));
  ASSERT_EQ(r.status, 200);
  const std::string token = TokenOf(r);
  const std::string csrf = nlohmann::json::parse(r.body)["csrf_token"];
  Request write =
      JsonRequest("POST", "/api/loans/L1/actions", R"({"kind":"disburse","date":"2021-03-10"})");
  write.headers["cookie"] = "tdcs_session=" + token;
  write.headers["idempotency-key"] = "c-1";
  EXPECT_EQ(Code(api_->Handle(write)), "CSRF_INVALID");
  write.headers["x-csrf-token"] = (csrf[0] == '0' ? "1" : "0") + csrf.substr(1);
  EXPECT_EQ(Code(api_->Handle(write)), "CSRF_INVALID");
  write.headers["x-csrf-token"] = csrf;
  EXPECT_EQ(api_->Handle(write).status, 201);
  // A forged token, and no token at all.
  EXPECT_EQ(Code(As(std::string(64, 'a'), "GET", "/api/session")), "SESSION_INVALID");
  EXPECT_EQ(api_->Handle(Request{"GET", "/api/session", {}, ""}).status, 401);
  // Signed out, the token signs nobody in.
  Request out{"DELETE", "/api/session", {}, ""};
  out.headers["cookie"] = "tdcs_session=" + token;
  out.headers["x-csrf-token"] = csrf;
  EXPECT_EQ(api_->Handle(out).status, 200);
  EXPECT_EQ(Code(As(token, "GET", "/api/session")), "SESSION_INVALID");
}

TEST_F(AccessTest, SessionsExpireAndFailuresLockOut) {
  FixedClock clock(SystemClock().NowMicros());
  ApiOptions options;
  options.clock = &clock;
  Api api(*pool_, nullptr, options);
  auto sign_in = [&](const std::string& password) {
    return api.Handle(JsonRequest("POST", "/api/session",
                                  R"({"login":"can.bo.312","password":")" + password + R"("})"));
  };
  const std::string token = TokenOf(sign_in("mat-khau-dai-1"));
  Request me{"GET", "/api/session", {}, ""};
  me.headers["authorization"] = "Bearer " + token;
  EXPECT_EQ(api.Handle(me).status, 200);
  clock.Advance(int64_t{13} * 3600 * 1'000'000);
  EXPECT_EQ(Code(api.Handle(me)), "SESSION_INVALID");
  for (int i = 0; i < 4; ++i) EXPECT_EQ(Code(sign_in("sai-mat-khau-1")), "SIGN_IN_FAILED");
  EXPECT_EQ(Code(sign_in("sai-mat-khau-1")), "SIGN_IN_FAILED");  // the fifth locks
  const auto locked = sign_in("mat-khau-dai-1");
  EXPECT_EQ(locked.status, 429);
  EXPECT_EQ(Code(locked), "SIGN_IN_LOCKED");
  clock.Advance(int64_t{16} * 60 * 1'000'000);
  EXPECT_EQ(sign_in("mat-khau-dai-1").status, 200);
  // An unknown login is answered as a wrong password.
  auto unknown = api.Handle(
      JsonRequest("POST", "/api/session", R"({"login":"khong.co","password":"mat-khau-dai-1"})"));
  EXPECT_EQ(Code(unknown), "SIGN_IN_FAILED");
}

// Every route the server has is in this table, with who may call it: a new
// route without a line here fails the test, so no route is added without
// deciding its rule.
TEST_F(AccessTest, EveryRouteHasARule) {
  const std::set<std::string> public_routes = {"GET /", "GET /api/health", "POST /api/session"};
  const std::set<std::string> signed_in = {"GET /api/session",
                                           "DELETE /api/session",
                                           "POST /api/session/password",
                                           "GET /api/network/summary",
                                           "GET /api/borrowers",
                                           "GET /api/borrowers/{code}",
                                           "POST /api/borrowers",
                                           "PUT /api/borrowers/{code}",
                                           "GET /api/network",
                                           "GET /api/programs",
                                           "GET /api/loans",
                                           "POST /api/imports/{kind}",
                                           "GET /api/exports/{kind}",
                                           "POST /api/borrowers/{code}/savings",
                                           "GET /api/reports/{name}",
                                           "POST /api/loans",
                                           "GET /api/loans/{code}",
                                           "POST /api/loans/{code}/decision",
                                           "POST /api/loans/{code}/actions",
                                           "POST /api/loans/{code}/preview",
                                           "GET /api/sessions/calendar",
                                           "GET /api/sessions/{point}/{date}",
                                           "GET /api/sessions/{point}/{date}/due",
                                           "POST /api/sessions/{point}/{date}/open",
                                           "POST /api/sessions/{point}/{date}/batches",
                                           "POST /api/sessions/{point}/{date}/close",
                                           "GET /api/approvals",
                                           "POST /api/approvals/{id}",
                                           "POST /api/reconciliations",
                                           "GET /api/reconciliations/{code}",
                                           "POST /api/reconciliations/{code}/answers",
                                           "POST /api/reconciliations/{code}/resolutions",
                                           "GET /api/reconciliations/{code}/progress",
                                           "POST /api/ratings/{month}",
                                           "POST /api/fees/{month}",
                                           "GET /api/fees/{month}",
                                           "GET /api/inspections/new-loans",
                                           "GET /api/inspections/dormant",
                                           "POST /api/inspections/plans",
                                           "GET /api/inspections/plans/{year}",
                                           "POST /api/inspections",
                                           "POST /api/plans",
                                           "GET /api/plans/{year}",
                                           "POST /api/programs/{code}/rates",
                                           "POST /api/programs/{code}/limits",
                                           "POST /api/savings/rates",
                                           "PUT /api/settings/{name}",
                                           "POST /api/holidays",
                                           "GET /api/audit",
                                           "GET /api/users",
                                           "POST /api/users",
                                           "PATCH /api/users/{login}"};
  for (const auto& route : Api::Routes()) {
    const std::string key = route.method + " " + route.path;
    EXPECT_TRUE(public_routes.count(key) || signed_in.count(key)) << key << " has no rule here";
    EXPECT_EQ(route.signed_in, signed_in.count(key) == 1) << key;
    if (!route.signed_in) continue;
    // Without a session every signed-in route is 401, whatever is asked.
    std::string path = route.path;
    for (auto [hole, value] :
         {std::pair{"{code}", "1"}, std::pair{"{login}", "x"}, std::pair{"{id}", "1"},
          std::pair{"{point}", "P1"}, std::pair{"{date}", "2021-01-01"},
          std::pair{"{name}", "headline"}, std::pair{"{month}", "2021-01"},
          std::pair{"{year}", "2021"}, std::pair{"{kind}", "network"}})
      if (auto at = path.find(hole); at != std::string::npos) path.replace(at, strlen(hole), value);
    const auto r = api_->Handle(JsonRequest(route.method, path, "{}"));
    EXPECT_EQ(r.status, 401) << key << ": " << r.body;
  }
  EXPECT_EQ(Api::Routes().size(), public_routes.size() + signed_in.size());
}

// The web application's built files: `/` and its screens answer index.html,
// assets their bytes with their types; nothing outside the root, no hidden
// file; /api/ addresses stay the API's; without a root, the built-in page.
TEST_F(ApiTest, TheWebApplicationsFilesAreServed) {
  const auto root =
      std::filesystem::temp_directory_path() / ("tdcs-web-" + std::to_string(::getpid()));
  std::filesystem::create_directories(root / "assets");
  std::ofstream(root / "index.html") << "<!doctype html><title>TDCS app</title>";
  std::ofstream(root / "assets" / "index-abc.js") << "console.log(1)";
  std::ofstream(root / ".env") << "secret";
  std::ofstream(root.parent_path() / "outside.txt") << "outside";
  ApiOptions options;
  options.web_root = root.string();
  Api web(*pool_, nullptr, options);
  auto get = [&](const std::string& path) { return web.Handle(Request{"GET", path, {}, ""}); };
  for (const char* screen : {"/", "/borrowers", "/session"}) {
    const auto page = get(screen);
    EXPECT_EQ(page.status, 200) << screen;
    EXPECT_NE(page.body.find("TDCS app"), std::string::npos) << screen;
    EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  }
  const auto script = get("/assets/index-abc.js");
  EXPECT_EQ(script.status, 200);
  EXPECT_EQ(script.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(script.body, "console.log(1)");
  for (const char* refused :
       {"/.env", "/../outside.txt", "/assets/../../outside.txt", "/assets/missing.js", "/a%2fb.js"})
    EXPECT_EQ(get(refused).status, 404) << refused;
  EXPECT_EQ(get("/api/nothing").status, 404);
  EXPECT_EQ(get("/api/health").content_type, "application/json");
  // Without a root: the built-in page at /, and nothing else.
  EXPECT_NE(api_->Handle(Request{"GET", "/", {}, ""}).body.find("<html"), std::string::npos);
  EXPECT_EQ(api_->Handle(Request{"GET", "/borrowers", {}, ""}).status, 404);
  std::filesystem::remove_all(root);
  std::filesystem::remove(root.parent_path() / "outside.txt");
}

// A commune session over HTTP: the officer reads list 13/TD, posts a group
// with one line short-paid (posted, flagged), posts it again (nothing twice),
// and closes the session with the cash counted; another office's officer
// does not find the point, a group leader reads only their group's lines.
// A reconciliation campaign over HTTP: opened by the office, answered with
// a discrepancy by the association, resolved by the office, its progress
// counted; then an inspection recorded. Each write is in the audit trail.
TEST_F(AccessTest, AReconciliationAndAnInspectionOverHttp) {
  {
    auto connection = pool_->Acquire();
    const app::Context system = app::SystemContext();
    ASSERT_TRUE(
        app::CloseTo(*connection, system, {*Date::Parse("2021-03-10"), nullptr, nullptr}).ok());
    ASSERT_TRUE(app::ActOnLoan(*connection, system,
                               {app::LoanActionKind::kDisburse, "L1", *Date::Parse("2021-03-10")})
                    .ok());
    ASSERT_TRUE(app::AddUser(*connection, system,
                             {"hoa.pn", "association", "PGD312", "women", "mat-khau-dai-1"})
                    .ok());
  }
  const std::string officer = SignIn("can.bo.312"), other = SignIn("can.bo.313"),
                    women = SignIn("hoa.pn");
  const auto opened = As(officer, "POST", "/api/reconciliations",
                         R"({"unit":"office:PGD312","as_of":"2021-03-10","code":"DC-1"})");
  ASSERT_EQ(opened.status, 201) << opened.body;
  EXPECT_EQ(nlohmann::json::parse(opened.body)["principal_dong"], 30'000'000);
  EXPECT_EQ(As(officer, "POST", "/api/reconciliations",
               R"({"unit":"office:PGD312","as_of":"2021-03-10"})")
                .status,
            409);
  EXPECT_EQ(Code(As(other, "POST", "/api/reconciliations",
                    R"({"unit":"office:PGD312","as_of":"2021-03-10"})")),
            "UNIT_UNKNOWN");
  EXPECT_EQ(Code(As(other, "GET", "/api/reconciliations/DC-1")), "CAMPAIGN_UNKNOWN");
  const auto list = As(women, "GET", "/api/reconciliations/DC-1");
  ASSERT_EQ(list.status, 200) << list.body;
  const auto lines = nlohmann::json::parse(list.body)["lines"];
  ASSERT_EQ(lines.size(), 1u) << list.body;
  EXPECT_EQ(lines[0]["borrower"], "0000000001");
  EXPECT_EQ(lines[0]["principal_dong"], 30'000'000);
  EXPECT_EQ(Code(As(women, "POST", "/api/reconciliations/DC-1/answers",
                    R"({"borrower":"0000000001","confirmed":false})")),
            "NOTE_INVALID");
  EXPECT_EQ(As(women, "POST", "/api/reconciliations/DC-1/answers",
               R"({"borrower":"0000000001","confirmed":false,"note":"hộ nói còn 29,5 triệu"})")
                .status,
            201);
  EXPECT_EQ(Code(As(women, "POST", "/api/reconciliations/DC-1/answers",
                    R"({"borrower":"0000000001","confirmed":true})", {}, "again")),
            "RECONCILE_ALREADY_ANSWERED");
  EXPECT_EQ(Code(As(women, "POST", "/api/reconciliations/DC-1/resolutions",
                    R"({"borrower":"0000000001","resolution":"x"})")),
            "FORBIDDEN");
  EXPECT_EQ(As(officer, "POST", "/api/reconciliations/DC-1/resolutions",
               R"({"borrower":"0000000001","resolution":"đối chiếu lại sổ: đúng 30 triệu"})")
                .status,
            201);
  const auto progress =
      nlohmann::json::parse(As(officer, "GET", "/api/reconciliations/DC-1/progress").body);
  EXPECT_EQ(progress["total"]["answered"], 1);
  EXPECT_EQ(progress["total"]["discrepancies"], 1);
  EXPECT_EQ(progress["total"]["resolved"], 1);
  // The household's page shows the reconciliation, its answer and resolution.
  const auto page = nlohmann::json::parse(As(officer, "GET", "/api/borrowers/0000000001").body);
  ASSERT_EQ(page["reconciliations"].size(), 1u) << page.dump();
  EXPECT_EQ(page["reconciliations"][0]["campaign"], "DC-1");
  EXPECT_EQ(page["reconciliations"][0]["principal_dong"], 30'000'000);
  EXPECT_EQ(page["reconciliations"][0]["answer"], "discrepancy");
  EXPECT_EQ(page["reconciliations"][0]["note"], "hộ nói còn 29,5 triệu");
  EXPECT_EQ(page["reconciliations"][0]["resolution"], "đối chiếu lại sổ: đúng 30 triệu");
  EXPECT_EQ(page["reconciliations"][0]["resolved_on"], "2021-03-10");
  // An inspection of the new loan, then the 06/TD list shows it done.
  EXPECT_EQ(Code(As(other, "POST", "/api/inspections",
                    R"({"loan":"L1","result":"ok","date":"2021-03-10"})")),
            "LOAN_UNKNOWN");
  EXPECT_EQ(
      As(women, "POST", "/api/inspections",
         R"({"loan":"L1","result":"issue","note":"vốn dùng đúng mục đích một phần","date":"2021-03-10"})")
          .status,
      201);
  const auto due = nlohmann::json::parse(
      As(officer, "GET", "/api/inspections/new-loans", "", {{"office", "PGD312"}}).body);
  ASSERT_EQ(due["loans"].size(), 1u) << due.dump();
  EXPECT_EQ(due["loans"][0]["inspected_on"], "2021-03-10");
  EXPECT_EQ(Code(As(other, "GET", "/api/inspections/new-loans", "", {{"office", "PGD312"}})),
            "OFFICE_UNKNOWN");
  const auto audit = nlohmann::json::parse(
      As(SignIn("quan.tri"), "GET", "/api/audit", "", {{"action", "reconcile"}}).body);
  EXPECT_EQ(audit["records"].size(), 3u) << audit.dump();
}

// A rate change by a signed-in user waits for a second person with the
// settings permission; a director, who approves loans, does not see it.
TEST_F(AccessTest, RateChangesWaitForASecondPerson) {
  {
    auto connection = pool_->Acquire();
    ASSERT_TRUE(app::CloseTo(*connection, app::SystemContext(),
                             {*Date::Parse("2021-03-10"), nullptr, nullptr})
                    .ok());
    ASSERT_TRUE(app::AddUser(*connection, app::SystemContext(),
                             {"hoi.so", "head_office", "", "", "mat-khau-dai-1"})
                    .ok());
  }
  const std::string head = SignIn("hoi.so"), director = SignIn("giam.doc.312"),
                    officer = SignIn("can.bo.312");
  const std::string body = R"({"from":"2021-04-01","rate_percent":"0,66"})";
  EXPECT_EQ(Code(As(officer, "POST", "/api/programs/01/rates", body)), "FORBIDDEN");
  EXPECT_EQ(Code(As(head, "POST", "/api/programs/01/rates",
                    R"({"from":"2021-03-01","rate_percent":"0,66"})", {}, "early")),
            "RATE_CHANGE_BACKDATED");
  EXPECT_EQ(Code(As(head, "POST", "/api/programs/99/rates", body, {}, "none")), "PROGRAM_UNKNOWN");
  EXPECT_EQ(Code(As(head, "POST", "/api/programs/01/rates",
                    R"({"from":"2021-04-01","rate_percent":"abc"})", {}, "bad")),
            "FIELD_TYPE");
  const auto held = As(head, "POST", "/api/programs/01/rates", body, {}, "r-1");
  ASSERT_EQ(held.status, 202) << held.body;
  const int64_t id = nlohmann::json::parse(held.body)["request"];
  // Sent again: the same request.
  const auto again = As(head, "POST", "/api/programs/01/rates", body, {}, "r-1");
  EXPECT_EQ(nlohmann::json::parse(again.body)["request"], id);
  EXPECT_EQ(nlohmann::json::parse(As(director, "GET", "/api/approvals").body)["requests"].size(),
            0u);
  const std::string path = "/api/approvals/" + std::to_string(id);
  EXPECT_EQ(Code(As(director, "POST", path, R"({"approve":true})", {}, "d")), "REQUEST_UNKNOWN");
  EXPECT_EQ(Code(As(head, "POST", path, R"({"approve":true})", {}, "h")), "SAME_USER");
  const auto approved = As(token_, "POST", path, R"({"approve":true})", {}, "a");
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(nlohmann::json::parse(approved.body)["status"], "approved");
  // The new version is in force from its date: the audit trail has the
  // request, the change itself by the checker, and the approval.
  const auto audit = nlohmann::json::parse(
      As(token_, "GET", "/api/audit", "", {{"subject", "program:01"}}).body)["records"];
  std::multiset<std::string> actions;
  for (const auto& r : audit) actions.insert(r["action"].get<std::string>());
  EXPECT_EQ(actions,
            (std::multiset<std::string>{"approval.request", "program.rate", "approval.approve"}))
      << audit.dump();
  EXPECT_EQ(Code(As(token_, "POST", path, R"({"approve":true})", {}, "a2")), "REQUEST_DECIDED");
}

// The entry an action would post, computed by the action's own rules and
// rolled back: nothing stays (no transaction, no audit record), a held
// action is previewed as its approval would post it, another office's loan
// is not there.
TEST_F(AccessTest, AnActionsEntryIsPreviewedAndNothingIsWritten) {
  {
    auto connection = pool_->Acquire();
    ASSERT_TRUE(app::CloseTo(*connection, app::SystemContext(),
                             {*Date::Parse("2021-03-10"), nullptr, nullptr})
                    .ok());
  }
  const std::string officer = SignIn("can.bo.312"), other = SignIn("can.bo.313");
  const std::map<std::string, std::string> on{{"on", "2021-03-10"}};
  const auto before = As(officer, "GET", "/api/loans/L1", "", on).body;
  const auto audit_before =
      nlohmann::json::parse(As(token_, "GET", "/api/audit").body)["records"].size();
  const auto disburse = As(officer, "POST", "/api/loans/L1/preview",
                           R"({"kind":"disburse","date":"2021-03-10"})", {}, "p-1");
  ASSERT_EQ(disburse.status, 200) << disburse.body;
  const auto entry = nlohmann::json::parse(disburse.body);
  EXPECT_FALSE(entry["held"].get<bool>());
  std::map<std::string, int64_t> by_account;
  int64_t sum = 0;
  for (const auto& p : entry["postings"]) {
    by_account[p["account"]] = p["amount_dong"];
    sum += p["amount_dong"].get<int64_t>();
  }
  EXPECT_EQ(sum, 0) << disburse.body;
  EXPECT_EQ(by_account["LOAN_NORMAL"], 30'000'000) << disburse.body;
  EXPECT_EQ(by_account["CASH_POINT"], -30'000'000) << disburse.body;
  // Nothing of it stayed.
  EXPECT_EQ(As(officer, "GET", "/api/loans/L1", "", on).body, before);
  EXPECT_EQ(nlohmann::json::parse(As(token_, "GET", "/api/audit").body)["records"].size(),
            audit_before);
  EXPECT_EQ(Code(As(other, "POST", "/api/loans/L1/preview",
                    R"({"kind":"disburse","date":"2021-03-10"})", {}, "p-2")),
            "LOAN_UNKNOWN");
  EXPECT_EQ(Code(As(officer, "POST", "/api/loans/L1/preview",
                    R"({"kind":"pay","amount_dong":1000,"date":"2021-03-10"})", {}, "p-3")),
            Code(As(officer, "POST", "/api/loans/L1/actions",
                    R"({"kind":"pay","amount_dong":1000,"date":"2021-03-10"})", {}, "p-4")));
  // A write-off by a signed-in user waits for a second person: previewed
  // as its approval would post it, and no request is left waiting.
  ASSERT_EQ(As(officer, "POST", "/api/loans/L1/actions",
               R"({"kind":"disburse","date":"2021-03-10"})", {}, "p-5")
                .status,
            201);
  const auto writeoff = As(officer, "POST", "/api/loans/L1/preview",
                           R"({"kind":"writeoff","date":"2021-03-10"})", {}, "p-6");
  ASSERT_EQ(writeoff.status, 200) << writeoff.body;
  const auto held = nlohmann::json::parse(writeoff.body);
  EXPECT_TRUE(held["held"].get<bool>());
  EXPECT_FALSE(held["postings"].empty()) << writeoff.body;
  EXPECT_EQ(nlohmann::json::parse(As(token_, "GET", "/api/approvals").body)["requests"].size(), 0u);
}

// Borrowers added and changed by an officer of the area, files imported and
// exported by an administrator, the network browsed level by level: each
// through the use case the command line calls, within the user's area.
TEST_F(AccessTest, BorrowersFilesAndTheNetworkOverHttp) {
  {
    auto connection = pool_->Acquire();
    ASSERT_TRUE(app::CloseTo(*connection, app::SystemContext(),
                             {*Date::Parse("2021-03-10"), nullptr, nullptr})
                    .ok());
  }
  const std::string officer = SignIn("can.bo.312"), other = SignIn("can.bo.313"),
                    auditor = SignIn("kiem.toan");
  const std::string added =
      R"({"code":"0000000077","name":"Đỗ Thị Mới","citizen_id":"031185000077",)"
      R"("birth_date":"1985-06-01","sex":"female","village_code":"11581001",)"
      R"("group_code":"0000001","valid_from":"2021-03-10"})";
  const auto made = As(officer, "POST", "/api/borrowers", added, {}, "b-1");
  ASSERT_EQ(made.status, 201) << made.body;
  EXPECT_EQ(Code(As(officer, "POST", "/api/borrowers", added, {}, "b-2")), "CODE_DUPLICATE");
  std::string elsewhere = added;
  elsewhere.replace(elsewhere.find("0000000077"), 10, "0000000078");
  elsewhere.replace(elsewhere.find("031185000077"), 12, "031185000078");
  EXPECT_EQ(Code(As(other, "POST", "/api/borrowers", elsewhere, {}, "b-3")), "GROUP_UNKNOWN");
  EXPECT_EQ(As(other, "POST", "/api/borrowers", elsewhere, {}, "b-3").status, 404);
  // Nothing about another office's group is told: not that it has a leader.
  std::string leader_elsewhere = elsewhere;
  leader_elsewhere.insert(leader_elsewhere.size() - 1, R"(,"role":"leader")");
  EXPECT_EQ(Code(As(other, "POST", "/api/borrowers", leader_elsewhere, {}, "b-3b")),
            "GROUP_UNKNOWN");
  EXPECT_EQ(Code(As(officer, "POST", "/api/borrowers",
                    R"({"code":"0000000079","name":"A","birth_date":"1985-06-01","sex":"female",)"
                    R"("group_code":"0000001","valid_from":"2021-03-10"})",
                    {}, "b-4")),
            "FIELD_REQUIRED");
  EXPECT_EQ(
      Code(As(officer, "POST", "/api/borrowers", R"({"code":"0000000079","nmae":"A"})", {}, "b-5")),
      "FIELD_UNKNOWN");
  std::string bad_id = elsewhere;
  bad_id.replace(bad_id.find("031185000078"), 12, "03118500007");
  const auto refused = As(officer, "POST", "/api/borrowers", bad_id, {}, "b-6");
  EXPECT_EQ(Code(refused), "CITIZEN_ID_FORMAT") << refused.body;
  EXPECT_NE(refused.body.find("\"field\":\"citizen_id\""), std::string::npos) << refused.body;
  const std::map<std::string, std::string> on{{"on", "2021-03-10"}};
  EXPECT_EQ(nlohmann::json::parse(As(officer, "GET", "/api/borrowers/0000000077", "", on).body)
                .value("group", ""),
            "0000001");
  // A deposit shows among the household's savings movements.
  const auto deposit =
      As(officer, "POST", "/api/borrowers/0000000077/savings",
         R"({"kind":"deposit","amount_dong":50000,"date":"2021-03-10"})", {}, "s-1");
  ASSERT_EQ(deposit.status, 201) << deposit.body;
  const auto saver =
      nlohmann::json::parse(As(officer, "GET", "/api/borrowers/0000000077", "", on).body);
  EXPECT_EQ(saver["savings_dong"], 50000);
  ASSERT_EQ(saver["savings_transactions"].size(), 1u) << saver.dump();
  EXPECT_EQ(saver["savings_transactions"][0]["kind"], "deposit");
  EXPECT_EQ(saver["savings_transactions"][0]["amount_dong"], 50000);
  EXPECT_TRUE(saver["savings_transactions"][0]["reversed_by"].is_null());
  EXPECT_TRUE(saver["reconciliations"].empty());
  // A page of a day before a loan's application does not show it.
  EXPECT_TRUE(
      nlohmann::json::parse(
          As(officer, "GET", "/api/borrowers/0000000001", "", {{"on", "2021-03-09"}}).body)["loans"]
          .empty());
  EXPECT_EQ(
      nlohmann::json::parse(As(officer, "GET", "/api/borrowers/0000000001", "", on).body)["loans"]
          .size(),
      1u);
  // A change from a later day keeps the version before.
  const std::string moved = R"({"address":"Số 9, phường Lê Lợi","valid_from":"2021-03-11"})";
  EXPECT_EQ(Code(As(other, "PUT", "/api/borrowers/0000000077", moved, {}, "e-1")),
            "BORROWER_UNKNOWN");
  const auto changed = As(officer, "PUT", "/api/borrowers/0000000077", moved, {}, "e-2");
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(Code(As(officer, "PUT", "/api/borrowers/0000000077",
                    R"({"citizen_id":"031185000099","valid_from":"2021-03-12"})", {}, "e-3")),
            "BORROWER_IDENTITY_CHANGED");
  EXPECT_EQ(Code(As(officer, "PUT", "/api/borrowers/0000000077", moved, {}, "e-4")),
            "VERSION_NOT_AFTER_CURRENT");
  EXPECT_EQ(nlohmann::json::parse(As(officer, "GET", "/api/borrowers/0000000077", "", on).body)
                .value("address", ""),
            "");
  EXPECT_EQ(nlohmann::json::parse(
                As(officer, "GET", "/api/borrowers/0000000077", "", {{"on", "2021-03-11"}}).body)
                .value("address", ""),
            "Số 9, phường Lê Lợi");
  // A field sent empty is cleared; a name cannot be.
  ASSERT_EQ(As(officer, "PUT", "/api/borrowers/0000000077",
               R"({"address":"","valid_from":"2021-03-13"})", {}, "e-5")
                .status,
            200);
  EXPECT_EQ(nlohmann::json::parse(
                As(officer, "GET", "/api/borrowers/0000000077", "", {{"on", "2021-03-13"}}).body)
                .value("address", "?"),
            "");
  EXPECT_EQ(nlohmann::json::parse(
                As(officer, "GET", "/api/borrowers/0000000077", "", {{"on", "2021-03-13"}}).body)
                .value("name", ""),
            "Đỗ Thị Mới");
  const auto nameless = As(officer, "PUT", "/api/borrowers/0000000077",
                           R"({"name":"","valid_from":"2021-03-14"})", {}, "e-6");
  EXPECT_EQ(nameless.status, 422) << nameless.body;
  // Files: an administrator's, all or nothing, once.
  auto csv = [&](const std::string& token, const std::string& path, const std::string& body,
                 const std::string& key) {
    Request r{"POST", path, {}, body};
    r.headers["authorization"] = "Bearer " + token;
    r.headers["content-type"] = "text/csv; charset=utf-8";
    r.headers["idempotency-key"] = key;
    return api_->Handle(r);
  };
  const std::string groups =
      "code,name,point_code,village_code,association,valid_from\n"
      "0000009,Tổ TK&VV TDP 2 – Hội Cựu chiến binh,P11581,11581002,veterans,2021-03-10\n";
  EXPECT_EQ(Code(csv(officer, "/api/imports/groups", groups, "i-0")), "FORBIDDEN");
  EXPECT_EQ(Code(As(token_, "POST", "/api/imports/groups", groups, {}, "i-0")),
            "CONTENT_TYPE_UNSUPPORTED");
  const auto bad = csv(token_, "/api/imports/groups",
                       "code,name,point_code,village_code,association,valid_from\n"
                       "0000010,Tổ A,P99999,11581002,veterans,2021-03-10\n"
                       "0000011,Tổ B,P11581,11581002,unions,2021-03-10\n",
                       "i-1");
  ASSERT_EQ(bad.status, 422) << bad.body;
  const auto listed = nlohmann::json::parse(bad.body);
  EXPECT_EQ(listed["code"], "IMPORT_REJECTED");
  ASSERT_EQ(listed["errors"].size(), 2u) << bad.body;
  EXPECT_EQ(listed["errors"][0]["line"], 2);
  EXPECT_EQ(listed["errors"][1]["field"], "association");
  const auto imported = csv(token_, "/api/imports/groups", groups, "i-2");
  ASSERT_EQ(imported.status, 201) << imported.body;
  EXPECT_EQ(nlohmann::json::parse(imported.body)["written"], 1);
  const auto twice = csv(token_, "/api/imports/groups", groups, "i-3");
  EXPECT_EQ(twice.status, 409);
  EXPECT_EQ(Code(twice), "FILE_ALREADY_IMPORTED");
  // Exports: administrators and auditors; citizen IDs masked for the auditor.
  EXPECT_EQ(Code(As(officer, "GET", "/api/exports/borrowers", "", on)), "FORBIDDEN");
  const auto full = As(token_, "GET", "/api/exports/borrowers", "", on);
  ASSERT_EQ(full.status, 200) << full.body;
  EXPECT_NE(full.body.find("031185000077"), std::string::npos);
  const auto masked = As(auditor, "GET", "/api/exports/borrowers", "", on);
  ASSERT_EQ(masked.status, 200) << masked.body;
  EXPECT_EQ(masked.body.find("031185000077"), std::string::npos);
  EXPECT_NE(masked.body.find(app::MaskCitizenId("031185000077")), std::string::npos);
  EXPECT_EQ(Code(As(token_, "GET", "/api/exports/loans", "", {{"on", "2030-01-01"}})),
            "DATE_AFTER_BUSINESS_DATE");
  const auto loans = As(auditor, "GET", "/api/exports/loans", "", on);
  ASSERT_EQ(loans.status, 200) << loans.body;
  EXPECT_NE(loans.body.find("L1,0000000001"), std::string::npos) << loans.body;
  // The network: the officer's own office by default, its points, a
  // point's groups, a group's members; another office is not there.
  const auto mine = nlohmann::json::parse(As(officer, "GET", "/api/network", "", on).body);
  EXPECT_EQ(mine["unit"]["code"], "PGD312");
  ASSERT_EQ(mine["children"].size(), 2u) << mine.dump();
  EXPECT_EQ(mine["children"][0]["code"], "P11581");
  EXPECT_EQ(mine["children"][0]["session_day"], 7);
  const auto point = nlohmann::json::parse(
      As(officer, "GET", "/api/network", "", {{"unit", "P11581"}, {"on", "2021-03-10"}}).body);
  std::set<std::string> group_codes;
  for (const auto& g : point["children"]) group_codes.insert(g["code"]);
  EXPECT_EQ(group_codes, (std::set<std::string>{"0000001", "0000002", "0000009"}));
  const auto members = nlohmann::json::parse(
      As(officer, "GET", "/api/network", "", {{"unit", "group:0000001"}, {"on", "2021-03-10"}})
          .body);
  std::set<std::string> member_codes;
  for (const auto& m : members["children"]) member_codes.insert(m["code"]);
  EXPECT_TRUE(member_codes.count("0000000077")) << members.dump();
  EXPECT_EQ(Code(As(officer, "GET", "/api/network", "", {{"unit", "PGD313"}})), "UNIT_UNKNOWN");
  const auto applied = nlohmann::json::parse(
      As(officer, "GET", "/api/loans", "", {{"office", "PGD312"}, {"status", "approved"}}).body);
  ASSERT_EQ(applied["loans"].size(), 1u) << applied.dump();
  EXPECT_EQ(applied["loans"][0]["code"], "L1");
  EXPECT_EQ(Code(As(officer, "GET", "/api/loans", "", {{"office", "PGD313"}})), "OFFICE_UNKNOWN");
  EXPECT_EQ(Code(As(officer, "GET", "/api/loans")), "LOAN_FILTER_REQUIRED");
  EXPECT_EQ(Code(As(officer, "GET", "/api/loans", "", {{"office", "PGD312"}, {"status", "open"}})),
            "LOAN_STATUS_UNKNOWN");
  const auto of_group =
      nlohmann::json::parse(As(officer, "GET", "/api/loans", "", {{"group", "0000001"}}).body);
  ASSERT_FALSE(of_group["loans"].empty()) << of_group.dump();
  EXPECT_EQ(of_group["loans"][0]["code"], "L1");
  EXPECT_EQ(Code(As(other, "GET", "/api/loans", "", {{"group", "0000001"}})), "GROUP_UNKNOWN");
  const auto programs = nlohmann::json::parse(As(officer, "GET", "/api/programs", "", on).body);
  ASSERT_FALSE(programs["programs"].empty()) << programs.dump();
  EXPECT_EQ(programs["programs"][0]["code"], "01");
  EXPECT_GT(programs["programs"][0]["max_amount_dong"].get<int64_t>(), 0);
  EXPECT_EQ(Code(As(officer, "GET", "/api/network", "", {{"unit", "national"}})), "UNIT_UNKNOWN");
  const auto leader = nlohmann::json::parse(
      As(SignIn("to.truong.3"), "GET", "/api/network", "", {{"unit", "P11584"}}).body);
  ASSERT_EQ(leader["children"].size(), 1u) << leader.dump();
  EXPECT_EQ(leader["children"][0]["code"], "0000003");
  // Each write in the audit trail, by whom.
  const auto trail = nlohmann::json::parse(As(auditor, "GET", "/api/audit").body)["records"];
  std::multiset<std::string> actions;
  for (const auto& r : trail)
    if (r["actor"] != "system")
      actions.insert(r["actor"].get<std::string>() + " " + r["action"].get<std::string>());
  EXPECT_EQ(actions.count("can.bo.312 borrower.add"), 1u) << trail.dump();
  EXPECT_EQ(actions.count("can.bo.312 borrower.edit"), 2u);
  EXPECT_EQ(actions.count("quan.tri import.groups"), 1u);
  // Exports are reads, but records leaving the bank are recorded too.
  EXPECT_EQ(actions.count("quan.tri export.borrowers"), 1u);
  EXPECT_EQ(actions.count("kiem.toan export.borrowers"), 1u);
  EXPECT_EQ(actions.count("kiem.toan export.loans"), 1u);
}

TEST_F(AccessTest, ACommuneSessionOverHttp) {
  {
    auto connection = pool_->Acquire();
    const app::Context system = app::SystemContext();
    ASSERT_TRUE(
        app::CloseTo(*connection, system, {*Date::Parse("2021-03-10"), nullptr, nullptr}).ok());
    ASSERT_TRUE(app::ActOnLoan(*connection, system,
                               {app::LoanActionKind::kDisburse, "L1", *Date::Parse("2021-03-10")})
                    .ok());
    ASSERT_TRUE(
        app::CloseTo(*connection, system, {*Date::Parse("2021-04-07"), nullptr, nullptr}).ok());
  }
  const std::string officer = SignIn("can.bo.312"), other = SignIn("can.bo.313"),
                    leader = SignIn("to.truong.3");
  const auto list = As(officer, "GET", "/api/sessions/P11581/2021-04-07");
  ASSERT_EQ(list.status, 200) << list.body;
  const auto doc = nlohmann::json::parse(list.body);
  EXPECT_EQ(doc["status"], "not_open");
  ASSERT_EQ(doc["groups"].size(), 1u) << list.body;
  const auto& line = doc["groups"][0]["lines"][0];
  EXPECT_EQ(line["loan"], "L1");
  const int64_t interest = line["interest_due_dong"];
  ASSERT_GT(interest, 1000);
  EXPECT_EQ(Code(As(other, "GET", "/api/sessions/P11581/2021-04-07")), "POINT_UNKNOWN");
  EXPECT_EQ(nlohmann::json::parse(As(leader, "GET", "/api/sessions/P11584/2021-04-07").body)
                .value("groups", nlohmann::json::array())
                .size(),
            0u);  // their point holds its session on the 12th
  EXPECT_EQ(Code(As(leader, "GET", "/api/sessions/P11581/2021-04-07")), "POINT_UNKNOWN");
  const std::string batch = R"({"lines":[{"group":"0000001","borrower":"0000000001","loan":"L1",)"
                            R"("interest_paid_dong":)" +
                            std::to_string(interest - 1000) + "}]}";
  const auto posted =
      As(officer, "POST", "/api/sessions/P11581/2021-04-07/batches", batch, {}, "s-1");
  ASSERT_EQ(posted.status, 200) << posted.body;
  const auto report = nlohmann::json::parse(posted.body);
  EXPECT_EQ(report["groups_posted"], 1);
  ASSERT_EQ(report["flagged"].size(), 1u) << posted.body;
  EXPECT_NE(report["flagged"][0]["what"].get<std::string>().find("short"), std::string::npos);
  const auto again =
      As(officer, "POST", "/api/sessions/P11581/2021-04-07/batches", batch, {}, "s-1");
  EXPECT_EQ(nlohmann::json::parse(again.body)["groups_repeated"], 1) << again.body;
  const auto bad =
      As(officer, "POST", "/api/sessions/P11581/2021-04-07/batches",
         R"({"lines":[{"group":"0000001","borrower":"0000000001","interest_paid_dong":-1}]})", {},
         "s-2");
  EXPECT_EQ(Code(bad), "AMOUNT_INVALID");
  EXPECT_NE(bad.body.find("lines[0].interest_paid_dong"), std::string::npos) << bad.body;
  const auto wrong_cash = As(officer, "POST", "/api/sessions/P11581/2021-04-07/close",
                             R"({"counted_dong":1})", {}, "c-1");
  EXPECT_EQ(Code(wrong_cash), "CASH_DIFFERENCE");
  const auto closed = As(officer, "POST", "/api/sessions/P11581/2021-04-07/close",
                         R"({"counted_dong":)" + std::to_string(interest - 1000) + "}", {}, "c-2");
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(nlohmann::json::parse(closed.body)["difference_dong"], 0);
  const auto trail = As(SignIn("kiem.toan"), "GET", "/api/audit", "", {{"action", "session"}});
  const auto records = nlohmann::json::parse(trail.body)["records"];
  ASSERT_EQ(records.size(), 2u) << trail.body;  // the batch (once), the closing
  EXPECT_EQ(records[0]["action"], "session.close");
  EXPECT_EQ(records[1]["action"], "session.post");
  EXPECT_EQ(records[1]["actor"], "can.bo.312");
}

// Every signed-in route × every role × a thing in the role's area and one
// outside it: 403 where the role may not, 404 (or nothing found) outside
// the area, and otherwise an answer of the use case (any status but 401,
// 403, 404). A route that is not in the table fails the test.
TEST_F(AccessTest, EveryRouteEveryRoleInAndOutOfArea) {
  {
    auto connection = pool_->Acquire();
    app::Context on_2021 = app::SystemContext();
    on_2021.on = *Date::Parse("2021-03-10");
    std::istringstream third(std::string(testing::kBorrowersHeader) +
                             testing::BorrowerRow(3, "Lê Văn Ba", "0000003"));
    ASSERT_TRUE(app::Import(*connection, on_2021, app::ImportKind::kBorrowers, third).ok());
    for (auto [login, role, scope, association] :
         {std::tuple{"hoa.pn", "association", "PGD312", "women"},
          std::tuple{"chi.nhanh", "branch", "CN31", ""},
          std::tuple{"ban.dai.dien", "board", "CN31", ""},
          std::tuple{"hoi.so", "head_office", "", ""}, std::tuple{"du.phong", "auditor", "", ""}})
      ASSERT_TRUE(
          app::AddUser(*connection, on_2021, {login, role, scope, association, "mat-khau-dai-1"})
              .ok())
          << login;
    for (auto [code, borrower] : {std::pair{"L4", "0000000002"}, std::pair{"L3", "0000000003"},
                                  std::pair{"A1", "0000000001"}, std::pair{"A4", "0000000002"},
                                  std::pair{"A3", "0000000003"}}) {
      app::LoanApplicationRequest loan;
      loan.code = code;
      loan.borrower_code = borrower;
      loan.program = "01";
      loan.amount = Money::Dong(10'000'000);
      loan.term_months = 24;
      loan.date = *Date::Parse("2021-03-10");
      ASSERT_TRUE((code[0] == 'L' ? app::ApproveLoan(*connection, app::SystemContext(), loan)
                                  : app::ApplyForLoan(*connection, app::SystemContext(), loan))
                      .ok())
          << code;
    }
  }
  // Savings for each household, and a reconciliation campaign of each
  // target's group.
  {
    auto connection = pool_->Acquire();
    ASSERT_TRUE(app::CloseTo(*connection, app::SystemContext(),
                             {*Date::Parse("2021-03-10"), nullptr, nullptr})
                    .ok());
    for (auto [borrower, group] :
         {std::pair{"0000000001", "0000001"}, std::pair{"0000000002", "0000004"},
          std::pair{"0000000003", "0000003"}}) {
      app::Context keyed = app::SystemContext();
      keyed.idempotency_key = std::string("s-") + borrower;
      ASSERT_TRUE(app::ActOnSavings(*connection, keyed,
                                    {app::SavingsActionKind::kDeposit, borrower,
                                     Money::Dong(50'000), *Date::Parse("2021-03-10")})
                      .ok())
          << borrower;
      const auto opened = app::OpenReconciliation(
          *connection, app::SystemContext(),
          {std::string("group:") + group, *Date::Parse("2021-03-10"), std::string("DC-") + group});
      ASSERT_TRUE(opened.ok()) << group << ": " << opened.error().ToString();
    }
  }
  // Write-offs waiting for a checker, one per target.
  std::map<std::string, int64_t> request_of;
  for (auto [maker, loan] : {std::pair{"can.bo.312", "L1"}, std::pair{"can.bo.313", "L4"},
                             std::pair{"can.bo.312", "L3"}}) {
    const auto held =
        As(SignIn(maker), "POST", std::string("/api/loans/") + loan + "/actions",
           R"({"kind":"writeoff","date":"2021-03-10"})", {}, std::string("w-") + loan);
    ASSERT_EQ(held.status, 202) << held.body;
    request_of[loan] = nlohmann::json::parse(held.body)["request"];
  }
  // The things: one of office PGD312's women's group, one of PGD313, one of
  // PGD312's veterans' group (group leader 0000003's).
  struct Target {
    const char* name;
    std::string borrower, group, loan, application, point, date, office;
  };
  const std::vector<Target> targets = {
      {"PGD312 women", "0000000001", "0000001", "L1", "A1", "P11581", "2021-04-07", "PGD312"},
      {"PGD313", "0000000002", "0000004", "L4", "A4", "P11587", "2021-04-09", "PGD313"},
      {"PGD312 group 3", "0000000003", "0000003", "L3", "A3", "P11584", "2021-04-12", "PGD312"}};
  // What each user's area holds of each thing, at the level a route asks:
  // a borrower (their group), a commune point, an office.
  enum Level { kBorrower, kPoint, kOffice, kNone };
  auto sees = [](const std::string& login, const Target& t, Level level) {
    if (level == kNone) return true;
    if (login == "quan.tri" || login == "hoi.so" || login == "kiem.toan" || login == "chi.nhanh" ||
        login == "ban.dai.dien")
      return true;
    if (login == "can.bo.312" || login == "giam.doc.312") return t.office == "PGD312";
    if (login == "can.bo.313") return t.office == "PGD313";
    if (login == "hoa.pn")
      return t.office == "PGD312" && (level != kBorrower || t.group == "0000001");
    if (login == "to.truong.3") return level != kOffice && t.group == "0000003";
    return false;
  };
  const std::map<std::string, std::string> roles = {
      {"quan.tri", "admin"},        {"hoi.so", "head_office"}, {"kiem.toan", "auditor"},
      {"chi.nhanh", "branch"},      {"ban.dai.dien", "board"}, {"can.bo.312", "officer"},
      {"giam.doc.312", "director"}, {"can.bo.313", "officer"}, {"hoa.pn", "association"},
      {"to.truong.3", "leader"}};
  struct Case {
    std::string method, route;  // as Api::Routes() names it
    const char* permission;     // RULES §14.2, or "national"
    Level level;
    std::function<Request(const Target&, int)> make;
  };
  auto request = [](std::string method, std::string path, std::string body = "",
                    std::map<std::string, std::string> params = {}) {
    Request r{std::move(method), std::move(path), std::move(params), std::move(body)};
    if (!r.body.empty()) r.headers["content-type"] = "application/json";
    return r;
  };
  const std::string on = "2021-03-10";
  const std::vector<Case> cases = {
      {"GET", "/api/network/summary", "national", kNone,
       [&](const Target&, int) {
         return request("GET", "/api/network/summary", "", {{"on", on}});
       }},
      {"GET", "/api/borrowers", "read", kBorrower,
       [&](const Target& t, int) {
         return request("GET", "/api/borrowers", "", {{"q", t.borrower}, {"on", on}});
       }},
      {"GET", "/api/borrowers/{code}", "read", kBorrower,
       [&](const Target& t, int) {
         return request("GET", "/api/borrowers/" + t.borrower, "", {{"on", on}});
       }},
      {"POST", "/api/borrowers", "lend", kBorrower,
       [&](const Target& t, int n) {
         char code[16], citizen[16];
         std::snprintf(code, sizeof code, "%010d", 900000 + n);
         std::snprintf(citizen, sizeof citizen, "031185%06d", 900000 + n);
         return request("POST", "/api/borrowers",
                        std::string(R"({"code":")") + code +
                            R"(","name":"Đỗ Thị Mới","citizen_id":")" + citizen +
                            R"(","birth_date":"1985-06-01","sex":"female",)" +
                            R"("village_code":"11581001","group_code":")" + t.group +
                            R"(","valid_from":"2021-03-10"})");
       }},
      {"PUT", "/api/borrowers/{code}", "lend", kBorrower,
       [&](const Target& t, int) {
         return request("PUT", "/api/borrowers/" + t.borrower,
                        R"({"address":"Số 2, phường Lê Lợi","valid_from":"2021-03-10"})");
       }},
      {"GET", "/api/network", "read", kPoint,
       [&](const Target& t, int) {
         return request("GET", "/api/network", "", {{"unit", "point:" + t.point}, {"on", on}});
       }},
      {"GET", "/api/loans", "read", kBorrower,
       [&](const Target& t, int) {
         return request("GET", "/api/loans", "", {{"group", t.group}, {"status", "applied"}});
       }},
      {"GET", "/api/programs", "read", kNone,
       [&](const Target&, int) {
         return request("GET", "/api/programs", "", {{"on", on}});
       }},
      {"POST", "/api/imports/{kind}", "operate", kNone,
       [&](const Target&, int) {
         Request r = request("POST", "/api/imports/groups", "code,name\n");
         r.headers["content-type"] = "text/csv";
         return r;
       }},
      {"GET", "/api/exports/{kind}", "export", kNone,
       [&](const Target&, int) {
         return request("GET", "/api/exports/groups", "", {{"on", on}});
       }},
      {"POST", "/api/borrowers/{code}/savings", "lend", kBorrower,
       [&](const Target& t, int) {
         return request("POST", "/api/borrowers/" + t.borrower + "/savings",
                        R"({"kind":"deposit","amount_dong":10000,"date":"2021-03-10"})");
       }},
      {"GET", "/api/reports/{name}", "report", kOffice,
       [&](const Target& t, int) {
         return request("GET", "/api/reports/headline", "", {{"unit", t.office}, {"at", on}});
       }},
      {"POST", "/api/loans", "lend", kBorrower,
       [&](const Target& t, int n) {
         return request(
             "POST", "/api/loans",
             R"({"code":"N)" + std::to_string(n) + R"(","borrower":")" + t.borrower +
                 R"(","program":"01","amount_dong":5000000,"term_months":12,"date":"2021-03-10"})");
       }},
      {"GET", "/api/loans/{code}", "read", kBorrower,
       [&](const Target& t, int) {
         return request("GET", "/api/loans/" + t.loan, "", {{"on", on}});
       }},
      {"POST", "/api/loans/{code}/decision", "decide", kBorrower,
       [&](const Target& t, int) {
         return request("POST", "/api/loans/" + t.application + "/decision",
                        R"({"approve":false,"reason":"thử","date":"2021-03-10"})");
       }},
      {"POST", "/api/loans/{code}/actions", "lend", kBorrower,
       [&](const Target& t, int) {
         return request("POST", "/api/loans/" + t.loan + "/actions",
                        R"({"kind":"pay","amount_dong":1000,"date":"2021-03-10"})");
       }},
      {"POST", "/api/loans/{code}/preview", "lend", kBorrower,
       [&](const Target& t, int) {
         return request("POST", "/api/loans/" + t.loan + "/preview",
                        R"({"kind":"pay","amount_dong":1000,"date":"2021-03-10"})");
       }},
      {"GET", "/api/sessions/calendar", "read", kOffice,
       [&](const Target& t, int) {
         return request("GET", "/api/sessions/calendar", "",
                        {{"office", t.office}, {"month", "2021-04"}});
       }},
      {"GET", "/api/sessions/{point}/{date}", "read", kPoint,
       [&](const Target& t, int) {
         return request("GET", "/api/sessions/" + t.point + "/" + t.date);
       }},
      {"GET", "/api/sessions/{point}/{date}/due", "read", kPoint,
       [&](const Target& t, int) {
         return request("GET", "/api/sessions/" + t.point + "/" + t.date + "/due");
       }},
      {"POST", "/api/sessions/{point}/{date}/open", "lend", kPoint,
       [&](const Target& t, int) {
         return request("POST", "/api/sessions/" + t.point + "/" + t.date + "/open");
       }},
      {"POST", "/api/sessions/{point}/{date}/batches", "lend", kPoint,
       [&](const Target& t, int) {
         return request("POST", "/api/sessions/" + t.point + "/" + t.date + "/batches",
                        R"({"lines":[{"group":")" + t.group + R"(","borrower":")" + t.borrower +
                            R"(","savings_paid_dong":10000}]})");
       }},
      {"POST", "/api/sessions/{point}/{date}/close", "lend", kPoint,
       [&](const Target& t, int) {
         return request("POST", "/api/sessions/" + t.point + "/" + t.date + "/close",
                        R"({"counted_dong":0})");
       }},
      {"GET", "/api/approvals", "read", kNone,
       [&](const Target&, int) { return request("GET", "/api/approvals"); }},
      {"POST", "/api/approvals/{id}", "approve", kBorrower,
       [&](const Target& t, int) {
         return request("POST", "/api/approvals/" + std::to_string(request_of[t.loan]),
                        R"({"approve":false,"reason":"thử"})");
       }},
      {"POST", "/api/reconciliations", "lend", kBorrower,
       [&](const Target& t, int) {
         return request("POST", "/api/reconciliations",
                        R"({"unit":"group:)" + t.group + R"(","as_of":"2021-03-10"})");
       }},
      {"GET", "/api/reconciliations/{code}", "read", kBorrower,
       [&](const Target& t, int) { return request("GET", "/api/reconciliations/DC-" + t.group); }},
      {"POST", "/api/reconciliations/{code}/answers", "entrusted", kBorrower,
       [&](const Target& t, int) {
         return request("POST", "/api/reconciliations/DC-" + t.group + "/answers",
                        R"({"borrower":")" + t.borrower + R"(","confirmed":false,"note":"thử"})");
       }},
      {"POST", "/api/reconciliations/{code}/resolutions", "lend", kBorrower,
       [&](const Target& t, int) {
         return request("POST", "/api/reconciliations/DC-" + t.group + "/resolutions",
                        R"({"borrower":")" + t.borrower + R"(","resolution":"đã đối chiếu lại"})");
       }},
      {"GET", "/api/reconciliations/{code}/progress", "report", kBorrower,
       [&](const Target& t, int) {
         return request("GET", "/api/reconciliations/DC-" + t.group + "/progress", "",
                        {{"by", "group"}});
       }},
      {"POST", "/api/ratings/{month}", "operate", kNone,
       [&](const Target&, int) { return request("POST", "/api/ratings/2021-02"); }},
      {"POST", "/api/fees/{month}", "operate", kNone,
       [&](const Target&, int) { return request("POST", "/api/fees/2021-02"); }},
      {"GET", "/api/fees/{month}", "report", kBorrower,
       [&](const Target& t, int) {
         return request("GET", "/api/fees/2021-02", "", {{"group", t.group}});
       }},
      {"GET", "/api/inspections/new-loans", "read", kOffice,
       [&](const Target& t, int) {
         return request("GET", "/api/inspections/new-loans", "",
                        {{"office", t.office}, {"on", on}});
       }},
      {"GET", "/api/inspections/dormant", "read", kOffice,
       [&](const Target& t, int) {
         return request("GET", "/api/inspections/dormant", "", {{"office", t.office}, {"on", on}});
       }},
      {"POST", "/api/inspections/plans", "lend", kOffice,
       [&](const Target& t, int) {
         return request("POST", "/api/inspections/plans",
                        R"({"unit":"office:)" + t.office + R"(","year":2021})");
       }},
      {"GET", "/api/inspections/plans/{year}", "read", kNone,
       [&](const Target&, int) { return request("GET", "/api/inspections/plans/2021"); }},
      {"POST", "/api/inspections", "entrusted", kBorrower,
       [&](const Target& t, int) {
         return request("POST", "/api/inspections",
                        R"({"loan":")" + t.loan + R"(","result":"ok","date":"2021-03-10"})");
       }},
      {"POST", "/api/plans", "plan", kOffice,
       [&](const Target& t, int) {
         return request(
             "POST", "/api/plans",
             R"({"year":2021,"unit":")" + t.office + R"(","program":"01","amount_dong":1000000})");
       }},
      {"GET", "/api/plans/{year}", "report", kOffice,
       [&](const Target& t, int) {
         return request("GET", "/api/plans/2021", "", {{"unit", t.office}, {"at", on}});
       }},
      {"POST", "/api/programs/{code}/rates", "settings", kNone,
       [&](const Target&, int) {
         return request("POST", "/api/programs/01/rates",
                        R"({"from":"2021-04-01","rate_percent":"0,66"})");
       }},
      {"POST", "/api/programs/{code}/limits", "settings", kNone,
       [&](const Target&, int) {
         return request("POST", "/api/programs/01/limits",
                        R"({"from":"2021-04-01","max_amount_dong":100000000})");
       }},
      {"POST", "/api/savings/rates", "settings", kNone,
       [&](const Target&, int) {
         return request("POST", "/api/savings/rates",
                        R"({"from":"2021-04-01","rate_percent":"0,2"})");
       }},
      {"PUT", "/api/settings/{name}", "settings", kNone,
       [&](const Target&, int) {
         return request("PUT", "/api/settings/approval.officer_limit",
                        R"({"from":"2021-04-01","value":"50000000"})");
       }},
      {"POST", "/api/holidays", "settings", kNone,
       [&](const Target&, int) {
         return request("POST", "/api/holidays",
                        R"({"date":"2021-09-03","name_vi":"Nghỉ bù","name_en":"Day off"})");
       }},
      {"GET", "/api/audit", "read_audit", kNone,
       [&](const Target&, int) { return request("GET", "/api/audit"); }},
      {"GET", "/api/users", "manage_users", kNone,
       [&](const Target&, int) { return request("GET", "/api/users"); }},
      {"POST", "/api/users", "manage_users", kNone,
       [&](const Target&, int n) {
         return request("POST", "/api/users",
                        R"({"login":"moi.)" + std::to_string(n) +
                            R"(","role":"auditor","password":"mat-khau-dai-1"})");
       }},
      {"PATCH", "/api/users/{login}", "manage_users", kNone,
       [&](const Target&, int) {
         return request("PATCH", "/api/users/du.phong", R"({"role":"auditor"})");
       }},
  };
  // The routes only about the signed-in user themselves.
  const std::set<std::string> own = {"GET /api/session", "DELETE /api/session",
                                     "POST /api/session/password"};
  std::set<std::string> covered = own;
  for (const auto& c : cases) covered.insert(c.method + " " + c.route);
  for (const auto& route : Api::Routes())
    if (route.signed_in)
      EXPECT_TRUE(covered.count(route.method + " " + route.path))
          << route.method << " " << route.path << " has no line in the authorization table";
  std::map<std::string, std::string> tokens;
  for (const auto& [login, role] : roles) tokens[login] = SignIn(login);
  int n = 0;
  for (const auto& c : cases)
    for (const auto& [login, role] : roles)
      for (const auto& t : targets) {
        Request r = c.make(t, ++n);
        r.headers["authorization"] = "Bearer " + tokens[login];
        r.headers["idempotency-key"] = "m-" + std::to_string(n);
        const Response answer = api_->Handle(r);
        const std::string what = c.method + " " + c.route + " as " + login + " (" + role + ") on " +
                                 t.name + ": " + std::to_string(answer.status) + " " +
                                 answer.body.substr(0, 200);
        const std::string permission = c.permission;
        bool allowed;
        if (permission == "national")
          allowed = role == "admin" || role == "head_office" || role == "auditor";
        else if (permission == "export")
          allowed = app::MayExport({login, role, "", 0}).ok();
        else if (permission == "decide")
          allowed = app::Allows({login, role, "", 0}, app::Permission::kApprove) ||
                    app::Allows({login, role, "", 0}, app::Permission::kLend);
        else {
          const auto names = app::PermissionNames(role);
          allowed = std::find(names.begin(), names.end(), permission) != names.end();
        }
        EXPECT_NE(answer.status, 401) << what;
        if (!allowed) {
          EXPECT_EQ(answer.status, 403) << what;
          continue;
        }
        if (c.method == "GET" && c.route == "/api/borrowers") {  // a search: found, or nothing
          const auto found = nlohmann::json::parse(answer.body)["borrowers"];
          EXPECT_EQ(found.size(), sees(login, t, c.level) ? 1u : 0u) << what;
          continue;
        }
        if (!sees(login, t, c.level))
          EXPECT_EQ(answer.status, 404) << what;
        else
          EXPECT_TRUE(answer.status != 403 && answer.status != 404) << what;
      }
  EXPECT_EQ(n, static_cast<int>(cases.size() * roles.size() * targets.size()));
  EXPECT_GE(n, 600);
}

// docs/openapi.json describes the routes the server has: each route once,
// nothing else, public ones marked so, writes with their Idempotency-Key.
TEST(OpenApi, TheDocumentIsTheServersRoutes) {
  std::ifstream in("docs/openapi.json");
  ASSERT_TRUE(in.good()) << "docs/openapi.json (the tests run from the source tree)";
  const auto doc = nlohmann::json::parse(in, nullptr, false);
  ASSERT_FALSE(doc.is_discarded());
  EXPECT_EQ(doc["openapi"], "3.1.0");
  std::set<std::string> documented;
  for (const auto& [path, item] : doc["paths"].items())
    for (const auto& [method, operation] : item.items()) {
      std::string upper = method;
      for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      documented.insert(upper + " " + path);
      EXPECT_TRUE(operation.contains("responses")) << upper << " " << path;
    }
  std::set<std::string> served;
  for (const auto& route : Api::Routes()) {
    const std::string key = route.method + " " + route.path;
    served.insert(key);
    ASSERT_TRUE(documented.count(key)) << key << " is served but not in docs/openapi.json";
    std::string method = route.method;
    for (char& ch : method) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    const auto& operation = doc["paths"][route.path][method];
    const bool public_route = operation.contains("security") && operation["security"].empty();
    EXPECT_EQ(public_route, !route.signed_in) << key;
    if (route.writes && route.path.rfind("/api/session", 0) != 0) {
      bool has_key = false;
      for (const auto& p : operation.value("parameters", nlohmann::json::array()))
        has_key = has_key || p.value("name", "") == "Idempotency-Key";
      EXPECT_TRUE(has_key) << key << " needs its Idempotency-Key parameter";
    }
  }
  for (const auto& key : documented)
    EXPECT_TRUE(served.count(key)) << key << " is in docs/openapi.json but not served";
}

}  // namespace
}  // namespace tdcs::http
