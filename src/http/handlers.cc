#include "http/handlers.h"

#include <cstdio>
#include <functional>
#include <nlohmann/json.hpp>
#include <regex>
#include <vector>

#include "app/books.h"
#include "app/find.h"
#include "app/loans.h"
#include "base/date.h"
#include "base/embedded.h"
#include "base/result.h"
#include "http/json_views.h"

namespace tdcs::http {

// The wire string of each rejection code (docs/API.md "Error codes").
#define TDCS_HTTP_REJECTIONS(X)              \
  X(kDateRequired, "DATE_REQUIRED")          \
  X(kDateFormat, "DATE_FORMAT")              \
  X(kQueryInvalid, "QUERY_INVALID")          \
  X(kNotFound, "NOT_FOUND")                  \
  X(kMethodNotAllowed, "METHOD_NOT_ALLOWED") \
  X(kRequestTooLarge, "REQUEST_TOO_LARGE")   \
  X(kBadRequest, "BAD_REQUEST")              \
  X(kStorageFault, "STORAGE_FAULT")          \
  X(kInternalError, "INTERNAL_ERROR")
TDCS_DEFINE_REJECTIONS(HttpRejection, TDCS_HTTP_REJECTIONS)
#undef TDCS_HTTP_REJECTIONS

namespace {

using nlohmann::json;

constexpr size_t kMaxQueryBytes = 200;

Response Json(int status, const json& body) {
  return Response{status, "application/json", body.dump()};
}

Response ErrorResponse(int status, const Error& e) {
  return Json(status, json{{"code", e.code},
                           {"field", e.field},
                           {"message_vi", e.message_vi},
                           {"message_en", e.message_en}});
}

// The status a rejection is answered with.
int StatusOf(const Error& e) {
  if (e.code == RejectionKey(app::LoanViewRejection::kLoanUnknown) ||
      e.code == RejectionKey(app::LoanViewRejection::kBorrowerUnknown))
    return 404;
  if (e.code == RejectionKey(app::LoanActionRejection::kIdempotencyKeyReused)) return 409;
  return 400;
}

// The date a read is for: ?on=YYYY-MM-DD, else the bank's business date.
Result<Date> DateParam(app::Connection& connection, const Request& request) {
  if (auto it = request.params.find("on"); it != request.params.end()) {
    auto parsed = Date::Parse(it->second);
    if (!parsed)
      return MakeError(HttpRejection::kDateFormat, "on", "Ngày không hợp lệ (YYYY-MM-DD)",
                       "Invalid date (YYYY-MM-DD)");
    return *parsed;
  }
  auto today = app::BusinessDate(connection);
  if (!today)
    return MakeError(HttpRejection::kDateRequired, "on",
                     "Chưa có ngày làm việc: hãy cho biết ngày (?on=YYYY-MM-DD)",
                     "No business date yet: give the date (?on=YYYY-MM-DD)");
  return *today;
}

Response NetworkSummary(app::Connection& connection, const Request& request) {
  auto on = DateParam(connection, request);
  if (!on.ok()) return ErrorResponse(400, on.error());
  const auto c = app::CountNetwork(connection, app::SystemContext(), on.value());
  return Json(200, json{{"on", on.value().ToIso()},
                        {"branches", c.branches},
                        {"offices", c.offices},
                        {"seats", c.seats},
                        {"points", c.points},
                        {"villages", c.villages},
                        {"groups", c.groups},
                        {"borrowers", c.borrowers},
                        {"memberships", c.memberships},
                        {"association_units", c.association_units}});
}

Response FindBorrowers(app::Connection& connection, const Request& request) {
  auto it = request.params.find("q");
  const std::string q = it == request.params.end() ? "" : it->second;
  if (q.empty() || q.size() > kMaxQueryBytes)
    return ErrorResponse(
        400, MakeError(HttpRejection::kQueryInvalid, "q", "Cần từ khóa tìm kiếm (tối đa 200 byte)",
                       "A search query is required (at most 200 bytes)"));
  auto found = app::FindBorrowers(connection, app::SystemContext(), q);
  json list = json::array();
  for (const auto& b : found.borrowers)
    list.push_back({{"code", b.code},
                    {"name", b.name},
                    {"citizen_id", app::MaskCitizenId(b.citizen_id)},
                    {"birth_date", b.birth_date.ToIso()},
                    {"sex", b.sex}});
  return Json(200, json{{"borrowers", list}, {"more", found.more}});
}

Response ViewLoan(app::Connection& connection, const Request& request, const std::string& code) {
  auto on = DateParam(connection, request);
  if (!on.ok()) return ErrorResponse(400, on.error());
  auto details = app::ShowLoan(connection, app::SystemContext(), code, on.value());
  if (!details.ok()) return ErrorResponse(StatusOf(details.error()), details.error());
  return Response{200, "application/json", LoanDetailsJson(details.value())};
}

// A route: method, path pattern (the whole path), handler with the captures.
struct Route {
  const char* method;
  std::regex pattern;
  std::function<Response(app::Connection&, const Request&, const std::smatch&)> handle;
};

const std::vector<Route>& Routes() {
  static const std::vector<Route> routes = {
      {"GET", std::regex("/api/network/summary"),
       [](app::Connection& c, const Request& r, const std::smatch&) {
         return NetworkSummary(c, r);
       }},
      {"GET", std::regex("/api/borrowers"),
       [](app::Connection& c, const Request& r, const std::smatch&) {
         return FindBorrowers(c, r);
       }},
      {"GET", std::regex("/api/loans/([A-Za-z0-9_-]{1,32})"),
       [](app::Connection& c, const Request& r, const std::smatch& m) {
         return ViewLoan(c, r, m[1].str());
       }},
  };
  return routes;
}

}  // namespace

Response Api::Handle(const Request& request) {
  if (request.method == "GET" && request.path == "/")
    return Response{200, "text/html; charset=utf-8", std::string(EmbeddedData("index.html"))};
  if (request.method == "GET" && request.path == "/api/health")
    return Json(200, json{{"status", "ok"}});
  bool path_known = false;
  for (const auto& route : Routes()) {
    std::smatch match;
    if (!std::regex_match(request.path, match, route.pattern)) continue;
    path_known = true;
    if (request.method != route.method) continue;
    try {
      auto connection = pool_.Acquire();
      return route.handle(*connection, request, match);
    } catch (const RetryableFault& fault) {
      std::fprintf(stderr, "%s %s: %s\n", request.method.c_str(), request.path.c_str(),
                   fault.what());
      return ErrorResponse(
          503, MakeError(HttpRejection::kStorageFault, "", "Lỗi hệ thống lưu trữ, hãy thử lại",
                         "Storage fault, try again"));
    } catch (const StorageFault& fault) {
      std::fprintf(stderr, "%s %s: %s\n", request.method.c_str(), request.path.c_str(),
                   fault.what());
      return ErrorResponse(
          503, MakeError(HttpRejection::kStorageFault, "", "Lỗi hệ thống lưu trữ, hãy thử lại",
                         "Storage fault, try again"));
    } catch (const std::exception& fault) {
      std::fprintf(stderr, "%s %s: %s\n", request.method.c_str(), request.path.c_str(),
                   fault.what());
      return ErrorResponse(
          500, MakeError(HttpRejection::kInternalError, "", "Lỗi hệ thống", "Internal error"));
    }
  }
  if (path_known)
    return ErrorResponse(405, MakeError(HttpRejection::kMethodNotAllowed, "",
                                        "Phương thức không được hỗ trợ", "Method not allowed"));
  return ErrorResponse(
      404, MakeError(HttpRejection::kNotFound, "", "Không có địa chỉ này", "No such address"));
}

}  // namespace tdcs::http
