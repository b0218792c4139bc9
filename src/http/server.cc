#include "http/server.h"

#include <httplib.h>

#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>

#include "app/find.h"
#include "app/loans.h"
#include "base/date.h"
#include "base/result.h"
#include "store/db.h"
#include "store/loan_store.h"
#include "store/network_store.h"

namespace tdcs::http {
namespace {

using nlohmann::json;

constexpr size_t kMaxRequestBytes = 1 << 20;
constexpr size_t kMaxQueryBytes = 200;

const char* const kPage = R"html(<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>TDCS – Tín dụng chính sách</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem;color:#1b2b3a}
h1{color:#0b5394}table{border-collapse:collapse}td,th{padding:.25rem .75rem;border-bottom:1px solid #ddd;text-align:left}
td.n{text-align:right}small{color:#667}</style></head>
<body><h1>TDCS <small>Hệ thống tín dụng chính sách / Policy-credit system</small></h1>
<h2>Mạng lưới <small>/ Network</small> <input id="on" type="date"></h2>
<table id="counts"></table>
<h2>Tìm hộ vay <small>/ Find a borrower</small></h2>
<input id="q" placeholder="Họ tên, số CCCD hoặc mã khách hàng" size="40"> <button id="go">Tìm / Find</button>
<table id="found"></table>
<script>
const fmt = new Intl.NumberFormat('vi-VN');
const labels = {branches:'Chi nhánh / Branches', offices:'Phòng giao dịch / Offices',
  seats:'Hội sở chi nhánh / Branch seats', points:'Điểm giao dịch xã / Commune points',
  villages:'Thôn / Villages', groups:'Tổ TK&VV / Groups', borrowers:'Hộ vay / Borrowers',
  memberships:'Thành viên tổ / Group members', association_units:'Đơn vị hội / Association units'};
async function counts() {
  const on = document.getElementById('on').value;
  const r = await fetch('/api/network/summary' + (on ? '?on=' + on : ''));
  const j = await r.json();
  document.getElementById('counts').innerHTML = Object.keys(labels).map(k =>
    `<tr><td>${labels[k]}</td><td class="n">${fmt.format(j[k])}</td></tr>`).join('');
}
async function find() {
  const q = document.getElementById('q').value;
  const r = await fetch('/api/borrowers?q=' + encodeURIComponent(q));
  const j = await r.json();
  const rows = (j.borrowers || []).map(b => `<tr><td>${b.code}</td><td>${b.name}</td>` +
    `<td>${b.citizen_id}</td><td>${b.birth_date.split('-').reverse().join('/')}</td></tr>`);
  document.getElementById('found').innerHTML = rows.join('') ||
    `<tr><td>${j.message_vi || 'Không tìm thấy / Nothing found'}</td></tr>`;
}
document.getElementById('on').onchange = counts;
document.getElementById('go').onclick = find;
document.getElementById('q').onkeydown = e => { if (e.key === 'Enter') find(); };
counts();
</script></body></html>)html";

void SendError(httplib::Response& res, int status, const Error& e) {
  res.status = status;
  res.set_content(json{{"code", e.code},
                       {"field", e.field},
                       {"message_vi", e.message_vi},
                       {"message_en", e.message_en}}
                      .dump(),
                  "application/json");
}

}  // namespace

int Serve(const ServeOptions& options) {
  auto db = store::Open(options.db_target);
  std::mutex db_mutex;
  httplib::Server server;
  server.set_payload_max_length(kMaxRequestBytes);
  server.set_read_timeout(10, 0);
  server.set_write_timeout(10, 0);

  server.Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(kPage, "text/html; charset=utf-8");
  });
  server.Get("/api/health", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"status":"ok"})", "application/json");
  });
  // The date a read is for: ?on=YYYY-MM-DD, else the bank's business date.
  // Answers 400 itself when there is none.
  auto date_param = [&](const httplib::Request& req,
                        httplib::Response& res) -> std::optional<Date> {
    if (req.has_param("on")) {
      auto parsed = Date::Parse(req.get_param_value("on"));
      if (!parsed)
        SendError(res, 400, MakeError("DATE_FORMAT", "on", "Ngày không hợp lệ", "Invalid date"));
      return parsed;
    }
    auto today = store::LoanStore(*db).BusinessDate();
    if (!today)
      SendError(res, 400,
                MakeError("DATE_REQUIRED", "on",
                          "Chưa có ngày làm việc: hãy cho biết ngày (?on=YYYY-MM-DD)",
                          "No business date yet: give the date (?on=YYYY-MM-DD)"));
    return today;
  };
  server.Get("/api/network/summary", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(db_mutex);
    const auto day = date_param(req, res);
    if (!day) return;
    const Date on = *day;
    store::NetworkStore store(*db);
    const auto c = store.CountsOn(on);
    res.set_content(json{{"on", on.ToIso()},
                         {"branches", c.branches},
                         {"offices", c.offices},
                         {"seats", c.seats},
                         {"points", c.points},
                         {"villages", c.villages},
                         {"groups", c.groups},
                         {"borrowers", c.borrowers},
                         {"memberships", c.memberships},
                         {"association_units", c.association_units}}
                        .dump(),
                    "application/json");
  });
  server.Get("/api/borrowers", [&](const httplib::Request& req, httplib::Response& res) {
    const std::string q = req.get_param_value("q");
    if (q.empty() || q.size() > kMaxQueryBytes)
      return SendError(res, 400,
                       MakeError("QUERY_INVALID", "q", "Cần từ khóa tìm kiếm (tối đa 200 byte)",
                                 "A search query is required (at most 200 bytes)"));
    std::lock_guard lock(db_mutex);
    auto found = app::FindBorrowers(*db, q);
    json list = json::array();
    for (const auto& b : found.borrowers)
      list.push_back({{"code", b.code},
                      {"name", b.name},
                      {"citizen_id", app::MaskCitizenId(b.citizen_id)},
                      {"birth_date", b.birth_date.ToIso()},
                      {"sex", b.sex}});
    res.set_content(json{{"borrowers", list}, {"more", found.more}}.dump(), "application/json");
  });
  server.Get(R"(/api/loans/([A-Za-z0-9_-]{1,32}))", [&](const httplib::Request& req,
                                                        httplib::Response& res) {
    std::lock_guard lock(db_mutex);
    const auto day = date_param(req, res);
    if (!day) return;
    const Date on = *day;
    auto view = app::ViewLoan(*db, req.matches[1], on);
    if (!view.ok()) return SendError(res, 404, view.error());
    const auto& v = view.value();
    res.set_content(json{{"code", v.code},
                         {"status", v.status},
                         {"borrower_code", v.borrower_code},
                         {"on", on.ToIso()},
                         {"principal_dong", v.principal.dong()},
                         {"overdue_dong", v.overdue.dong()},
                         {"frozen_dong", v.frozen.dong()},
                         {"principal_due_dong", v.principal_due.dong()},
                         {"interest_due_dong", v.interest_due.dong()},
                         {"next_due", v.next_due ? json(v.next_due->ToIso()) : json(nullptr)}}
                        .dump(),
                    "application/json");
  });
  server.set_exception_handler([](const httplib::Request& req, httplib::Response& res,
                                  std::exception_ptr error) {
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%s %s: %s\n", req.method.c_str(), req.path.c_str(), e.what());
    } catch (...) {
      std::fprintf(stderr, "%s %s: unknown error\n", req.method.c_str(), req.path.c_str());
    }
    SendError(res, 500, MakeError("STORAGE_FAULT", "", "Lỗi hệ thống lưu trữ", "Storage fault"));
  });
  if (!server.bind_to_port(options.host, options.port)) {
    std::fprintf(stderr, "Không mở được cổng / cannot listen on %s:%d\n", options.host.c_str(),
                 options.port);
    return 3;
  }
  std::printf("TDCS đang chạy tại / serving at http://%s:%d/ (database: %s)\n",
              options.host.c_str(), options.port, db->Describe().c_str());
  std::fflush(stdout);
  server.listen_after_bind();
  return 0;
}

}  // namespace tdcs::http
