#include "http/handlers.h"

#include <cstdio>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <vector>

#include "app/books.h"
#include "app/find.h"
#include "app/health.h"
#include "app/loans.h"
#include "app/reports.h"
#include "base/date.h"
#include "base/embedded.h"
#include "base/fault.h"
#include "base/result.h"
#include "http/json_views.h"

namespace tdcs::http {

// The wire string of each rejection code (docs/API.md "Error codes").
#define TDCS_HTTP_REJECTIONS(X)                   \
  X(kDateRequired, "DATE_REQUIRED")               \
  X(kDateFormat, "DATE_FORMAT")                   \
  X(kQueryInvalid, "QUERY_INVALID")               \
  X(kNotFound, "NOT_FOUND")                       \
  X(kMethodNotAllowed, "METHOD_NOT_ALLOWED")      \
  X(kRequestTooLarge, "REQUEST_TOO_LARGE")        \
  X(kUriTooLong, "URI_TOO_LONG")                  \
  X(kHeadersTooLarge, "HEADERS_TOO_LARGE")        \
  X(kEncodingUnsupported, "ENCODING_UNSUPPORTED") \
  X(kBadRequest, "BAD_REQUEST")                   \
  X(kStorageFault, "STORAGE_FAULT")               \
  X(kDatabaseUnreachable, "DATABASE_UNREACHABLE") \
  X(kInternalError, "INTERNAL_ERROR")
TDCS_DEFINE_REJECTIONS(HttpRejection, TDCS_HTTP_REJECTIONS)
#undef TDCS_HTTP_REJECTIONS

namespace {

using nlohmann::json;

constexpr size_t kMaxQueryBytes = 200;

Response Json(int status, const json& body) {
  return Response{status, "application/json", body.dump()};
}

// The value of a hexadecimal digit, or -1.
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX escapes decoded (and '+' as a space when `plus_is_space`); nullopt
// for a '%' not followed by two hexadecimal digits.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int high = HexValue(text[i + 1]), low = HexValue(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// The status of each code that is not 422 (HttpStatusOf).
const std::map<std::string, int, std::less<>>& StatusOfCode() {
  static const auto* statuses = [] {
    auto* map = new std::map<std::string, int, std::less<>>;
    auto set = [map](auto code, int status) { (*map)[std::string(RejectionKey(code))] = status; };
    for (auto code : {HttpRejection::kDateRequired, HttpRejection::kDateFormat,
                      HttpRejection::kQueryInvalid, HttpRejection::kBadRequest})
      set(code, 400);
    set(app::LoanViewRejection::kLoanFilterRequired, 400);
    set(app::LoanApplicationRejection::kLoanCodeFormat, 400);
    set(HttpRejection::kNotFound, 404);
    for (auto code :
         {app::LoanViewRejection::kLoanUnknown, app::LoanViewRejection::kBorrowerUnknown,
          app::LoanViewRejection::kGroupUnknown, app::LoanViewRejection::kOfficeUnknown,
          app::LoanViewRejection::kLoanNotYetApplied})
      set(code, 404);
    set(HttpRejection::kMethodNotAllowed, 405);
    set(app::LoanActionRejection::kIdempotencyKeyReused, 409);
    set(HttpRejection::kRequestTooLarge, 413);
    set(HttpRejection::kUriTooLong, 414);
    set(HttpRejection::kEncodingUnsupported, 415);
    set(HttpRejection::kHeadersTooLarge, 431);
    set(HttpRejection::kInternalError, 500);
    set(HttpRejection::kStorageFault, 503);
    set(HttpRejection::kDatabaseUnreachable, 503);
    return map;
  }();
  return *statuses;
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
  if (!on.ok()) return ErrorAnswer(on.error());
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
    return ErrorAnswer(MakeError(HttpRejection::kQueryInvalid, "q",
                                 "Cần từ khóa tìm kiếm (tối đa 200 byte)",
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

// The headline report (docs/API.md "Reports"): ?unit=&at=&from=&structure=
// &association=&program=&fund=, as `tdcs report headline --format json`.
Response HeadlineReport(app::Connection& connection, const Request& request) {
  auto text = [&](const char* name) {
    auto it = request.params.find(name);
    return it == request.params.end() ? std::string() : it->second;
  };
  app::ReportRequest r;
  if (!text("unit").empty()) r.unit = text("unit");
  for (const char* name : {"at", "from", "structure"}) {
    const std::string value = text(name);
    if (value.empty()) continue;
    auto parsed = Date::Parse(value);
    if (!parsed)
      return ErrorAnswer(MakeError(HttpRejection::kDateFormat, name,
                                   "Ngày không hợp lệ (YYYY-MM-DD)", "Invalid date (YYYY-MM-DD)"));
    if (std::string_view(name) == "at") r.at = *parsed;
    if (std::string_view(name) == "from") r.from = *parsed;
    if (std::string_view(name) == "structure") r.structure_on = *parsed;
  }
  if (text("at").empty()) {
    auto today = app::BusinessDate(connection);
    if (!today)
      return ErrorAnswer(MakeError(app::ReportRejection::kBusinessDateMissing, "at",
                                   "Chưa có ngày làm việc: hãy cho biết ngày (?at=YYYY-MM-DD)",
                                   "No business date yet: give the date (?at=YYYY-MM-DD)"));
    r.at = *today;
  }
  r.association = text("association");
  r.program = text("program");
  const std::string fund = text("fund");
  if (!fund.empty()) {
    if (fund != "1" && fund != "2")
      return ErrorAnswer(MakeError(app::ReportRejection::kFundSourceUnknown, "fund",
                                   "Nguồn vốn là 1 (trung ương) hoặc 2 (ngân sách địa phương)",
                                   "A fund source is 1 (central) or 2 (local budget)"));
    r.fund_source = fund == "1" ? 1 : 2;
  }
  auto report = app::Headline(connection, app::SystemContext(), r);
  if (!report.ok()) return ErrorAnswer(report.error());
  return Response{200, "application/json", HeadlineJson(report.value())};
}

Response ViewLoan(app::Connection& connection, const Request& request, const std::string& code) {
  auto on = DateParam(connection, request);
  if (!on.ok()) return ErrorAnswer(on.error());
  auto details = app::ShowLoan(connection, app::SystemContext(), code, on.value());
  if (!details.ok()) return ErrorAnswer(details.error());
  return Response{200, "application/json", LoanDetailsJson(details.value())};
}

// The pools a route may use: `main` (--db), and `read` (--read-db, or main).
struct Pools {
  app::ConnectionPool& main;
  app::ConnectionPool* read;  // null without --read-db
};

json LagSeconds(const std::optional<int64_t>& microseconds) {
  if (!microseconds) return nullptr;
  return static_cast<double>(*microseconds) / 1e6;
}

json HealthJson(const app::DatabaseHealth& h) {
  json out{{"engine", h.postgres ? "postgresql" : "sqlite"}, {"reachable", h.reachable}};
  if (!h.reachable || !h.postgres) return out;
  out["role"] = h.standby ? "standby" : "primary";
  if (h.standby) {
    out["replay_delay_seconds"] = LagSeconds(h.replay_delay_us);
    out["receiving"] = h.receiver_status.empty() ? json(nullptr) : json(h.receiver_status);
    return out;
  }
  json standbys = json::array();
  for (const auto& s : h.standbys)
    standbys.push_back({{"name", s.name},
                        {"client", s.client},
                        {"state", s.state},
                        {"sync_state", s.sync_state},
                        {"write_lag_seconds", LagSeconds(s.write_lag_us)},
                        {"flush_lag_seconds", LagSeconds(s.flush_lag_us)},
                        {"replay_lag_seconds", LagSeconds(s.replay_lag_us)}});
  out["standbys"] = standbys;
  return out;
}

// Whether the server can reach its databases: 200 when it can, 503
// DATABASE_UNREACHABLE (the health document with the error's fields) when
// one of them does not answer; why goes to the log.
Response Health(const Pools& pools) {
  const auto main = app::CheckHealth(pools.main);
  json body{{"status", "ok"}, {"database", HealthJson(main)}};
  std::optional<app::DatabaseHealth> read;
  if (pools.read) {
    read = app::CheckHealth(*pools.read);
    body["read_database"] = HealthJson(*read);
  }
  const bool main_down = !main.reachable, read_down = read && !read->reachable;
  if (!main_down && !read_down) return Json(200, body);
  if (main_down) std::fprintf(stderr, "GET /api/health: %s\n", main.fault.c_str());
  if (read_down) std::fprintf(stderr, "GET /api/health: --read-db: %s\n", read->fault.c_str());
  const Error error =
      main_down ? MakeError(HttpRejection::kDatabaseUnreachable, "database",
                            "Không kết nối được cơ sở dữ liệu", "The database cannot be reached")
                : MakeError(HttpRejection::kDatabaseUnreachable, "read_database",
                            "Không kết nối được cơ sở dữ liệu đọc (--read-db)",
                            "The read database (--read-db) cannot be reached");
  body["status"] = "unavailable";
  body["code"] = error.code;
  body["field"] = error.field;
  body["message_vi"] = error.message_vi;
  body["message_en"] = error.message_en;
  return Json(HttpStatusOf(error), body);
}

// A route: method, path pattern (the whole path), whether it only reads the
// books, handler with the captures. Handlers that read the books borrow a
// connection for the call only: from the read pool (`tdcs serve --read-db`,
// a hot standby) when the route only reads, from the main pool otherwise.
struct Route {
  const char* method;
  std::regex pattern;
  bool reads;
  std::function<Response(const Pools&, app::ConnectionPool&, const Request&, const std::smatch&)>
      handle;
};

// Runs `handler` on a connection of `pool`. A read that finds its connection
// lost (the database restarted since the connection was last used) runs
// once more on a new one: it wrote nothing, so running it again is safe.
template <typename Handler>
auto WithConnection(Handler handler) {
  return [handler](const Pools&, app::ConnectionPool& pool, const Request& request,
                   const std::smatch& match) {
    for (int attempt = 1;; ++attempt) {
      auto connection = pool.Acquire();
      try {
        return handler(*connection, request, match);
      } catch (const StorageFault&) {
        if (attempt >= 2 || !connection->IsBroken()) throw;
      }
    }
  };
}

const std::vector<Route>& Routes() {
  static const std::vector<Route> routes = {
      {"GET", std::regex("/"), true,
       [](const Pools&, app::ConnectionPool&, const Request&, const std::smatch&) {
         return Response{200, "text/html; charset=utf-8", std::string(EmbeddedData("index.html"))};
       }},
      {"GET", std::regex("/api/health"), true,
       [](const Pools& pools, app::ConnectionPool&, const Request&, const std::smatch&) {
         return Health(pools);
       }},
      {"GET", std::regex("/api/network/summary"), true,
       WithConnection([](app::Connection& c, const Request& r, const std::smatch&) {
         return NetworkSummary(c, r);
       })},
      {"GET", std::regex("/api/borrowers"), true,
       WithConnection([](app::Connection& c, const Request& r, const std::smatch&) {
         return FindBorrowers(c, r);
       })},
      {"GET", std::regex("/api/reports/headline"), true,
       WithConnection([](app::Connection& c, const Request& r, const std::smatch&) {
         return HeadlineReport(c, r);
       })},
      {"GET", std::regex("/api/loans/([A-Za-z0-9_-]{1,32})"), true,
       WithConnection([](app::Connection& c, const Request& r, const std::smatch& m) {
         return ViewLoan(c, r, m[1].str());
       })},
  };
  return routes;
}

Response Route(const Pools& pools, const Request& request) {
  bool path_known = false;
  for (const auto& route : Routes()) {
    std::smatch match;
    if (!std::regex_match(request.path, match, route.pattern)) continue;
    path_known = true;
    if (request.method == route.method)
      return route.handle(pools, route.reads && pools.read ? *pools.read : pools.main, request,
                          match);
  }
  if (path_known)
    return ErrorAnswer(MakeError(HttpRejection::kMethodNotAllowed, "method",
                                 "Địa chỉ này không nhận phương thức " + request.method,
                                 "This address does not take the method " + request.method));
  return ErrorAnswer(
      MakeError(HttpRejection::kNotFound, "path", "Không có địa chỉ này", "No such address"));
}

}  // namespace

bool ReadTarget(std::string_view target, Request* request) {
  if (target.empty() || target.front() != '/') return false;
  const size_t question = target.find('?');
  auto path = PercentDecode(target.substr(0, question), false);
  if (!path) return false;
  request->path = std::move(*path);
  request->params.clear();
  if (question == std::string_view::npos) return true;
  std::string_view query = target.substr(question + 1);
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t equals = pair.find('=');
    auto name = PercentDecode(pair.substr(0, equals), true);
    auto value = PercentDecode(
        equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1), true);
    if (!name || !value) return false;
    request->params.emplace(std::move(*name), std::move(*value));
  }
  return true;
}

int HttpStatusOf(const Error& error) {
  const auto& statuses = StatusOfCode();
  const auto it = statuses.find(error.code);
  return it == statuses.end() ? 422 : it->second;
}

Response ErrorAnswer(const Error& error) {
  // Bytes that are not UTF-8 in a message (a method echoed back, say) are
  // replaced rather than thrown on.
  return Response{HttpStatusOf(error), "application/json",
                  json{{"code", error.code},
                       {"field", error.field},
                       {"message_vi", error.message_vi},
                       {"message_en", error.message_en}}
                      .dump(-1, ' ', false, json::error_handler_t::replace)};
}

Response FaultAnswer(const Request& request, std::exception_ptr fault) {
  bool storage = false;
  std::string what;
  try {
    std::rethrow_exception(fault);
  } catch (const StorageFault& e) {
    storage = true;
    what = e.what();
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
    what = "an exception that is not a std::exception";
  }
  // One line per fault: a path cannot start a line of its own in the log.
  std::string line = request.method + " " + request.path + ": " + what;
  for (char& c : line)
    if (static_cast<unsigned char>(c) < 0x20) c = '?';
  std::fprintf(stderr, "%s\n", line.c_str());
  if (storage)
    return ErrorAnswer(MakeError(HttpRejection::kStorageFault, "",
                                 "Lỗi hệ thống lưu trữ, hãy thử lại", "Storage fault, try again"));
  return ErrorAnswer(
      MakeError(HttpRejection::kInternalError, "", "Lỗi hệ thống", "Internal error"));
}

Response Api::Handle(const Request& request) {
  try {
    return Route(Pools{pool_, read_pool_}, request);
  } catch (...) {
    return FaultAnswer(request, std::current_exception());
  }
}

}  // namespace tdcs::http
