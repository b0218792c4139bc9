#include "http/handlers.h"

#include <atomic>
#include <cstdio>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <sstream>
#include <vector>

#include "app/access.h"
#include "app/approvals.h"
#include "app/audit.h"
#include "app/books.h"
#include "app/entrusted_work.h"
#include "app/export.h"
#include "app/find.h"
#include "app/health.h"
#include "app/import.h"
#include "app/inspect.h"
#include "app/loans.h"
#include "app/network_view.h"
#include "app/reconcile.h"
#include "app/reports.h"
#include "app/sessions.h"
#include "app/settings.h"
#include "app/users.h"
#include "base/date.h"
#include "base/embedded.h"
#include "base/fault.h"
#include "base/result.h"
#include "http/json_views.h"
#include "http/report_forms.h"
#include "http/web_files.h"

namespace tdcs::http {

// The wire string of each rejection code (docs/API.md "Error codes").
#define TDCS_HTTP_REJECTIONS(X)                          \
  X(kDateRequired, "DATE_REQUIRED")                      \
  X(kDateFormat, "DATE_FORMAT")                          \
  X(kQueryInvalid, "QUERY_INVALID")                      \
  X(kNotFound, "NOT_FOUND")                              \
  X(kMethodNotAllowed, "METHOD_NOT_ALLOWED")             \
  X(kRequestTooLarge, "REQUEST_TOO_LARGE")               \
  X(kUriTooLong, "URI_TOO_LONG")                         \
  X(kHeadersTooLarge, "HEADERS_TOO_LARGE")               \
  X(kEncodingUnsupported, "ENCODING_UNSUPPORTED")        \
  X(kBadRequest, "BAD_REQUEST")                          \
  X(kStorageFault, "STORAGE_FAULT")                      \
  X(kDatabaseUnreachable, "DATABASE_UNREACHABLE")        \
  X(kInternalError, "INTERNAL_ERROR")                    \
  X(kBodyInvalid, "BODY_INVALID")                        \
  X(kFieldRequired, "FIELD_REQUIRED")                    \
  X(kFieldType, "FIELD_TYPE")                            \
  X(kFieldUnknown, "FIELD_UNKNOWN")                      \
  X(kAmountInvalid, "AMOUNT_INVALID")                    \
  X(kIdempotencyKeyRequired, "IDEMPOTENCY_KEY_REQUIRED") \
  X(kContentTypeUnsupported, "CONTENT_TYPE_UNSUPPORTED") \
  X(kImportRejected, "IMPORT_REJECTED")
TDCS_DEFINE_REJECTIONS(HttpRejection, TDCS_HTTP_REJECTIONS)
#undef TDCS_HTTP_REJECTIONS

namespace {

using nlohmann::json;

constexpr size_t kMaxQueryBytes = 200;

Response Json(int status, const json& body) {
  // Bytes that are not UTF-8 (stored before they were checked) are replaced,
  // not thrown on.
  return Response{status, "application/json",
                  body.dump(-1, ' ', false, json::error_handler_t::replace)};
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
    for (auto code :
         {HttpRejection::kDateRequired, HttpRejection::kDateFormat, HttpRejection::kQueryInvalid,
          HttpRejection::kBadRequest, HttpRejection::kBodyInvalid, HttpRejection::kFieldRequired,
          HttpRejection::kFieldType, HttpRejection::kFieldUnknown,
          HttpRejection::kIdempotencyKeyRequired})
      set(code, 400);
    set(app::SignInRejection::kSignInFailed, 401);
    set(app::SignInRejection::kSessionInvalid, 401);
    set(app::SignInRejection::kCsrfInvalid, 403);
    set(app::AccessRejection::kForbidden, 403);
    set(app::SignInRejection::kSignInLocked, 429);
    set(app::ReportRejection::kUnitUnknown, 404);
    set(app::ReportRejection::kReportUnknown, 404);
    set(app::ReportRejection::kFormatUnknown, 400);
    set(app::LoanApplicationRejection::kLoanUnknown, 404);
    set(app::LoanApplicationRejection::kBorrowerUnknown, 404);
    set(app::ApprovalRejection::kRequestUnknown, 404);
    set(app::SessionRejection::kPointUnknown, 404);
    set(app::SessionRejection::kOfficeUnknown, 404);
    set(app::ApprovalRejection::kRequestDecided, 409);
    set(app::ImportRejection::kFileAlreadyImported, 409);
    set(app::ImportRejection::kCodeDuplicate, 409);
    set(app::ApprovalRejection::kRequestPending, 409);
    set(app::ApprovalRejection::kRequestStale, 409);
    set(app::ApprovalRejection::kSameUser, 403);
    set(app::LoanViewRejection::kLoanFilterRequired, 400);
    set(app::LoanApplicationRejection::kLoanCodeFormat, 400);
    set(HttpRejection::kNotFound, 404);
    for (auto code :
         {app::LoanViewRejection::kLoanUnknown, app::LoanViewRejection::kBorrowerUnknown,
          app::LoanViewRejection::kGroupUnknown, app::LoanViewRejection::kOfficeUnknown,
          app::LoanViewRejection::kLoanNotYetApplied})
      set(code, 404);
    for (auto code :
         {app::ReconcileRejection::kUnitUnknown, app::ReconcileRejection::kCampaignUnknown,
          app::ReconcileRejection::kBorrowerUnknown,
          app::ReconcileRejection::kBorrowerNotInCampaign,
          app::ReconcileRejection::kGroupNotInCampaign})
      set(code, 404);
    for (auto code :
         {app::InspectionRejection::kOfficeUnknown, app::InspectionRejection::kUnitUnknown,
          app::InspectionRejection::kLoanUnknown, app::InspectionRejection::kGroupUnknown})
      set(code, 404);
    set(app::EntrustedRejection::kGroupUnknown, 404);
    set(app::EntrustedRejection::kUnitUnknown, 404);
    for (auto code :
         {app::ReconcileRejection::kCampaignExists, app::ReconcileRejection::kCampaignCodeDuplicate,
          app::ReconcileRejection::kAlreadyAnswered, app::ReconcileRejection::kAlreadyResolved})
      set(code, 409);
    set(app::EntrustedRejection::kFeesAlreadyRun, 409);
    set(app::InspectionRejection::kIdempotencyKeyReused, 409);
    set(HttpRejection::kMethodNotAllowed, 405);
    set(app::LoanActionRejection::kIdempotencyKeyReused, 409);
    set(HttpRejection::kRequestTooLarge, 413);
    set(HttpRejection::kUriTooLong, 414);
    set(HttpRejection::kEncodingUnsupported, 415);
    set(HttpRejection::kContentTypeUnsupported, 415);
    set(app::SignInRejection::kCurrentPasswordWrong, 403);
    set(HttpRejection::kHeadersTooLarge, 431);
    set(HttpRejection::kInternalError, 500);
    set(HttpRejection::kStorageFault, 503);
    set(HttpRejection::kDatabaseUnreachable, 503);
    return map;
  }();
  return *statuses;
}

// The pools a route may use: `main` (--db), and `read` (--read-db, or main).
struct Pools {
  app::ConnectionPool& main;
  app::ConnectionPool* read;  // null without --read-db
  app::WriteGroup& writes;    // on main: the writes that commit in groups
};

constexpr std::string_view kSessionCookie = "tdcs_session";
constexpr std::string_view kCsrfCookie = "tdcs_csrf";
constexpr std::string_view kCsrfHeader = "x-csrf-token";
constexpr size_t kIdempotencyKeyMax = 200;
constexpr int64_t kAmountMax = 1'000'000'000'000'000;  // 10^15 đồng
constexpr int kPageMax = 1000;

// What a handler is given: the request, its route's captures, the context
// the use cases run in (the signed-in actor), and a connection.
struct Call {
  const Request& request;
  const std::smatch& match;
  app::Context context;
  std::string csrf_token;  // the session's (signed-in routes)
  const ApiOptions& options;
};

std::string Param(const Request& r, const char* name) {
  auto it = r.params.find(name);
  return it == r.params.end() ? std::string() : it->second;
}

std::string Header(const Request& r, const char* name) {
  auto it = r.headers.find(name);
  return it == r.headers.end() ? std::string() : it->second;
}

// The value of cookie `name` in the Cookie header, or "".
std::string Cookie(const Request& r, std::string_view name) {
  std::string_view all = r.headers.count("cookie") ? std::string_view(r.headers.at("cookie")) : "";
  while (!all.empty()) {
    const size_t semi = all.find(';');
    std::string_view pair = all.substr(0, semi);
    all = semi == std::string_view::npos ? std::string_view() : all.substr(semi + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    const size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name)
      return std::string(pair.substr(eq + 1));
  }
  return {};
}

Error FieldError(HttpRejection code, const std::string& field, const std::string& vi,
                 const std::string& en) {
  return MakeError(code, field, vi, en);
}

// A request's JSON body, read field by field: a missing field, a field of the
// wrong type and a field the request does not take are each refused naming it.
class Body {
 public:
  static Result<Body> Parse(const std::string& text) {
    Body b;
    b.json_ = json::parse(text, nullptr, false);
    if (b.json_.is_discarded() || !b.json_.is_object())
      return MakeError(HttpRejection::kBodyInvalid, "body",
                       "Nội dung yêu cầu phải là một đối tượng JSON",
                       "The request body must be a JSON object");
    return b;
  }
  // Parse, and Only: a body of these fields and no other.
  static Result<Body> Of(const std::string& text, std::initializer_list<const char*> names) {
    auto body = Parse(text);
    if (!body.ok()) return body;
    if (auto bad = body.value().Only(names); !bad.ok()) return bad.error();
    return body;
  }
  Status Only(std::initializer_list<const char*> names) const {
    for (const auto& [key, value] : json_.items()) {
      bool known = false;
      for (const char* n : names) known = known || key == n;
      if (!known)
        return FieldError(HttpRejection::kFieldUnknown, key,
                          "Trường '" + key + "' không thuộc yêu cầu này",
                          "The request takes no field '" + key + "'");
    }
    return {};
  }
  bool Has(const char* name) const { return json_.contains(name) && !json_[name].is_null(); }
  Result<std::string> Text(const char* name, bool required = true, size_t max = 500) const {
    if (!Has(name)) return Missing(name, required, std::string());
    const auto& v = json_[name];
    if (!v.is_string() || v.get_ref<const std::string&>().size() > max)
      return Wrong(name, "một chuỗi (tối đa " + std::to_string(max) + " byte)",
                   "a string (at most " + std::to_string(max) + " bytes)");
    const auto& text = v.get_ref<const std::string&>();
    if (std::any_of(text.begin(), text.end(),
                    [](char ch) { return static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f; }))
      return Wrong(name, "một chuỗi không có ký tự điều khiển",
                   "a string without control characters");
    return text;
  }
  Result<int64_t> Int(const char* name, bool required, int64_t min, int64_t max) const {
    if (!Has(name)) return Missing(name, required, int64_t{0});
    const auto& v = json_[name];
    if (!v.is_number_integer() ||
        (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) ||
        v.get<int64_t>() < min || v.get<int64_t>() > max)
      return Wrong(name, "số nguyên từ " + std::to_string(min) + " đến " + std::to_string(max),
                   "an integer from " + std::to_string(min) + " to " + std::to_string(max));
    return v.get<int64_t>();
  }
  // An amount in whole đồng, 1 to 10^15 (0 allowed when `zero_ok`).
  Result<Money> Amount(const char* name, bool required, bool zero_ok = false) const {
    if (!Has(name)) return Missing(name, required, Money::Zero());
    const auto& v = json_[name];
    const bool integer =
        v.is_number_integer() &&
        !(v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX));
    if (!integer || v.get<int64_t>() < (zero_ok ? 0 : 1) || v.get<int64_t>() > kAmountMax)
      return MakeError(HttpRejection::kAmountInvalid, name,
                       "Số tiền '" + std::string(name) + "' phải là số nguyên đồng từ " +
                           (zero_ok ? "0" : "1") + " đến 10^15",
                       "The amount '" + std::string(name) +
                           "' must be a whole number of đồng from " + (zero_ok ? "0" : "1") +
                           " to 10^15");
    return Money::Dong(v.get<int64_t>());
  }
  Result<bool> Bool(const char* name, bool required) const {
    if (!Has(name)) return Missing(name, required, false);
    if (!json_[name].is_boolean()) return Wrong(name, "true hoặc false", "true or false");
    return json_[name].get<bool>();
  }
  Result<std::optional<Date>> DateField(const char* name, bool required) const {
    if (!Has(name)) return Missing(name, required, std::optional<Date>());
    const auto& v = json_[name];
    std::optional<Date> d;
    if (v.is_string()) d = Date::Parse(v.get<std::string>());
    if (!d)
      return MakeError(HttpRejection::kDateFormat, name, "Ngày không hợp lệ (YYYY-MM-DD)",
                       "Invalid date (YYYY-MM-DD)");
    return d;
  }

