// The HTTP server (cpp-httplib): limits and timeouts, then every request goes
// to Api::Handle (handlers.cc). The worker threads share a pool of database
// connections, one per worker, so reads run side by side (SQLite WAL,
// PostgreSQL sessions) and writes queue in the database, not behind a mutex.
#include "http/server.h"

#include <httplib.h>

#include <cstdio>
#include <thread>

#include "app/connection.h"
#include "http/handlers.h"

namespace tdcs::http {
namespace {

constexpr size_t kMaxRequestBytes = 1 << 20;
constexpr int kWorkers = 8;

Request ToRequest(const httplib::Request& req) {
  Request out;
  out.method = req.method;
  out.path = req.path;
  for (const auto& [name, value] : req.params) out.params.emplace(name, value);
  out.body = req.body;
  return out;
}

void Send(const Response& response, httplib::Response& res) {
  res.status = response.status;
  res.set_content(response.body, response.content_type);
}

}  // namespace

int Serve(const ServeOptions& options) {
  app::ConnectionPool pool(options.db_target, kWorkers);
  std::string where;
  {
    auto connection = pool.Acquire();  // fails now, not at the first request
    where = connection->Describe();
  }
  Api api(pool);
  httplib::Server server;
  server.new_task_queue = [] { return new httplib::ThreadPool(kWorkers); };
  server.set_payload_max_length(kMaxRequestBytes);
  server.set_read_timeout(10, 0);
  server.set_write_timeout(10, 0);
  auto handle = [&](const httplib::Request& req, httplib::Response& res) {
    Send(api.Handle(ToRequest(req)), res);
  };
  server.Get(".*", handle);
  server.Post(".*", handle);
  server.Put(".*", handle);
  server.Delete(".*", handle);
  server.Patch(".*", handle);
  server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    const bool too_large = res.status == 413;
    const HttpRejection code =
        too_large ? HttpRejection::kRequestTooLarge : HttpRejection::kBadRequest;
    res.set_content(std::string("{\"code\":\"") + std::string(RejectionKey(code)) +
                        "\",\"field\":\"\",\"message_vi\":\"" +
                        (too_large ? "Yêu cầu quá lớn" : "Yêu cầu không hợp lệ") +
                        "\",\"message_en\":\"" + (too_large ? "Request too large" : "Bad request") +
                        "\"}",
                    "application/json");
  });
  server.set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr error) {
        try {
          std::rethrow_exception(error);
        } catch (const std::exception& e) {
          std::fprintf(stderr, "%s %s: %s\n", req.method.c_str(), req.path.c_str(), e.what());
        } catch (...) {
          std::fprintf(stderr, "%s %s: unknown error\n", req.method.c_str(), req.path.c_str());
        }
        res.status = 500;
        res.set_content(
            std::string(R"({"code":")") + std::string(RejectionKey(HttpRejection::kInternalError)) +
                R"(","field":"","message_vi":"Lỗi hệ thống","message_en":"Internal error"})",
            "application/json");
      });
  if (!server.bind_to_port(options.host, options.port)) {
    std::fprintf(stderr, "Không mở được cổng / cannot listen on %s:%d\n", options.host.c_str(),
                 options.port);
    return 3;
  }
  std::printf("TDCS đang chạy tại / serving at http://%s:%d/ (database: %s)\n",
              options.host.c_str(), options.port, where.c_str());
  std::fflush(stdout);
  server.listen_after_bind();
  return 0;
}

}  // namespace tdcs::http