 private:
  template <typename T>
  static Result<T> Missing(const char* name, bool required, T value) {
    if (!required) return value;
    return MakeError(HttpRejection::kFieldRequired, name,
                     "Thiếu trường '" + std::string(name) + "'",
                     "The field '" + std::string(name) + "' is required");
  }
  static Error Wrong(const char* name, const std::string& vi, const std::string& en) {
    return MakeError(HttpRejection::kFieldType, name,
                     "Trường '" + std::string(name) + "' phải là " + vi,
                     "The field '" + std::string(name) + "' must be " + en);
  }
  json json_;
};

// Evaluates a Result-returning expression into `var`, or returns its error as the answer.
#define TDCS_TAKE(var, expr)                                        \
  auto var##_result = (expr);                                       \
  if (!var##_result.ok()) return ErrorAnswer(var##_result.error()); \
  auto var = std::move(var##_result).value()

// A date of the query (`name`: ?on=YYYY-MM-DD), else the bank's business date.
Result<Date> QueryDate(app::Connection& connection, const Request& request, const char* name) {
  const std::string text = Param(request, name);
  if (!text.empty()) {
    auto parsed = Date::Parse(text);
    if (!parsed)
      return MakeError(HttpRejection::kDateFormat, name, "Ngày không hợp lệ (YYYY-MM-DD)",
                       "Invalid date (YYYY-MM-DD)");
    return *parsed;
  }
  auto today = app::BusinessDate(connection);
  if (!today)
    return MakeError(
        HttpRejection::kDateRequired, name,
        "Chưa có ngày làm việc: hãy cho biết ngày (?" + std::string(name) + "=YYYY-MM-DD)",
        "No business date yet: give the date (?" + std::string(name) + "=YYYY-MM-DD)");
  return *today;
}

// The date a read is for: ?on=, else the business date.
Result<Date> DateParam(app::Connection& connection, const Request& request) {
  return QueryDate(connection, request, "on");
}

// A write's date: the body's `date`, else the business date.
Result<Date> WriteDate(app::Connection& connection, const Body& body) {
  auto given = body.DateField("date", false);
  if (!given.ok()) return given.error();
  if (given.value()) return *given.value();
  auto today = app::BusinessDate(connection);
  if (!today)
    return MakeError(HttpRejection::kDateRequired, "date",
                     "Chưa có ngày làm việc: hãy cho biết ngày (date)",
                     "No business date yet: give the date (date)");
  return *today;
}

json UserJson(const app::UserView& u) {
  return json{{"login", u.login},
              {"role", u.role},
              {"scope", u.scope},
              {"association", u.association.empty() ? json(nullptr) : json(u.association)},
              {"created_on", u.created_on.ToIso()},
              {"password_set_on", u.password_set_on.ToIso()},
              {"disabled_on", u.disabled_on ? json(u.disabled_on->ToIso()) : json(nullptr)}};
}

json PermissionsJson(const std::string& role) {
  json out = json::array();
  for (auto name : app::PermissionNames(role)) out.push_back(std::string(name));
  return out;
}

std::string CookieLine(std::string_view name, const std::string& value, int64_t max_age,
                       bool http_only, const ApiOptions& options) {
  std::string line = std::string(name) + "=" + value +
                     "; Path=/; SameSite=Strict; Max-Age=" + std::to_string(max_age);
  if (http_only) line += "; HttpOnly";
  if (options.secure_cookies) line += "; Secure";
  return line;
}

Response SignIn(app::Connection& connection, const Call& c) {
  TDCS_TAKE(body, Body::Of(c.request.body, {"login", "password"}));
  TDCS_TAKE(login, body.Text("login", true, 200));
  TDCS_TAKE(password, body.Text("password", true, 1024));
  TDCS_TAKE(signed_in, app::SignIn(connection, c.context, login, password));
  const int64_t max_age = app::kSessionHours * 3600;
  Response r{
      200, "application/json",
      json{{"login", signed_in.user.login},
           {"role", signed_in.user.role},
           {"scope", signed_in.user.scope},
           {"association",
            signed_in.user.association.empty() ? json(nullptr) : json(signed_in.user.association)},
           {"permissions", PermissionsJson(signed_in.user.role)},
           {"csrf_token", signed_in.csrf_token},
           {"expires_at_micros", signed_in.expires_micros}}
          .dump()};
  r.headers.push_back(
      {"Set-Cookie", CookieLine(kSessionCookie, signed_in.token, max_age, true, c.options)});
  r.headers.push_back(
      {"Set-Cookie", CookieLine(kCsrfCookie, signed_in.csrf_token, max_age, false, c.options)});
  return r;
}

Response WhoAmI(const Call& c) {
  const auto& a = c.context.actor;
  return Json(200, json{{"login", a.login},
                        {"role", a.role},
                        {"scope", a.scope},
                        {"association", a.association ? json(a.association) : json(nullptr)},
                        {"permissions", PermissionsJson(a.role)},
                        {"csrf_token", c.csrf_token}});
}

Response SignOut(app::Connection& connection, const Call& c) {
  std::string token = Cookie(c.request, kSessionCookie);
  if (token.empty()) {
    const std::string auth = Header(c.request, "authorization");
    if (auth.rfind("Bearer ", 0) == 0) token = auth.substr(7);
  }
  app::SignOut(connection, c.context, token);
  Response r{200, "application/json", json{{"signed_out", true}}.dump()};
  r.headers.push_back({"Set-Cookie", CookieLine(kSessionCookie, "", 0, true, c.options)});
  r.headers.push_back({"Set-Cookie", CookieLine(kCsrfCookie, "", 0, false, c.options)});
  return r;
}

Response ChangePassword(app::Connection& connection, const Call& c) {
  TDCS_TAKE(body, Body::Of(c.request.body, {"current_password", "password"}));
  TDCS_TAKE(current, body.Text("current_password", true, 1024));
  TDCS_TAKE(password, body.Text("password", true, 1024));
  TDCS_TAKE(user, app::ChangeOwnPassword(connection, c.context, current, password));
  return Json(200, UserJson(user));
}

Response NetworkSummary(app::Connection& connection, const Call& c) {
  auto on = DateParam(connection, c.request);
  if (!on.ok()) return ErrorAnswer(on.error());
  TDCS_TAKE(counts, app::CountNetwork(connection, c.context, on.value()));
  return Json(200, json{{"on", on.value().ToIso()},
                        {"branches", counts.branches},
                        {"offices", counts.offices},
                        {"seats", counts.seats},
                        {"points", counts.points},
                        {"villages", counts.villages},
                        {"groups", counts.groups},
                        {"borrowers", counts.borrowers},
                        {"memberships", counts.memberships},
                        {"association_units", counts.association_units}});
}

Response FindBorrowers(app::Connection& connection, const Call& c) {
  const std::string q = Param(c.request, "q");
  if (q.empty() || q.size() > kMaxQueryBytes)
    return ErrorAnswer(MakeError(HttpRejection::kQueryInvalid, "q",
                                 "Cần từ khóa tìm kiếm (tối đa 200 byte)",
                                 "A search query is required (at most 200 bytes)"));
  int limit = app::kFindLimit;
  if (const std::string l = Param(c.request, "limit"); !l.empty()) {
    const bool digits = l.size() <= 4 && std::all_of(l.begin(), l.end(), ::isdigit);
    if (!digits || std::stoi(l) < 1 || std::stoi(l) > app::kFindLimit)
      return ErrorAnswer(MakeError(HttpRejection::kQueryInvalid, "limit",
                                   "limit là số từ 1 đến 200", "limit is a number from 1 to 200"));
    limit = std::stoi(l);
  }
  app::Context context = c.context;  // the area's borrowers on ?on= (default: the business date)
  if (const std::string on = Param(c.request, "on"); !on.empty()) {
    context.on = Date::Parse(on);
    if (!context.on)
      return ErrorAnswer(MakeError(HttpRejection::kDateFormat, "on",
                                   "Ngày không hợp lệ (YYYY-MM-DD)", "Invalid date (YYYY-MM-DD)"));
  }
  auto found = app::FindBorrowers(connection, context, q, limit);
  json list = json::array();
  for (const auto& b : found.borrowers)
    list.push_back({{"code", b.code},
                    {"name", b.name},
                    {"citizen_id", app::MaskCitizenId(b.citizen_id)},
                    {"birth_date", b.birth_date.ToIso()},
                    {"sex", b.sex}});
  return Json(200, json{{"borrowers", list}, {"more", found.more}});
}

Response ViewBorrower(app::Connection& connection, const Call& c) {
  auto on = DateParam(connection, c.request);
  if (!on.ok()) return ErrorAnswer(on.error());
  TDCS_TAKE(d, app::ShowBorrower(connection, c.context, c.match[1].str(), on.value()));
  json loans = json::array();
  for (const auto& l : d.loans)
    loans.push_back({{"code", l.code},
                     {"program", l.program},
                     {"status", l.status},
                     {"approved_dong", l.approved.dong()},
                     {"principal_dong", l.principal.dong()}});
  auto text_or_null = [](const std::string& t) { return t.empty() ? json(nullptr) : json(t); };
  auto date_or_null = [](const std::optional<Date>& t) {
    return t ? json(t->ToIso()) : json(nullptr);
  };
  json movements = json::array();
  for (const auto& m : d.savings_movements)
    movements.push_back({{"id", m.id},
                         {"date", m.date.ToIso()},
                         {"kind", m.kind},
                         {"amount_dong", m.amount.dong()},
                         {"entry_id", m.entry_id},
                         {"reversed_by", m.reversed_by ? json(m.reversed_by) : json(nullptr)}});
  json reconciliations = json::array();
  for (const auto& r : d.reconciliations)
    reconciliations.push_back({{"campaign", r.campaign},
                               {"as_of", r.as_of.ToIso()},
                               {"principal_dong", r.principal.dong()},
                               {"interest_dong", r.interest.dong()},
                               {"savings_dong", r.savings.dong()},
                               {"answer", text_or_null(r.answer)},
                               {"note", r.note},
                               {"answered_on", date_or_null(r.answered_on)},
                               {"resolution", text_or_null(r.resolution)},
                               {"resolved_on", date_or_null(r.resolved_on)}});
  return Json(200, json{{"code", d.code},
                        {"name", d.name},
                        {"citizen_id", d.citizen_id},
                        {"birth_date", d.birth_date.ToIso()},
                        {"sex", d.sex},
                        {"address", d.address},
                        {"on", d.on.ToIso()},
                        {"group", text_or_null(d.group_code)},
                        {"point", text_or_null(d.point_code)},
                        {"office", text_or_null(d.office_code)},
                        {"association", d.association ? json(d.association) : json(nullptr)},
                        {"savings_dong", d.savings.dong()},
                        {"loans", loans},
                        {"savings_transactions", movements},
                        {"more_savings_transactions", d.more_savings_movements},
                        {"reconciliations", reconciliations}});
}

// GET /api/loans?office=|group=|borrower=&status=&limit=: a list of loans
// (exactly one of office, group, borrower; LOAN_FILTER_REQUIRED otherwise).
Response ListLoans(app::Connection& connection, const Call& c) {
  app::LoanListFilter f;
  f.office_code = Param(c.request, "office");
  f.group_code = Param(c.request, "group");
  f.borrower_code = Param(c.request, "borrower");
  f.status = Param(c.request, "status");
  if (const std::string limit = Param(c.request, "limit"); !limit.empty()) {
    const bool digits = limit.size() <= 4 && std::all_of(limit.begin(), limit.end(), [](char ch) {
                          return ch >= '0' && ch <= '9';
                        });
    if (!digits || std::stoi(limit) < 1 || std::stoi(limit) > 5000)
      return ErrorAnswer(MakeError(HttpRejection::kQueryInvalid, "limit", "limit từ 1 đến 5.000",
                                   "limit is 1 to 5,000"));
    f.limit = std::stoi(limit);
  }
  TDCS_TAKE(list, app::ListLoans(connection, c.context, f));
  json loans = json::array();
  for (const auto& l : list)
    loans.push_back({{"code", l.code},
                     {"borrower", l.borrower_code},
                     {"program", l.program},
                     {"status", l.status},
                     {"approved_dong", l.approved.dong()},
                     {"principal_dong", l.principal.dong()}});
  return Json(200, json{{"loans", loans}});
}

// GET /api/programs?on=: the programs in force on the date.
Response ListPrograms(app::Connection& connection, const Call& c) {
  TDCS_TAKE(on, QueryDate(connection, c.request, "on"));
  TDCS_TAKE(list, app::ProgramsOn(connection, c.context, on));
  json programs = json::array();
  for (const auto& p : list)
    programs.push_back({{"code", p.code},
                        {"name_vi", p.name_vi},
                        {"name_en", p.name_en},
                        {"valid_from", p.valid_from.ToIso()},
                        {"rate_percent", p.rate.ToPercentVietnamese()},
                        {"max_amount_dong", p.max_amount.dong()},
                        {"max_amount_basis", p.max_amount_basis},
                        {"max_term_months", p.max_term_months},
                        {"installment_months", p.installment_months},
                        {"eligible_categories", p.eligible_categories},
                        {"fund_sources", p.fund_sources}});
  return Json(200, json{{"on", on.ToIso()}, {"programs", programs}});
}

// GET /api/network?unit=&on=: one level of the network as of a date.
Response ShowNetwork(app::Connection& connection, const Call& c) {
  TDCS_TAKE(on, QueryDate(connection, c.request, "on"));
  TDCS_TAKE(level, app::ShowNetwork(connection, c.context, Param(c.request, "unit"), on));
  auto node = [](const app::NetworkNode& n) {
    json j{{"kind", n.kind}, {"code", n.code}, {"name", n.name}};
    if (n.kind == "point") {
      j["session_day"] = n.session_day;
      j["commune"] = n.commune;
    }
    if (n.kind == "group") {
      j["association"] = n.association;
      j["commune"] = n.commune;
    }
    if (n.kind == "member") j["role"] = n.role;
    return j;
  };
  json children = json::array();
  for (const auto& n : level.children) children.push_back(node(n));
  json unit = node(level.unit);
  return Json(200, json{{"on", level.on.ToIso()}, {"unit", unit}, {"children", children}});
}

// POST /api/borrowers (a new borrower) and PUT /api/borrowers/{code} (a
// change from valid_from): the columns of a borrowers file, as strings.
Response SaveBorrower(app::Connection& connection, const Call& c, bool revise) {
  TDCS_TAKE(body, Body::Of(c.request.body,
                           {"code", "name", "citizen_id", "birth_date", "sex", "address",
                            "village_code", "categories", "group_code", "role", "valid_from"}));
  app::BorrowerForm f;
  const std::pair<const char*, std::string*> fields[] = {{"name", &f.name},
                                                         {"citizen_id", &f.citizen_id},
                                                         {"birth_date", &f.birth_date},
                                                         {"sex", &f.sex},
                                                         {"address", &f.address},
                                                         {"village_code", &f.village_code},
                                                         {"categories", &f.categories},
                                                         {"group_code", &f.group_code},
                                                         {"role", &f.role},
                                                         {"valid_from", &f.valid_from}};
  if (revise) {
    if (body.Has("code"))
      return ErrorAnswer(MakeError(HttpRejection::kFieldUnknown, "code",
                                   "Mã hộ vay nằm trong đường dẫn, không đổi được",
                                   "The borrower's code is in the path and does not change"));
    f.code = c.match[1].str();
  } else {
    TDCS_TAKE(code, body.Text("code", true, 32));
    f.code = code;
  }
  // A change names what changes; what it leaves out is kept (identity,
  // village, categories) from the version in force; a field sent empty is
  // cleared (address, categories) or refused (name).
  const bool required_new[] = {true, true, true, true, false, true, false, false, false, true};
  for (size_t i = 0; i < std::size(fields); ++i) {
    if (revise && !body.Has(fields[i].first)) f.omitted.insert(fields[i].first);
    TDCS_TAKE(value, body.Text(fields[i].first,
                               revise ? std::string_view(fields[i].first) == "valid_from"
                                      : required_new[i],
                               std::string_view(fields[i].first) == "address" ? 500 : 200));
    *fields[i].second = value;
  }
  TDCS_TAKE(saved, app::SaveBorrower(connection, c.context, f, revise));
  return Json(revise ? 200 : 201, json{{"code", saved.code},
                                       {"valid_from", saved.valid_from.ToIso()},
                                       {"status", revise ? "changed" : "added"}});
}
Response AddBorrower(app::Connection& connection, const Call& c) {
  return SaveBorrower(connection, c, false);
}
Response ChangeBorrower(app::Connection& connection, const Call& c) {
  return SaveBorrower(connection, c, true);
}

Response NoSuchAddress() {
  return ErrorAnswer(
      MakeError(HttpRejection::kNotFound, "path", "Không có địa chỉ này", "No such address"));
}

json RowErrorsJson(const std::vector<RowError>& errors) {
  json out = json::array();
  for (const auto& e : errors)
    out.push_back({{"line", e.line},
                   {"code", e.error.code},
                   {"field", e.error.field},
                   {"message_vi", e.error.message_vi},
                   {"message_en", e.error.message_en}});
  return out;
}

// POST /api/imports/{kind}[?update=true], body text/csv: tdcs import.
Response ImportFile(app::Connection& connection, const Call& c) {
  const auto kind = app::ParseImportKind(c.match[1].str());
  if (!kind) return NoSuchAddress();
  const std::string update = Param(c.request, "update");
  if (!update.empty() && update != "true" && update != "false")
    return ErrorAnswer(MakeError(HttpRejection::kQueryInvalid, "update",
                                 "update là true hoặc false", "update is true or false"));
  std::istringstream in(c.request.body);
  app::ImportOptions options;
  options.update = update == "true";
  const auto report = app::Import(connection, c.context, *kind, in, nullptr, options);
  if (report.ok())
    return Json(201, json{{"kind", c.match[1].str()},
                          {"rows", report.rows},
                          {"written", report.written},
                          {"updated", report.updated},
                          {"warnings", report.warnings}});
  // A refusal of the whole file (who may import, a file imported before)
  // answers as any other; bad rows are listed, every one.
  if (report.errors.size() == 1 && report.errors.front().line == 0)
    return ErrorAnswer(report.errors.front().error);
  return Json(422, json{{"code", RejectionKey(HttpRejection::kImportRejected)},
                        {"message_vi", "Tệp có " + std::to_string(report.errors.size()) +
                                           " lỗi; không dòng nào được nhập"},
                        {"message_en", "The file has " + std::to_string(report.errors.size()) +
                                           " errors; no row was imported"},
                        {"rows", report.rows},
                        {"errors", RowErrorsJson(report.errors)}});
}

// GET /api/exports/{kind}?on=&mask=true: tdcs export, as CSV.
Response ExportFile(app::Connection& connection, const Call& c) {
  const auto kind = app::ParseImportKind(c.match[1].str());
  if (!kind) return NoSuchAddress();
  TDCS_TAKE(on, QueryDate(connection, c.request, "on"));
  std::ostringstream out;
  const Result<int64_t> rows = *kind == app::ImportKind::kLoans
                                   ? app::ExportLoans(connection, c.context, on, out)
                                   : app::Export(connection, c.context, *kind,
                                                 {on, Param(c.request, "mask") == "true"}, out);
  if (!rows.ok()) return ErrorAnswer(rows.error());
  Response r{200, "text/csv; charset=utf-8", out.str()};
  r.headers.push_back({"Content-Disposition", "attachment; filename=\"tdcs-" + c.match[1].str() +
                                                  "-" + on.ToIso() + ".csv\""});
  r.headers.push_back({"X-Rows", std::to_string(rows.value())});
  return r;
}

// A report's request from ?unit=&at=&from=&structure=&association=
// &program=&fund= (docs/API.md "Reports"), as `tdcs report` takes it;
// without `unit`, the signed-in user's own area.
Result<app::ReportRequest> ReportRequestOf(app::Connection& connection, const Call& c) {
  const Request& request = c.request;
  app::ReportRequest r;
  r.unit = Param(request, "unit").empty() ? c.context.actor.scope : Param(request, "unit");
  for (const char* name : {"at", "from", "structure"}) {
    const std::string value = Param(request, name);
    if (value.empty()) continue;
    auto parsed = Date::Parse(value);
    if (!parsed)
      return MakeError(HttpRejection::kDateFormat, name, "Ngày không hợp lệ (YYYY-MM-DD)",
                       "Invalid date (YYYY-MM-DD)");
    if (std::string_view(name) == "at") r.at = *parsed;
    if (std::string_view(name) == "from") r.from = *parsed;
    if (std::string_view(name) == "structure") r.structure_on = *parsed;
  }
  if (Param(request, "at").empty()) {
    auto today = app::BusinessDate(connection);
    if (!today)
      return MakeError(app::ReportRejection::kBusinessDateMissing, "at",
                       "Chưa có ngày làm việc: hãy cho biết ngày (?at=YYYY-MM-DD)",
                       "No business date yet: give the date (?at=YYYY-MM-DD)");
    r.at = *today;
  }
  r.association = Param(request, "association");
  r.program = Param(request, "program");
  const std::string fund = Param(request, "fund");
  if (!fund.empty()) {
    if (fund != "1" && fund != "2")
      return MakeError(app::ReportRejection::kFundSourceUnknown, "fund",
                       "Nguồn vốn là 1 (trung ương) hoặc 2 (ngân sách địa phương)",
                       "A fund source is 1 (central) or 2 (local budget)");
    r.fund_source = fund == "1" ? 1 : 2;
  }
  return r;
}

// GET /api/reports/{name}?…&format=json|csv|xlsx|html (&lang=en for the
// narrative in English): the report as `tdcs report NAME --format` writes it.
Response Report(app::Connection& connection, const Call& c) {
  const std::string name = c.match[1].str();
  const std::string format =
      Param(c.request, "format").empty() ? "json" : Param(c.request, "format");
  if (auto bad = CheckReportName(name, format); !bad.ok()) return ErrorAnswer(bad.error());
  TDCS_TAKE(request, ReportRequestOf(connection, c));
  TDCS_TAKE(report,
            ProduceReport(connection, c.context, name, request, Param(c.request, "lang") == "en"));
  if (report.narrative) {
    if (format == "json")
      return Json(200, json{{"report", "narrative"}, {"text", *report.narrative}});
    return Response{200, "text/plain; charset=utf-8", *report.narrative};
  }
  const std::string file = "tdcs-" + name + "-" + request.at.ToIso();
  auto attachment = [&](Response r, const std::string& extension) {
    r.headers.push_back(
        {"Content-Disposition", "attachment; filename=\"" + file + "." + extension + "\""});
    return r;
  };
  if (format == "json") return Response{200, "application/json", report.json};
  if (format == "xlsx")
    return attachment(
        Response{200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 ReportXlsxBytes(report.layout)},
        "xlsx");
  std::ostringstream out;
  if (format == "csv") {
    WriteReportCsv(report.layout, out);
    return attachment(Response{200, "text/csv; charset=utf-8", out.str()}, "csv");
  }
  WriteReportHtml(report.layout, out);
  return Response{200, "text/html; charset=utf-8", out.str()};
}

Response ViewLoan(app::Connection& connection, const Call& c) {
  auto on = DateParam(connection, c.request);
  if (!on.ok()) return ErrorAnswer(on.error());
  TDCS_TAKE(details, app::ShowLoan(connection, c.context, c.match[1].str(), on.value()));
  return Response{200, "application/json", LoanDetailsJson(details)};
}

// POST /api/loans: an application, recorded (and decided at once with
// "decide": true, for a director).
Response ApplyForLoan(app::Connection& connection, const Call& c) {
  TDCS_TAKE(body, Body::Parse(c.request.body));
  if (auto bad =
          body.Only({"code", "borrower", "program", "amount_dong", "term_months", "every_months",
                     "grace_months", "study_months", "fund_source", "date", "decide"});
      !bad.ok())
    return ErrorAnswer(bad.error());
  app::LoanApplicationRequest r;
  TDCS_TAKE(code, body.Text("code", true, 32));
  TDCS_TAKE(borrower, body.Text("borrower", true, 32));
  TDCS_TAKE(program, body.Text("program", true, 16));
  TDCS_TAKE(amount, body.Amount("amount_dong", true));
  TDCS_TAKE(term, body.Int("term_months", true, 1, 360));
  TDCS_TAKE(every, body.Int("every_months", false, 0, 360));
  TDCS_TAKE(grace, body.Int("grace_months", false, 0, 360));
  TDCS_TAKE(study, body.Int("study_months", false, 0, 120));
  TDCS_TAKE(fund, body.Int("fund_source", false, 1, 2));
  TDCS_TAKE(decide, body.Bool("decide", false));
  TDCS_TAKE(date, WriteDate(connection, body));
  r.code = code;
  r.borrower_code = borrower;
  r.program = program;
  r.amount = amount;
  r.term_months = static_cast<int>(term);
  r.every_months = static_cast<int>(every);
  r.grace_months = static_cast<int>(grace);
  r.study_months = static_cast<int>(study);
  r.fund_source = fund == 0 ? 1 : static_cast<int>(fund);
  r.date = date;
  if (!decide) {
    TDCS_TAKE(id, app::ApplyForLoan(connection, c.context, r));
    (void)id;
    return Json(201, json{{"code", code}, {"status", "applied"}});
  }
  TDCS_TAKE(decided, app::ApplyAndDecide(connection, c.context, r));
  if (decided.pending_request != 0)
    return Json(
        202,
        json{{"code", code}, {"status", "pending_approval"}, {"request", decided.pending_request}});
  return Json(201, json{{"code", code}, {"status", "approved"}});
}

Response DecideOnLoan(app::Connection& connection, const Call& c) {
  TDCS_TAKE(body, Body::Of(c.request.body, {"approve", "reason", "date"}));
  TDCS_TAKE(approve, body.Bool("approve", true));
  TDCS_TAKE(reason, body.Text("reason", false, 500));
  TDCS_TAKE(date, WriteDate(connection, body));
  const std::string code = c.match[1].str();
  TDCS_TAKE(decided, app::DecideOnLoan(connection, c.context, {code, approve, date, reason}));
  if (decided.pending_request != 0)
    return Json(
        202,
        json{{"code", code}, {"status", "pending_approval"}, {"request", decided.pending_request}});
  return Json(200, json{{"code", code}, {"status", approve ? "approved" : "rejected"}});
}

// A loan action's body (POST /api/loans/{code}/actions and …/preview).
Result<app::LoanAction> LoanActionOf(app::Connection& connection, const Call& c) {
  auto parsed = Body::Of(c.request.body, {"kind", "amount_dong", "months", "heir", "date"});
  if (!parsed.ok()) return parsed.error();
  const Body& body = parsed.value();
  auto kind_text = body.Text("kind", true, 32);
  if (!kind_text.ok()) return kind_text.error();
  const auto kind = app::ParseLoanActionKind(kind_text.value());
  if (!kind)
    return MakeError(HttpRejection::kFieldType, "kind",
                     "Không có thao tác '" + kind_text.value() + "'",
                     "No action '" + kind_text.value() + "'");
  app::LoanAction a;
  a.kind = *kind;
  a.loan_code = c.match[1].str();
  auto amount = body.Amount("amount_dong", a.kind == app::LoanActionKind::kPay,
                            a.kind != app::LoanActionKind::kPay);
  if (!amount.ok()) return amount.error();
  auto months = body.Int("months", false, 0, 120);
  if (!months.ok()) return months.error();
  auto heir = body.Text("heir", false, 32);
  if (!heir.ok()) return heir.error();
  auto date = WriteDate(connection, body);
  if (!date.ok()) return date.error();
  a.amount = amount.value();
  a.months = static_cast<int>(months.value());
  a.heir_code = heir.value();
  a.date = date.value();
  return a;
}

Response ActOnLoan(app::Connection& connection, const Call& c) {
  TDCS_TAKE(a, LoanActionOf(connection, c));
  const std::string kind_text(app::LoanActionKey(a.kind));
  TDCS_TAKE(result, app::ActOnLoan(connection, c.context, a));
  if (result.pending_request != 0)
    return Json(result.request_status == "pending" ? 202 : 200,
                json{{"loan", a.loan_code},
                     {"kind", kind_text},
                     {"status", result.request_status == "pending" ? std::string("pending_approval")
                                                                   : result.request_status},
                     {"request", result.pending_request},
                     {"repeated", result.repeated}});
  return Json(result.repeated ? 200 : 201, json{{"loan", a.loan_code},
                                                {"kind", kind_text},
                                                {"txn_id", result.txn_id},
                                                {"entry_id", result.entry_id},
                                                {"repeated", result.repeated}});
}

// POST /api/loans/{code}/preview: the journal entry the action would post.
Response PreviewLoanAction(app::Connection& connection, const Call& c) {
  TDCS_TAKE(a, LoanActionOf(connection, c));
  TDCS_TAKE(preview, app::PreviewLoanAction(connection, c.context, a));
  json postings = json::array();
  for (const auto& [account, amount] : preview.postings)
    postings.push_back({{"account", account}, {"amount_dong", amount}});
  return Json(200, json{{"loan", a.loan_code},
                        {"kind", app::LoanActionKey(a.kind)},
                        {"held", preview.held},
                        {"postings", postings}});
}

Response ActOnSavings(app::Connection& connection, const Call& c) {
  TDCS_TAKE(body, Body::Of(c.request.body, {"kind", "amount_dong", "date"}));
  TDCS_TAKE(kind_text, body.Text("kind", true, 32));
  app::SavingsAction a;
  if (kind_text == "deposit")
    a.kind = app::SavingsActionKind::kDeposit;
  else if (kind_text == "withdraw")
    a.kind = app::SavingsActionKind::kWithdraw;
  else if (kind_text == "reverse")
    a.kind = app::SavingsActionKind::kReverseLast;
  else
    return ErrorAnswer(MakeError(HttpRejection::kFieldType, "kind",
                                 "Thao tác tiết kiệm là deposit, withdraw hoặc reverse",
                                 "A savings action is deposit, withdraw or reverse"));
  TDCS_TAKE(amount, body.Amount("amount_dong", a.kind != app::SavingsActionKind::kReverseLast));
  TDCS_TAKE(date, WriteDate(connection, body));
  a.borrower_code = c.match[1].str();
  a.amount = amount;
  a.date = date;
  TDCS_TAKE(result, app::ActOnSavings(connection, c.context, a));
  return Json(result.repeated ? 200 : 201, json{{"borrower", a.borrower_code},
                                                {"kind", kind_text},
                                                {"txn_id", result.txn_id},
                                                {"entry_id", result.entry_id},
                                                {"repeated", result.repeated}});
}

// GET /api/audit?actor=&action=&subject=&from=&to=&before=&limit=
Response ReadAudit(app::Connection& connection, const Call& c) {
  app::AuditQuery q;
  q.actor = Param(c.request, "actor");
  q.action = Param(c.request, "action");
  q.subject = Param(c.request, "subject");
  for (const char* name : {"from", "to"}) {  // days, UTC: from its start, to its end
    const std::string v = Param(c.request, name);
    if (v.empty()) continue;
    const auto day = Date::Parse(v);
    if (!day)
      return ErrorAnswer(MakeError(HttpRejection::kDateFormat, name,
                                   "Ngày không hợp lệ (YYYY-MM-DD)", "Invalid date (YYYY-MM-DD)"));
    const int64_t start =
        (day->days() + (std::string_view(name) == "to" ? 1 : 0)) * int64_t{86'400'000'000};
    (std::string_view(name) == "from" ? q.from_micros : q.to_micros) = start;
  }
  for (const char* name : {"before", "limit"}) {
    const std::string v = Param(c.request, name);
    if (v.empty()) continue;
    const bool digits = v.size() <= 18 && std::all_of(v.begin(), v.end(), ::isdigit);
    const int64_t n = digits ? std::stoll(v) : -1;
    if (n < 1 || (std::string_view(name) == "limit" && n > kPageMax))
      return ErrorAnswer(
          MakeError(HttpRejection::kQueryInvalid, name,
                    std::string(name) + " phải là số dương" +
                        (std::string_view(name) == "limit" ? " (tối đa 1000)" : ""),
                    std::string(name) + " must be a positive number" +
                        (std::string_view(name) == "limit" ? " (at most 1000)" : "")));
    if (std::string_view(name) == "before")
      q.before_seq = n;
    else
      q.limit = static_cast<int>(n);
  }
  TDCS_TAKE(records, app::ReadAudit(connection, c.context, q));
  json list = json::array();
  for (const auto& r : records)
    list.push_back(
        {{"seq", r.seq},
         {"at_micros", r.at_micros},
         {"actor", r.actor},
         {"role", r.role},
         {"scope", r.scope},
         {"origin", r.origin},
         {"request_id", r.request_id},
         {"action", r.action},
         {"subject", r.subject},
         {"before", r.before.empty() ? json(nullptr) : json::parse(r.before, nullptr, false)},
         {"after", r.after.empty() ? json(nullptr) : json::parse(r.after, nullptr, false)},
         {"hash", r.record_hash}});
  json out{{"records", list}};
  out["next_before"] = records.size() == static_cast<size_t>(q.limit) && !records.empty()
                           ? json(records.back().seq)
                           : json(nullptr);
  return Json(200, out);
}

// The session's date in the path (a date the route's pattern matched).
Result<Date> PathDate(const std::string& text) {
  auto d = Date::Parse(text);
  if (!d)
    return MakeError(HttpRejection::kDateFormat, "date", "Ngày không hợp lệ (YYYY-MM-DD)",
                     "Invalid date (YYYY-MM-DD)");
  return *d;
}

// GET /api/sessions/calendar?office=&month=YYYY-MM
Response SessionCalendar(app::Connection& connection, const Call& c) {
  std::string office = Param(c.request, "office");
  if (office.empty() && c.context.actor.scope.rfind("office:", 0) == 0)
    office = c.context.actor.scope.substr(7);
  if (office.empty())
    return ErrorAnswer(MakeError(HttpRejection::kQueryInvalid, "office",
                                 "Cần mã phòng giao dịch (?office=)",
                                 "An office is needed (?office=)"));
  TDCS_TAKE(month, app::ParseMonth(Param(c.request, "month"), "month"));
  TDCS_TAKE(entries, app::SessionCalendar(connection, c.context, office, month));
  json list = json::array();
  for (const auto& e : entries)
    list.push_back({{"point", e.point_code},
                    {"name", e.point_name},
                    {"session_day", e.session_day},
                    {"date", e.date.ToIso()},
                    {"moved", e.moved},
                    {"reason", e.reason.empty() ? json(nullptr) : json(e.reason)},
                    {"day_off", e.day_off}});
  return Json(200, json{{"office", office}, {"sessions", list}});
}

// GET /api/sessions/{point}/{date}: list 13/TD, by group with its totals,
// and where the session stands.
Response SessionList(app::Connection& connection, const Call& c) {
  const std::string point = c.match[1].str();
  TDCS_TAKE(date, PathDate(c.match[2].str()));
  TDCS_TAKE(lines, app::SessionList(connection, c.context, point, date));
  json groups = json::array();
  std::string current;
  json* group = nullptr;
  for (const auto& l : lines) {
    if (group == nullptr || l.group_code != current) {
      current = l.group_code;
      groups.push_back({{"group", l.group_code},
                        {"lines", json::array()},
                        {"interest_due_dong", 0},
                        {"principal_due_dong", 0},
                        {"savings_due_dong", 0},
                        {"overdue_dong", 0}});
      group = &groups.back();
    }
    (*group)["lines"].push_back({{"borrower", l.borrower_code},
                                 {"loan", l.loan_code.empty() ? json(nullptr) : json(l.loan_code)},
                                 {"principal_outstanding_dong", l.principal_outstanding.dong()},
                                 {"overdue_dong", l.overdue.dong()},
                                 {"interest_due_dong", l.interest_due.dong()},
                                 {"principal_due_dong", l.principal_due.dong()},
                                 {"savings_due_dong", l.savings_due.dong()}});
    for (auto [key, value] :
         {std::pair{"interest_due_dong", l.interest_due},
          std::pair{"principal_due_dong", l.principal_due},
          std::pair{"savings_due_dong", l.savings_due}, std::pair{"overdue_dong", l.overdue}})
      (*group)[key] = (*group)[key].get<int64_t>() + value.dong();
  }
  const std::string status = app::OpenSessionStatus(connection, point, date);
  return Json(200, json{{"point", point},
                        {"date", date.ToIso()},
                        {"status", status.empty() ? "not_open" : status},
                        {"groups", groups}});
}

// GET /api/sessions/{point}/{date}/due?days=30
Response DueList(app::Connection& connection, const Call& c) {
  TDCS_TAKE(date, PathDate(c.match[2].str()));
  int days = 30;
  if (const std::string d = Param(c.request, "days"); !d.empty()) {
    const bool digits = d.size() <= 3 && std::all_of(d.begin(), d.end(), ::isdigit);
    if (!digits || std::stoi(d) < 1 || std::stoi(d) > 366)
      return ErrorAnswer(MakeError(HttpRejection::kQueryInvalid, "days", "days là số từ 1 đến 366",
                                   "days is a number from 1 to 366"));
    days = std::stoi(d);
  }
  TDCS_TAKE(lines, app::DueList(connection, c.context, c.match[1].str(), date, days));
  json list = json::array();
  for (const auto& l : lines)
    list.push_back({{"group", l.group_code},
                    {"borrower", l.borrower_code},
                    {"loan", l.loan_code},
                    {"due", l.due.ToIso()},
                    {"amount_dong", l.amount.dong()}});
  return Json(200, json{{"installments", list}});
}

Response OpenSession(app::Connection& connection, const Call& c) {
  TDCS_TAKE(date, PathDate(c.match[2].str()));
  if (!c.request.body.empty()) {
    TDCS_TAKE(body, Body::Of(c.request.body, {}));
  }
  TDCS_TAKE(opened, app::OpenCommuneSession(connection, c.context, c.match[1].str(), date));
  return Json(opened.already_open ? 200 : 201,
              json{{"status", "open"},
                   {"already_open", opened.already_open},
                   {"commission_paid_dong", opened.commission_paid.dong()},
                   {"fees_paid_dong", opened.fees_paid.dong()}});
}

// POST /api/sessions/{point}/{date}/batches: {"lines":[{"group","borrower",
// "loan","interest_paid_dong","principal_paid_dong","savings_paid_dong"}]}
// — each group one atomic batch, under the Idempotency-Key.
Response PostSession(app::Connection& connection, const Call& c) {
  TDCS_TAKE(date, PathDate(c.match[2].str()));
  auto body = json::parse(c.request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("lines") ||
      !body["lines"].is_array() || body.size() != 1)
    return ErrorAnswer(MakeError(HttpRejection::kBodyInvalid, "lines",
                                 "Nội dung là {\"lines\":[…]}", "The body is {\"lines\":[…]}"));
  if (body["lines"].size() > 20'000)
    return ErrorAnswer(MakeError(HttpRejection::kFieldType, "lines", "Một phiên tối đa 20.000 dòng",
                                 "A session posts at most 20,000 lines"));
  std::vector<app::SessionPostLine> lines;
  int number = 0;
  for (const auto& item : body["lines"]) {
    ++number;
    const std::string where = "lines[" + std::to_string(number - 1) + "]";
    auto bad = [&](const std::string& field, const std::string& vi, const std::string& en) {
      return ErrorAnswer(MakeError(HttpRejection::kFieldType, where + "." + field,
                                   "Dòng " + std::to_string(number) + ": " + vi,
                                   "Line " + std::to_string(number) + ": " + en));
    };
    if (!item.is_object()) return bad("", "phải là một đối tượng", "must be an object");
    app::SessionPostLine l;
    l.line = number;
    for (const auto& [key, value] : item.items()) {
      if (key == "group" || key == "borrower" || key == "loan") {
        const bool code = value.is_string() && value.get_ref<const std::string&>().size() <= 32 &&
                          std::none_of(value.get_ref<const std::string&>().begin(),
                                       value.get_ref<const std::string&>().end(), [](char ch) {
                                         return static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f;
                                       });
        if (!code) return bad(key, "một mã (tối đa 32 ký tự)", "a code (at most 32 characters)");
        (key == "group"      ? l.group_code
         : key == "borrower" ? l.borrower_code
                             : l.loan_code) = value.get<std::string>();
      } else if (key == "interest_paid_dong" || key == "principal_paid_dong" ||
                 key == "savings_paid_dong") {
        const bool integer = value.is_number_integer() && !value.is_number_unsigned()
                                 ? value.get<int64_t>() >= 0 && value.get<int64_t>() <= kAmountMax
                                 : value.is_number_unsigned() &&
                                       value.get<uint64_t>() <= static_cast<uint64_t>(kAmountMax);
        if (!integer)
          return ErrorAnswer(MakeError(
              HttpRejection::kAmountInvalid, where + "." + key,
              "Dòng " + std::to_string(number) + ": số tiền là số nguyên đồng từ 0 đến 10^15",
              "Line " + std::to_string(number) +
                  ": an amount is a whole number of đồng from 0 to 10^15"));
        const Money m = Money::Dong(value.get<int64_t>());
        (key == "interest_paid_dong"    ? l.interest_paid
         : key == "principal_paid_dong" ? l.principal_paid
                                        : l.savings_paid) = m;
      } else {
        return ErrorAnswer(MakeError(HttpRejection::kFieldUnknown, where + "." + key,
                                     "Trường '" + key + "' không thuộc một dòng của phiên",
                                     "A session line takes no field '" + key + "'"));
      }
    }
    if (l.group_code.empty() || l.borrower_code.empty())
      return ErrorAnswer(
          MakeError(HttpRejection::kFieldRequired, where + ".group",
                    "Dòng " + std::to_string(number) + ": cần group và borrower",
                    "Line " + std::to_string(number) + ": group and borrower are needed"));
    lines.push_back(std::move(l));
  }
  TDCS_TAKE(report, app::PostSession(connection, c.context, c.match[1].str(), date, lines,
                                     c.context.idempotency_key));
  json flagged = json::array();
  for (const auto& f : report.flagged)
    flagged.push_back({{"line", f.line}, {"loan", f.loan_code}, {"what", f.what}});
  json refused = json::array();
  for (const auto& r : report.refused)
    refused.push_back({{"line", r.line},
                       {"code", r.error.code},
                       {"field", r.error.field},
                       {"message_vi", r.error.message_vi},
                       {"message_en", r.error.message_en}});
  const bool all_refused = report.groups_posted == 0 && report.groups_repeated == 0;
  return Json(all_refused ? 422 : 200, json{{"point", report.point_code},
                                            {"date", report.session_date.ToIso()},
                                            {"groups_posted", report.groups_posted},
                                            {"groups_repeated", report.groups_repeated},
                                            {"groups_refused", report.groups_refused},
                                            {"lines_posted", report.lines_posted},
                                            {"collected_dong", report.collected.dong()},
                                            {"flagged", flagged},
                                            {"refused", refused}});
}

Response CloseSession(app::Connection& connection, const Call& c) {
  TDCS_TAKE(date, PathDate(c.match[2].str()));
  TDCS_TAKE(body, Body::Of(c.request.body, {"counted_dong", "brought_dong", "reason"}));
  TDCS_TAKE(counted, body.Amount("counted_dong", true, true));
  TDCS_TAKE(brought, body.Amount("brought_dong", false, true));
  TDCS_TAKE(reason, body.Text("reason", false, 500));
  app::SessionCloseRequest r{c.match[1].str(), date, counted, reason, brought};
  TDCS_TAKE(closed, app::CloseCommuneSession(connection, c.context, r));
  return Json(200, json{{"status", "closed"},
                        {"brought_dong", closed.brought.dong()},
                        {"cash_in_dong", closed.cash_in.dong()},
                        {"cash_out_dong", closed.cash_out.dong()},
                        {"fees_paid_dong", closed.fees_paid.dong()},
                        {"expected_dong", closed.expected.dong()},
                        {"counted_dong", closed.counted.dong()},
                        {"difference_dong", closed.difference.dong()}});
}

json RequestJson(const app::PendingRequest& r) {
  auto text_or_null = [](const std::string& t) { return t.empty() ? json(nullptr) : json(t); };
  const bool rate = r.kind == "rate";  // its subject and rate, not a loan and an amount
  return json{
      {"id", r.id},
      {"kind", r.kind},
      {"loan", r.loan_code},
      {"date", r.date.ToIso()},
      {"amount_dong", rate ? json(nullptr) : json(r.amount.dong())},
      {"rate_percent", rate ? json(Rate::PerMonthMillionths(r.amount.dong()).ToPercentVietnamese())
                            : json(nullptr)},
      {"note", text_or_null(r.note)},
      {"months", r.months},
      {"heir", text_or_null(r.heir_code)},
      {"maker", r.maker},
      {"maker_role", r.maker_role},
      {"made_at_micros", r.made_at},
      {"status", r.status},
      {"checker", text_or_null(r.checker)},
      {"decided_at_micros", r.decided_at ? json(r.decided_at) : json(nullptr)},
      {"reason", text_or_null(r.decision_reason)},
      {"txn_id", r.txn_id ? json(r.txn_id) : json(nullptr)}};
}

// GET /api/approvals?status=pending|approved|rejected|all
Response ListRequests(app::Connection& connection, const Call& c) {
  std::string status = Param(c.request, "status");
  if (status.empty()) status = "pending";
  if (status != "pending" && status != "approved" && status != "rejected" && status != "all")
    return ErrorAnswer(MakeError(HttpRejection::kQueryInvalid, "status",
                                 "status là pending, approved, rejected hoặc all",
                                 "status is pending, approved, rejected or all"));
  TDCS_TAKE(requests, app::ListRequests(connection, c.context, status == "all" ? "" : status));
  json list = json::array();
  for (const auto& r : requests) list.push_back(RequestJson(r));
  return Json(200, json{{"requests", list}});
}

// POST /api/approvals/{id}: {"approve":bool,"reason"}
Response DecideRequest(app::Connection& connection, const Call& c) {
  TDCS_TAKE(body, Body::Of(c.request.body, {"approve", "reason"}));
  TDCS_TAKE(approve, body.Bool("approve", true));
  TDCS_TAKE(reason, body.Text("reason", false, 500));
  const std::string id = c.match[1].str();
  TDCS_TAKE(decided, app::DecideRequest(connection, c.context, std::stoll(id), approve, reason));
  return Json(200, RequestJson(decided));
}

Response ListUsers(app::Connection& connection, const Call& c) {
  TDCS_TAKE(users, app::ListUsers(connection, c.context));
  json list = json::array();
  for (const auto& u : users) list.push_back(UserJson(u));
  return Json(200, json{{"users", list}});
}

Response AddUser(app::Connection& connection, const Call& c) {
  TDCS_TAKE(body, Body::Of(c.request.body, {"login", "role", "scope", "association", "password"}));
  app::UserRequest r;
  TDCS_TAKE(login, body.Text("login", true, 64));
  TDCS_TAKE(role, body.Text("role", true, 32));
  TDCS_TAKE(scope, body.Text("scope", false, 64));
  TDCS_TAKE(association, body.Text("association", false, 16));
  TDCS_TAKE(password, body.Text("password", true, 1024));
  r = {login, role, scope, association, password};
  TDCS_TAKE(user, app::AddUser(connection, c.context, r));
  return Json(201, UserJson(user));
}

Response ChangeUser(app::Connection& connection, const Call& c) {
  TDCS_TAKE(body,
            Body::Of(c.request.body, {"role", "scope", "association", "password", "disabled"}));
  const std::string login = c.match[1].str();
  TDCS_TAKE(disabled, body.Bool("disabled", false));
  if (disabled && (body.Has("role") || body.Has("password")))
    return ErrorAnswer(
        MakeError(HttpRejection::kFieldType, "disabled",
                  "Khóa người dùng là một thay đổi riêng, không kèm role hay password",
                  "Disabling a user is a change of its own, without role or password"));
  std::optional<app::UserView> last;
  if (disabled) {
    TDCS_TAKE(user, app::DisableUser(connection, c.context, login));
    last = user;
  }
  if (body.Has("role")) {
    TDCS_TAKE(role, body.Text("role", true, 32));
    TDCS_TAKE(scope, body.Text("scope", false, 64));
    TDCS_TAKE(association, body.Text("association", false, 16));
    TDCS_TAKE(user, app::ChangeRole(connection, c.context, {login, role, scope, association, ""}));
    last = user;
  }
  if (body.Has("password")) {
    TDCS_TAKE(password, body.Text("password", true, 1024));
    TDCS_TAKE(user, app::ResetPassword(connection, c.context, login, password));
    last = user;
  }
  if (!last)
    return ErrorAnswer(MakeError(HttpRejection::kFieldRequired, "role",
                                 "Cần ít nhất một thay đổi: role, password hoặc disabled",
                                 "At least one change is needed: role, password or disabled"));
  return Json(200, UserJson(*last));
}

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
// ?association=11–14 or farmers|women|veterans|youth, or nothing (0).
Result<int> AssociationParam(const Request& request) {
  const std::string text = Param(request, "association");
  if (text.empty()) return 0;
  return app::ParseAssociationCode(text, "association");
}

json OptionalDate(const std::optional<Date>& d) { return d ? json(d->ToIso()) : json(nullptr); }

// POST /api/reconciliations {"unit","as_of","code"}: opens a campaign (15/TD).
Response OpenReconciliation(app::Connection& connection, const Call& c) {
  TDCS_TAKE(body, Body::Of(c.request.body, {"unit", "as_of", "code"}));
  TDCS_TAKE(unit, body.Text("unit", true, 64));
  TDCS_TAKE(as_of, body.DateField("as_of", true));
  TDCS_TAKE(code, body.Text("code", false, 40));
  TDCS_TAKE(opened, app::OpenReconciliation(connection, c.context, {unit, *as_of, code}));
  return Json(201, json{{"code", opened.code},
                        {"unit_kind", opened.unit_kind},
                        {"unit", opened.unit_code},
                        {"as_of", opened.as_of.ToIso()},
                        {"households", opened.households},
                        {"groups", opened.groups},
                        {"principal_dong", opened.principal.dong()},
                        {"interest_dong", opened.interest.dong()},
                        {"savings_dong", opened.savings.dong()}});
}

// GET /api/reconciliations/{code}?group=&association=: list 15/TD.
Response ListReconciliation(app::Connection& connection, const Call& c) {
  TDCS_TAKE(association, AssociationParam(c.request));
  TDCS_TAKE(list, app::ListReconciliation(connection, c.context, c.match[1].str(),
                                          Param(c.request, "group"), association));
  json lines = json::array();
  for (const auto& l : list.lines)
    lines.push_back({{"group", l.group_code},
                     {"association", l.association},
                     {"point", l.point_code},
                     {"office", l.office_code},
                     {"borrower", l.borrower_code},
                     {"name", l.borrower_name},
                     {"principal_dong", l.principal.dong()},
                     {"interest_dong", l.interest.dong()},
                     {"savings_dong", l.savings.dong()},
                     {"answer", l.answer.empty() ? json(nullptr) : json(l.answer)},
                     {"note", l.note},
                     {"answered_on", OptionalDate(l.answered_on)},
                     {"answered_by", l.answered_by},
                     {"resolution", l.resolution},
                     {"resolved_on", OptionalDate(l.resolved_on)},
                     {"resolved_by", l.resolved_by}});
  return Json(200, json{{"code", list.code},
                        {"unit_kind", list.unit_kind},
                        {"unit", list.unit_code},
                        {"as_of", list.as_of.ToIso()},
                        {"lines", lines}});
}

// POST /api/reconciliations/{code}/answers {"borrower","confirmed","note"}
Response AnswerReconciliation(app::Connection& connection, const Call& c) {
  TDCS_TAKE(body, Body::Of(c.request.body, {"borrower", "confirmed", "note"}));
  TDCS_TAKE(borrower, body.Text("borrower", true, 32));
  TDCS_TAKE(confirmed, body.Bool("confirmed", true));
  TDCS_TAKE(note, body.Text("note", false, 500));
  const std::string code = c.match[1].str();
  if (auto done =
          app::AnswerReconciliation(connection, c.context, {code, borrower, confirmed, note});
      !done.ok())
    return ErrorAnswer(done.error());
  return Json(201, json{{"campaign", code},
                        {"borrower", borrower},
                        {"answer", confirmed ? "confirmed" : "discrepancy"}});
}

// POST /api/reconciliations/{code}/resolutions {"borrower","resolution"}
Response ResolveReconciliation(app::Connection& connection, const Call& c) {
  TDCS_TAKE(body, Body::Of(c.request.body, {"borrower", "resolution"}));
  TDCS_TAKE(borrower, body.Text("borrower", true, 32));
  TDCS_TAKE(resolution, body.Text("resolution", true, 500));
  const std::string code = c.match[1].str();
  if (auto done = app::ResolveReconciliation(connection, c.context, code, borrower, resolution);
      !done.ok())
    return ErrorAnswer(done.error());
  return Json(201, json{{"campaign", code}, {"borrower", borrower}, {"resolution", resolution}});
}

json ProgressRowJson(const app::ReconcileProgressRow& r) {
  return json{{"unit", r.unit},
              {"households", r.households},
              {"answered", r.answered},
              {"confirmed", r.confirmed},
              {"discrepancies", r.discrepancies},
              {"resolved", r.resolved},
              {"percent", r.percent},
              {"text", r.text}};
}

// GET /api/reconciliations/{code}/progress?by=office|point|group|association
Response ReconciliationProgress(app::Connection& connection, const Call& c) {
  const std::string by = Param(c.request, "by").empty() ? "office" : Param(c.request, "by");
  TDCS_TAKE(progress, app::ReconciliationProgress(connection, c.context, c.match[1].str(), by));
  json rows = json::array();
  for (const auto& r : progress.rows) rows.push_back(ProgressRowJson(r));
  return Json(200, json{{"code", progress.code},
                        {"as_of", progress.as_of.ToIso()},
                        {"by", by},
                        {"rows", rows},
                        {"total", ProgressRowJson(progress.total)}});
}

// POST /api/ratings/{month}: rates every group of the month (BC0437).
Response RateGroups(app::Connection& connection, const Call& c) {
  TDCS_TAKE(month, app::ParseMonth(c.match[1].str(), "month"));
  TDCS_TAKE(summary, app::RateGroups(connection, c.context, month));
  const auto classes = [](const app::ClassCounts& k) {
    return json{{"tot", k.good}, {"kha", k.fair}, {"trung_binh", k.average}, {"yeu", k.weak}};
  };
  return Json(201, json{{"month", c.match[1].str()},
                        {"groups", static_cast<int64_t>(summary.groups.size())},
                        {"group_classes", classes(summary.group_classes)},
                        {"commune_classes", classes(summary.commune_classes)},
                        {"unit_classes", classes(summary.unit_classes)}});
}

// POST /api/fees/{month}: the month's commission and entrustment fees, posted once.
Response RunFees(app::Connection& connection, const Call& c) {
  TDCS_TAKE(month, app::ParseMonth(c.match[1].str(), "month"));
  TDCS_TAKE(summary, app::RunFees(connection, c.context, month));
  json levels = json::object();
  const char* names[] = {"central", "province", "district", "commune"};
  for (int i = 0; i < 4; ++i) levels[names[i]] = summary.by_level[i].dong();
  return Json(201, json{{"month", c.match[1].str()},
                        {"groups", summary.groups},
                        {"interest_collected_dong", summary.interest_collected.dong()},
                        {"commission_dong", summary.commission.dong()},
                        {"fees_dong", summary.fees.dong()},
                        {"full", summary.full},
                        {"reduced", summary.reduced},
                        {"withheld", summary.withheld},
                        {"fees_by_level_dong", levels}});
}

// GET /api/fees/{month}?group=CODE | ?association=&level=&area=: a statement.
Response FeeStatement(app::Connection& connection, const Call& c) {
  TDCS_TAKE(month, app::ParseMonth(c.match[1].str(), "month"));
  app::FeeStatementRequest r;
  r.month = month;
  r.group_code = Param(c.request, "group");
  if (r.group_code.empty()) {
    TDCS_TAKE(association, AssociationParam(c.request));
    r.association = association;
    r.level = Param(c.request, "level");
    r.area_code = Param(c.request, "area");
    if (r.association == 0 || r.level.empty())
      return ErrorAnswer(MakeError(HttpRejection::kQueryInvalid, "group",
                                   "Cần ?group= hoặc ?association=&level=(&area=)",
                                   "Give ?group= or ?association=&level=(&area=)"));
  }
  TDCS_TAKE(lines, app::FeeStatement(connection, c.context, r));
  json out = json::array();
  for (const auto& l : lines)
    out.push_back({{"group", l.group_code},
                   {"kind", l.kind},
                   {"level", l.level},
                   {"association", l.association_code},
                   {"area", l.area_code},
                   {"interest_collected_dong", l.interest_collected.dong()},
                   {"rate_bp", l.rate_bp},
                   {"overdue_ratio_bp", l.overdue_ratio_bp},
                   {"collection_ratio_bp", l.collection_ratio_bp},
                   {"quality", l.quality},
                   {"percent", l.percent},
                   {"amount_dong", l.amount.dong()},
                   {"paid_on", OptionalDate(l.paid_on)}});
  return Json(200, json{{"month", c.match[1].str()}, {"lines", out}});
}

// GET /api/inspections/new-loans?office=&on=&association=: list 06/TD.
Response NewLoansToInspect(app::Connection& connection, const Call& c) {
  TDCS_TAKE(on, QueryDate(connection, c.request, "on"));
  TDCS_TAKE(association, AssociationParam(c.request));
  TDCS_TAKE(loans, app::NewLoansToInspect(connection, c.context, Param(c.request, "office"), on,
                                          association));
  json out = json::array();
  for (const auto& l : loans)
    out.push_back({{"association", l.association},
                   {"group", l.group_code},
                   {"loan", l.loan_code},
                   {"borrower", l.borrower_code},
                   {"program", l.program},
                   {"disbursed_on", l.disbursed_on.ToIso()},
                   {"deadline", l.deadline.ToIso()},
                   {"days_left", l.days_left},
                   {"inspected_on", OptionalDate(l.inspected_on)}});
  return Json(200,
              json{{"office", Param(c.request, "office")}, {"on", on.ToIso()}, {"loans", out}});
}

// GET /api/inspections/dormant?office=&on=&association=
Response DormantLoans(app::Connection& connection, const Call& c) {
  TDCS_TAKE(on, QueryDate(connection, c.request, "on"));
  TDCS_TAKE(association, AssociationParam(c.request));
  TDCS_TAKE(loans,
            app::DormantLoans(connection, c.context, Param(c.request, "office"), on, association));
  json out = json::array();
  for (const auto& l : loans)
    out.push_back({{"association", l.association},
                   {"group", l.group_code},
                   {"loan", l.loan_code},
                   {"borrower", l.borrower_code},
                   {"program", l.program},
                   {"disbursed_on", l.disbursed_on.ToIso()},
                   {"last_transaction", OptionalDate(l.last_transaction)},
                   {"principal_dong", l.principal.dong()},
                   {"inspected_on", OptionalDate(l.inspected_on)}});
  return Json(200,
              json{{"office", Param(c.request, "office")}, {"on", on.ToIso()}, {"loans", out}});
}

json PlanEntriesJson(const std::vector<app::PlanEntry>& entries) {
  json out = json::array();
  for (const auto& e : entries)
    out.push_back({{"month", e.month},
                   {"association", e.association},
                   {"group", e.group_code},
                   {"name", e.group_name},
                   {"done_on", OptionalDate(e.done_on)}});
  return out;
}

// POST /api/inspections/plans {"unit","year"}: the groups of the area not
// yet in the year's plan, each given a month.
Response PlanInspections(app::Connection& connection, const Call& c) {
  TDCS_TAKE(body, Body::Of(c.request.body, {"unit", "year"}));
  TDCS_TAKE(unit, body.Text("unit", true, 64));
  TDCS_TAKE(year, body.Int("year", true, 2000, 2100));
  TDCS_TAKE(plan, app::PlanInspections(connection, c.context, {unit, static_cast<int>(year)}));
  return Json(201, json{{"unit", unit},
                        {"year", year},
                        {"added", plan.added},
                        {"already", plan.already},
                        {"entries", PlanEntriesJson(plan.entries)}});
}

// GET /api/inspections/plans/{year}?association=
Response InspectionPlan(app::Connection& connection, const Call& c) {
  TDCS_TAKE(association, AssociationParam(c.request));
  const int year = std::stoi(c.match[1].str());
  TDCS_TAKE(entries, app::InspectionPlan(connection, c.context, year, association));
  return Json(200, json{{"year", year}, {"entries", PlanEntriesJson(entries)}});
}

// POST /api/inspections {"loan"|"group","date","result","note"}
Response RecordInspection(app::Connection& connection, const Call& c) {
  TDCS_TAKE(body, Body::Of(c.request.body, {"loan", "group", "date", "result", "note"}));
  app::InspectionRecordRequest r;
  TDCS_TAKE(loan, body.Text("loan", false, 32));
  TDCS_TAKE(group, body.Text("group", false, 32));
  TDCS_TAKE(result, body.Text("result", true, 16));
  TDCS_TAKE(note, body.Text("note", false, 500));
  TDCS_TAKE(date, WriteDate(connection, body));
  r.loan_code = loan;
  r.group_code = group;
  r.result = result;
  r.note = note;
  r.date = date;
  TDCS_TAKE(id, app::RecordInspection(connection, c.context, r));
  return Json(201, json{{"id", id},
                        {"loan", loan.empty() ? json(nullptr) : json(loan)},
                        {"group", group.empty() ? json(nullptr) : json(group)},
                        {"date", date.ToIso()},
                        {"result", result}});
}

json PlanJson(const app::PlanReport& plan) {
  const auto line = [](const app::PlanLine& l) {
    return json{{"program", l.program},
                {"program_name", l.program_name},
                {"target_dong", l.target},
                {"allocated_dong", l.allocated},
                {"outstanding_dong", l.outstanding},
                {"attainment_bp", l.AttainmentBp()}};
  };
  json lines = json::array();
  for (const auto& l : plan.lines) lines.push_back(line(l));
  return json{{"unit_kind", plan.heading.unit_kind},
              {"unit", plan.heading.unit_code},
              {"unit_name", plan.heading.unit_name},
              {"year", plan.year},
              {"at", plan.heading.at.ToIso()},
              {"lines", lines},
              {"total", line(plan.total)}};
}

// POST /api/plans {"year","unit","program","amount_dong"}: a target, top-down.
Response SetPlan(app::Connection& connection, const Call& c) {
  TDCS_TAKE(body, Body::Of(c.request.body, {"year", "unit", "program", "amount_dong"}));
  TDCS_TAKE(year, body.Int("year", true, 2000, 2100));
  TDCS_TAKE(unit, body.Text("unit", false, 64));
  TDCS_TAKE(program, body.Text("program", true, 16));
  TDCS_TAKE(amount, body.Amount("amount_dong", true, true));
  app::PlanTargetRequest r;
  r.year = static_cast<int>(year);
  if (!unit.empty()) r.unit = unit;
  r.program = program;
  r.amount = std::to_string(amount.dong());
  TDCS_TAKE(plan, app::SetPlan(connection, c.context, r));
  return Json(201, PlanJson(plan));
}

// GET /api/plans/{year}?unit=&at=: the year's targets and their attainment.
Response ShowPlan(app::Connection& connection, const Call& c) {
  app::ReportRequest r;
  r.unit = Param(c.request, "unit").empty() ? c.context.actor.scope : Param(c.request, "unit");
  if (!Param(c.request, "at").empty()) {
    TDCS_TAKE(at, QueryDate(connection, c.request, "at"));
    r.at = at;
  }
  TDCS_TAKE(plan, app::Plan(connection, c.context, std::stoi(c.match[1].str()), r));
  return Json(200, PlanJson(plan));
}

// A rate given as a percent per month, up to 4 decimals ("0,55" or "0.55").
Result<Rate> RatePercent(const Body& body) {
  auto text = body.Text("rate_percent", true, 16);
  if (!text.ok()) return text.error();
  const auto rate = Rate::ParsePercent(text.value());
  if (!rate || rate->per_month_millionths() <= 0 || rate->per_month_millionths() > 100'000)
    return MakeError(HttpRejection::kFieldType, "rate_percent",
                     "Lãi suất là phần trăm mỗi tháng, lớn hơn 0 và tối đa 10 (\"0,55\")",
                     "A rate is a percent a month, above 0 and at most 10 (\"0.55\")");
  return *rate;
}

// A rate change: 201 in force, or 202 waiting for a checker.
Response RateChangeAnswer(const std::string& subject, Date from, const app::RateChange& change) {
  if (change.pending_request != 0)
    return Json(202, json{{"subject", subject},
                          {"from", from.ToIso()},
                          {"status", "pending_approval"},
                          {"request", change.pending_request},
                          {"repeated", change.repeated}});
  return Json(201, json{{"subject", subject}, {"from", from.ToIso()}, {"status", "in_force"}});
}

// POST /api/programs/{code}/rates {"from","rate_percent"}
Response ChangeProgramRate(app::Connection& connection, const Call& c) {
  TDCS_TAKE(body, Body::Of(c.request.body, {"from", "rate_percent"}));
  TDCS_TAKE(from, body.DateField("from", true));
  TDCS_TAKE(rate, RatePercent(body));
  const std::string program = c.match[1].str();
  TDCS_TAKE(change, app::ChangeRate(connection, c.context, program, *from, rate));
  return RateChangeAnswer("program:" + program, *from, change);
}

// POST /api/savings/rates {"from","rate_percent"}
Response ChangeSavingsRate(app::Connection& connection, const Call& c) {
  TDCS_TAKE(body, Body::Of(c.request.body, {"from", "rate_percent"}));
  TDCS_TAKE(from, body.DateField("from", true));
  TDCS_TAKE(rate, RatePercent(body));
  TDCS_TAKE(change, app::ChangeRate(connection, c.context, "", *from, rate));
  return RateChangeAnswer("savings", *from, change);
}

// POST /api/programs/{code}/limits {"from","max_amount_dong"}
Response ChangeProgramLimit(app::Connection& connection, const Call& c) {
  TDCS_TAKE(body, Body::Of(c.request.body, {"from", "max_amount_dong"}));
  TDCS_TAKE(from, body.DateField("from", true));
  TDCS_TAKE(amount, body.Amount("max_amount_dong", true));
  const std::string program = c.match[1].str();
  if (auto done = app::SetProgramLimit(connection, c.context, program, *from, amount); !done.ok())
    return ErrorAnswer(done.error());
  return Json(
      201, json{{"program", program}, {"from", from->ToIso()}, {"max_amount_dong", amount.dong()}});
}

// PUT /api/settings/{name} {"from","value"}: a dated setting.
Response PutSetting(app::Connection& connection, const Call& c) {
  TDCS_TAKE(body, Body::Of(c.request.body, {"from", "value"}));
  TDCS_TAKE(from, body.DateField("from", true));
  TDCS_TAKE(value, body.Text("value", true, 200));
  const std::string name = c.match[1].str();
  if (auto done = app::SetSetting(connection, c.context, name, *from, value); !done.ok())
    return ErrorAnswer(done.error());
  return Json(200, json{{"name", name}, {"from", from->ToIso()}, {"value", value}});
}

// POST /api/holidays {"date","valid_from"?,"valid_to"?,"name_vi","name_en","note"?}
Response AddHoliday(app::Connection& connection, const Call& c) {
  TDCS_TAKE(body, Body::Of(c.request.body,
                           {"date", "valid_from", "valid_to", "name_vi", "name_en", "note"}));
  TDCS_TAKE(date, body.DateField("date", true));
  TDCS_TAKE(valid_from, body.DateField("valid_from", false));
  TDCS_TAKE(valid_to, body.DateField("valid_to", false));
  TDCS_TAKE(name_vi, body.Text("name_vi", true, 200));
  TDCS_TAKE(name_en, body.Text("name_en", true, 200));
  TDCS_TAKE(note, body.Text("note", false, 500));
  Holiday h;
  h.date = *date;
  // Known from the business date unless said otherwise.
  h.valid_from = valid_from ? *valid_from : app::BusinessDate(connection).value_or(*date);
  h.valid_to = valid_to;
  h.name_vi = name_vi;
  h.name_en = name_en;
  h.note = note;
  if (auto done = app::AddHoliday(connection, c.context, h); !done.ok())
    return ErrorAnswer(done.error());
  return Json(201, json{{"date", h.date.ToIso()},
                        {"valid_from", h.valid_from.ToIso()},
                        {"valid_to", OptionalDate(h.valid_to)},
                        {"name_vi", h.name_vi},
                        {"name_en", h.name_en}});
}

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

// A route: method, path (a regular expression of the whole path, and its
// OpenAPI form), whether it only reads, who may call it, handler. Handlers
// that read the books borrow a connection for the call only: from the read
// pool (`tdcs serve --read-db`, a hot standby) when the route only reads,
// from the main pool otherwise.
enum class Access { kPublic, kSignedIn };
using Handler = std::function<Response(const Pools&, app::ConnectionPool&, const Call&)>;
// A handler run in a group commit (app::WriteGroup), on the group's connection.
using GroupedHandler = Response (*)(app::Connection&, const Call&);
struct Route {
  const char* method;
  const char* path;  // OpenAPI form
  std::regex pattern;
  bool reads;
  Access access;
  Handler handle;  // null: `grouped`
  GroupedHandler grouped = nullptr;
};

// Runs `handler` on a connection of `pool`. A read that finds its connection
// lost (the database restarted since the connection was last used) runs
// once more on a new one: it wrote nothing, so running it again is safe.
template <typename Handler>
auto WithConnection(Handler handler) {
  return [handler](const Pools&, app::ConnectionPool& pool, const Call& call) {
    for (int attempt = 1;; ++attempt) {
      auto connection = pool.Acquire();
      try {
        return handler(*connection, call);
      } catch (const StorageFault&) {
        if (attempt >= 2 || !connection->IsBroken() || call.request.method != "GET") throw;
      }
    }
  };
}

#define TDCS_ROUTE(METHOD, PATH, PATTERN, READS, ACCESS, FN) \
  Route { METHOD, PATH, std::regex(PATTERN), READS, ACCESS, WithConnection(FN) }
// The writes that move money, which are many and short, run in the next
// group commit (app::WriteGroup). A handler that runs long (a password hash)
// stays out, on a connection of its own.
#define TDCS_GROUPED_ROUTE(METHOD, PATH, PATTERN, ACCESS, FN) \
  Route { METHOD, PATH, std::regex(PATTERN), false, ACCESS, nullptr, FN }

const std::vector<Route>& Routes() {
  constexpr auto kPublic = Access::kPublic;
  constexpr auto kSignedIn = Access::kSignedIn;
  static const std::vector<Route> routes = {
      {"GET", "/", std::regex("/"), true, kPublic,
       [](const Pools&, app::ConnectionPool&, const Call& c) {
         if (auto page = WebFile(c.options.web_root, "/")) return *page;
         return Response{200, "text/html; charset=utf-8", std::string(EmbeddedData("index.html"))};
       }},
      {"GET", "/api/health", std::regex("/api/health"), true, kPublic,
       [](const Pools& pools, app::ConnectionPool&, const Call&) { return Health(pools); }},
      TDCS_ROUTE("POST", "/api/session", "/api/session", false, kPublic, SignIn),
      {"GET", "/api/session", std::regex("/api/session"), true, kSignedIn,
       [](const Pools&, app::ConnectionPool&, const Call& c) { return WhoAmI(c); }},
      TDCS_ROUTE("DELETE", "/api/session", "/api/session", false, kSignedIn, SignOut),
      TDCS_ROUTE("POST", "/api/session/password", "/api/session/password", false, kSignedIn,
                 ChangePassword),
      TDCS_ROUTE("GET", "/api/network/summary", "/api/network/summary", true, kSignedIn,
                 NetworkSummary),
      TDCS_ROUTE("GET", "/api/borrowers", "/api/borrowers", true, kSignedIn, FindBorrowers),
      TDCS_ROUTE("POST", "/api/borrowers", "/api/borrowers", false, kSignedIn, AddBorrower),
      TDCS_ROUTE("PUT", "/api/borrowers/{code}", "/api/borrowers/([0-9]{1,32})", false, kSignedIn,
                 ChangeBorrower),
      TDCS_ROUTE("GET", "/api/network", "/api/network", true, kSignedIn, ShowNetwork),
      TDCS_ROUTE("GET", "/api/programs", "/api/programs", true, kSignedIn, ListPrograms),
      TDCS_ROUTE("GET", "/api/loans", "/api/loans", true, kSignedIn, ListLoans),
      TDCS_ROUTE("POST", "/api/imports/{kind}", "/api/imports/([a-z]{1,16})", false, kSignedIn,
                 ImportFile),
      // An export is recorded in the audit log, so it runs on the main database.
      TDCS_ROUTE("GET", "/api/exports/{kind}", "/api/exports/([a-z]{1,16})", false, kSignedIn,
                 ExportFile),
      TDCS_ROUTE("GET", "/api/borrowers/{code}", "/api/borrowers/([0-9]{1,32})", true, kSignedIn,
                 ViewBorrower),
      TDCS_GROUPED_ROUTE("POST", "/api/borrowers/{code}/savings",
                         "/api/borrowers/([0-9]{1,32})/savings", kSignedIn, ActOnSavings),
      TDCS_ROUTE("GET", "/api/reports/{name}", "/api/reports/([a-z-]{1,32})", true, kSignedIn,
                 Report),
      TDCS_GROUPED_ROUTE("POST", "/api/loans", "/api/loans", kSignedIn, ApplyForLoan),
      TDCS_ROUTE("GET", "/api/loans/{code}", "/api/loans/([A-Za-z0-9_-]{1,32})", true, kSignedIn,
                 ViewLoan),
      TDCS_GROUPED_ROUTE("POST", "/api/loans/{code}/decision",
                         "/api/loans/([A-Za-z0-9_-]{1,32})/decision", kSignedIn, DecideOnLoan),
      TDCS_GROUPED_ROUTE("POST", "/api/loans/{code}/actions",
                         "/api/loans/([A-Za-z0-9_-]{1,32})/actions", kSignedIn, ActOnLoan),
      TDCS_ROUTE("POST", "/api/loans/{code}/preview", "/api/loans/([A-Za-z0-9_-]{1,32})/preview",
                 false, kSignedIn, PreviewLoanAction),
      TDCS_ROUTE("GET", "/api/sessions/calendar", "/api/sessions/calendar", true, kSignedIn,
                 SessionCalendar),
      TDCS_ROUTE("GET", "/api/sessions/{point}/{date}",
                 "/api/sessions/([A-Za-z0-9_-]{1,32})/([0-9]{4}-[0-9]{2}-[0-9]{2})", true,
                 kSignedIn, SessionList),
      TDCS_ROUTE("GET", "/api/sessions/{point}/{date}/due",
                 "/api/sessions/([A-Za-z0-9_-]{1,32})/([0-9]{4}-[0-9]{2}-[0-9]{2})/due", true,
                 kSignedIn, DueList),
      TDCS_GROUPED_ROUTE("POST", "/api/sessions/{point}/{date}/open",
                         "/api/sessions/([A-Za-z0-9_-]{1,32})/([0-9]{4}-[0-9]{2}-[0-9]{2})/open",
                         kSignedIn, OpenSession),
      TDCS_GROUPED_ROUTE("POST", "/api/sessions/{point}/{date}/batches",
                         "/api/sessions/([A-Za-z0-9_-]{1,32})/([0-9]{4}-[0-9]{2}-[0-9]{2})/batches",
                         kSignedIn, PostSession),
      TDCS_GROUPED_ROUTE("POST", "/api/sessions/{point}/{date}/close",
                         "/api/sessions/([A-Za-z0-9_-]{1,32})/([0-9]{4}-[0-9]{2}-[0-9]{2})/close",
                         kSignedIn, CloseSession),
      TDCS_ROUTE("GET", "/api/approvals", "/api/approvals", true, kSignedIn, ListRequests),
      TDCS_GROUPED_ROUTE("POST", "/api/approvals/{id}", "/api/approvals/([1-9][0-9]{0,17})",
                         kSignedIn, DecideRequest),
      TDCS_ROUTE("POST", "/api/reconciliations", "/api/reconciliations", false, kSignedIn,
                 OpenReconciliation),
      TDCS_ROUTE("GET", "/api/reconciliations/{code}", "/api/reconciliations/([A-Za-z0-9_-]{1,40})",
                 true, kSignedIn, ListReconciliation),
      TDCS_ROUTE("POST", "/api/reconciliations/{code}/answers",
                 "/api/reconciliations/([A-Za-z0-9_-]{1,40})/answers", false, kSignedIn,
                 AnswerReconciliation),
      TDCS_ROUTE("POST", "/api/reconciliations/{code}/resolutions",
                 "/api/reconciliations/([A-Za-z0-9_-]{1,40})/resolutions", false, kSignedIn,
                 ResolveReconciliation),
      TDCS_ROUTE("GET", "/api/reconciliations/{code}/progress",
                 "/api/reconciliations/([A-Za-z0-9_-]{1,40})/progress", true, kSignedIn,
                 ReconciliationProgress),
      TDCS_ROUTE("POST", "/api/ratings/{month}", "/api/ratings/([0-9]{4}-[0-9]{2})", false,
                 kSignedIn, RateGroups),
      TDCS_ROUTE("POST", "/api/fees/{month}", "/api/fees/([0-9]{4}-[0-9]{2})", false, kSignedIn,
                 RunFees),
      TDCS_ROUTE("GET", "/api/fees/{month}", "/api/fees/([0-9]{4}-[0-9]{2})", true, kSignedIn,
                 FeeStatement),
      TDCS_ROUTE("GET", "/api/inspections/new-loans", "/api/inspections/new-loans", true, kSignedIn,
                 NewLoansToInspect),
      TDCS_ROUTE("GET", "/api/inspections/dormant", "/api/inspections/dormant", true, kSignedIn,
                 DormantLoans),
      TDCS_ROUTE("POST", "/api/inspections/plans", "/api/inspections/plans", false, kSignedIn,
                 PlanInspections),
      TDCS_ROUTE("GET", "/api/inspections/plans/{year}", "/api/inspections/plans/([0-9]{4})", true,
                 kSignedIn, InspectionPlan),
      TDCS_ROUTE("POST", "/api/inspections", "/api/inspections", false, kSignedIn,
                 RecordInspection),
      TDCS_ROUTE("POST", "/api/plans", "/api/plans", false, kSignedIn, SetPlan),
      TDCS_ROUTE("GET", "/api/plans/{year}", "/api/plans/([0-9]{4})", true, kSignedIn, ShowPlan),
      TDCS_ROUTE("POST", "/api/programs/{code}/rates", "/api/programs/([A-Za-z0-9_-]{1,16})/rates",
                 false, kSignedIn, ChangeProgramRate),
      TDCS_ROUTE("POST", "/api/programs/{code}/limits",
                 "/api/programs/([A-Za-z0-9_-]{1,16})/limits", false, kSignedIn,
                 ChangeProgramLimit),
      TDCS_ROUTE("POST", "/api/savings/rates", "/api/savings/rates", false, kSignedIn,
                 ChangeSavingsRate),
      TDCS_ROUTE("PUT", "/api/settings/{name}", "/api/settings/([a-z0-9._-]{1,64})", false,
                 kSignedIn, PutSetting),
      TDCS_ROUTE("POST", "/api/holidays", "/api/holidays", false, kSignedIn, AddHoliday),
      TDCS_ROUTE("GET", "/api/audit", "/api/audit", true, kSignedIn, ReadAudit),
      TDCS_ROUTE("GET", "/api/users", "/api/users", true, kSignedIn, ListUsers),
      TDCS_ROUTE("POST", "/api/users", "/api/users", false, kSignedIn, AddUser),
      TDCS_ROUTE("PATCH", "/api/users/{login}", "/api/users/([a-z0-9._-]{1,64})", false, kSignedIn,
                 ChangeUser),
  };
  return routes;
}

bool IsWrite(const std::string& method) { return method != "GET" && method != "HEAD"; }

std::string RandomRequestId() {
  static std::atomic<uint64_t> counter{0};
  static const uint64_t start = static_cast<uint64_t>(SystemClock().NowMicros());
  char out[32];
  std::snprintf(out, sizeof out, "%llx-%llx", static_cast<unsigned long long>(start),
                static_cast<unsigned long long>(++counter));
  return out;
}

// A grouped write's request, kept until its group runs it.
struct Deferred {
  Request request;
  std::smatch match;
  app::Context context;
  std::string csrf_token;
  std::string session_token;  // checked again when the group runs the write
  Response answer;
};

// A grouped write, run by its group. The session is checked again on the
// group's connection: one ended (signed out, the user disabled) while the
// write waited for its group posts nothing.
Response RunGrouped(GroupedHandler handler, app::Connection& connection, const Call& call,
                    const std::string& session_token) {
  if (!session_token.empty())
    if (auto still = app::ResumeSession(connection, call.context, session_token); !still.ok())
      return ErrorAnswer(still.error());
  return handler(connection, call);
}

// The answer, or nothing when `done` (not null) is to be called with it
// once the request's group commit has run.
std::optional<Response> Route(const Pools& pools, const ApiOptions& options, const Request& request,
                              const Api::Done* done) {
  bool path_known = false;
  for (const auto& route : Routes()) {
    std::smatch match;
    if (!std::regex_match(request.path, match, route.pattern)) continue;
    path_known = true;
    if (request.method != route.method) continue;
    Call call{request, match, app::Context{}, "", options};
    app::Context& context = call.context;
    static const SystemClock system_clock;
    context.now_micros = (options.clock ? *options.clock : system_clock).NowMicros();
    context.origin = "http " + (request.peer.empty() ? std::string("?") : request.peer);
    context.request_id = RandomRequestId();
    context.actor = app::Actor{"anonymous", "none", "none", 0};
    std::string session_token;
    if (route.access == Access::kSignedIn) {
      // A browser's cookie (writes must repeat its CSRF token), or a
      // program's bearer token (no cookie: nothing for another site to ride on).
      std::string token = Cookie(request, kSessionCookie);
      bool bearer = false;
      if (token.empty()) {
        const std::string auth = Header(request, "authorization");
        if (auth.rfind("Bearer ", 0) == 0) {
          token = auth.substr(7);
          bearer = true;
        }
      }
      // Always on the main database: a session just ended (signed out, the
      // user disabled) must not still open a standby's reads. A lost
      // connection is replaced once, as for reads.
      auto session = [&] {
        for (int attempt = 1;; ++attempt) {
          auto connection = pools.main.Acquire();
          try {
            return app::ResumeSession(*connection, context, token);
          } catch (const StorageFault&) {
            if (attempt >= 2 || !connection->IsBroken()) throw;
          }
        }
      }();
      if (!session.ok()) return ErrorAnswer(session.error());
      session_token = token;
      context.actor = session.value().actor;
      call.csrf_token = session.value().csrf_token;
      if (IsWrite(request.method) && !bearer &&
          Header(request, std::string(kCsrfHeader).c_str()) != call.csrf_token)
        return ErrorAnswer(MakeError(app::SignInRejection::kCsrfInvalid, "X-CSRF-Token",
                                     "Thiếu hoặc sai mã chống giả mạo (X-CSRF-Token)",
                                     "The X-CSRF-Token header is missing or wrong"));
      if (IsWrite(request.method) && route.path != std::string_view("/api/session") &&
          route.path != std::string_view("/api/session/password")) {
        const std::string key = Header(request, "idempotency-key");
        if (key.empty() || key.size() > kIdempotencyKeyMax)
          return ErrorAnswer(
              MakeError(HttpRejection::kIdempotencyKeyRequired, "Idempotency-Key",
                        "Mỗi thao tác ghi cần tiêu đề Idempotency-Key (1–200 byte)",
                        "Every write needs an Idempotency-Key header (1–200 bytes)"));
        context.idempotency_key = key;
      }
    }
    // A body is JSON, declared so: a form another site posts (text/plain,
    // urlencoded) is not read, so it cannot sign a browser in either.
    if (IsWrite(request.method) && !request.body.empty()) {
      std::string type = Header(request, "content-type");
      type = type.substr(0, type.find(';'));
      while (!type.empty() && type.back() == ' ') type.pop_back();
      for (char& ch : type) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      // An import's body is the CSV file itself.
      const char* wanted =
          route.path == std::string_view("/api/imports/{kind}") ? "text/csv" : "application/json";
      if (type != wanted)
        return ErrorAnswer(MakeError(HttpRejection::kContentTypeUnsupported, "Content-Type",
                                     std::string("Nội dung yêu cầu phải là ") + wanted,
                                     std::string("The request body must be ") + wanted));
    }
    if (!route.grouped)
      return route.handle(pools, route.reads && pools.read ? *pools.read : pools.main, call);
    if (done == nullptr) {
      Response answer;
      pools.writes.Run([&](app::Connection& connection) {
        answer = RunGrouped(route.grouped, connection, call, session_token);
      });
      return answer;
    }
    auto deferred = std::make_shared<Deferred>();
    deferred->request = request;
    std::regex_match(deferred->request.path, deferred->match, route.pattern);
    deferred->context = std::move(call.context);
    deferred->csrf_token = std::move(call.csrf_token);
    deferred->session_token = std::move(session_token);
    const GroupedHandler handler = route.grouped;
    pools.writes.Submit(
        [deferred, handler, &options](app::Connection& connection) {
          const Call again{deferred->request, deferred->match, deferred->context,
                           deferred->csrf_token, options};
          deferred->answer = RunGrouped(handler, connection, again, deferred->session_token);
        },
        [deferred, done = *done](std::exception_ptr fault) {
          done(fault ? FaultAnswer(deferred->request, fault) : std::move(deferred->answer));
        });
    return std::nullopt;
  }
  // The web application's own files and screens.
  if (!path_known && request.method == "GET" && request.path.rfind("/api/", 0) != 0)
    if (auto file = WebFile(options.web_root, request.path)) return file;
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

std::vector<RouteInfo> Api::Routes() {
  std::vector<RouteInfo> out;
  for (const auto& r : http::Routes())
    out.push_back({r.method, r.path, r.access == Access::kSignedIn, IsWrite(r.method)});
  return out;
}

Response Api::Handle(const Request& request) {
  try {
    return *Route(Pools{pool_, read_pool_, *writes_}, options_, request, nullptr);
  } catch (...) {
    return FaultAnswer(request, std::current_exception());
  }
}

std::optional<Response> Api::Handle(const Request& request, Done done) {
  try {
    return Route(Pools{pool_, read_pool_, *writes_}, options_, request, &done);
  } catch (...) {
    return FaultAnswer(request, std::current_exception());
  }
}

}  // namespace tdcs::http
