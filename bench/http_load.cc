// http_load: a small load client for `tdcs serve` on loopback (the figures
// of docs/PERFORMANCE.md "HTTP server").
//
//   http_load PORT [CONNECTIONS=64] [REQUESTS_PER_CONNECTION=2000] [PATH=/api/health]
//
// Each connection is a thread that sends GET PATH with keep-alive, one request
// after the other, reads each answer whole (Content-Length) and connects again
// when the server closes. Prints the requests per second over the whole run,
// the median, 99th percentile and longest latency, and how many times it
// reconnected.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

int Connect(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Reads one answer; false when the connection ended first. `keep_alive` is
// false when the server said it closes the connection.
bool ReadAnswer(int fd, std::string& pending, bool& keep_alive) {
  char buffer[16384];
  size_t end;
  while ((end = pending.find("\r\n\r\n")) == std::string::npos) {
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return false;
    pending.append(buffer, static_cast<size_t>(n));
  }
  std::string header = pending.substr(0, end);
  for (char& c : header) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t length = 0;
  if (auto at = header.find("content-length:"); at != std::string::npos)
    length = std::strtoul(header.c_str() + at + 15, nullptr, 10);
  keep_alive = header.find("connection: close") == std::string::npos;
  const size_t total = end + 4 + length;
  while (pending.size() < total) {
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return false;
    pending.append(buffer, static_cast<size_t>(n));
  }
  pending.erase(0, total);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: http_load PORT [CONNECTIONS] [REQUESTS_PER_CONNECTION] [PATH]\n");
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const int connections = argc > 2 ? std::atoi(argv[2]) : 64;
  const int requests = argc > 3 ? std::atoi(argv[3]) : 2000;
  const std::string path = argc > 4 ? argv[4] : "/api/health";
  const std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

  std::vector<std::vector<double>> latencies(connections);
  std::atomic<int> reconnects{0}, failures{0};
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (int c = 0; c < connections; ++c)
    threads.emplace_back([&, c] {
      auto& mine = latencies[c];
      mine.reserve(requests);
      int fd = Connect(port);
      std::string pending;
      for (int i = 0; i < requests && fd >= 0; ++i) {
        const auto sent = Clock::now();
        bool keep_alive = true;
        if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
                static_cast<ssize_t>(request.size()) ||
            !ReadAnswer(fd, pending, keep_alive)) {
          ++failures;
          keep_alive = false;
        } else {
          mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - sent).count());
        }
        if (!keep_alive) {
          close(fd);
          pending.clear();
          fd = Connect(port);
          ++reconnects;
        }
      }
      if (fd >= 0) close(fd);
    });
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto percentile = [&](double p) {
    return all.empty() ? 0.0 : all[std::min(all.size() - 1, static_cast<size_t>(p * all.size()))];
  };
  std::printf(
      "%zu answers in %.2f s over %d connections: %.0f req/s, p50 %.2f ms, p99 %.2f ms, "
      "max %.2f ms, %d reconnects, %d failed\n",
      all.size(), seconds, connections, all.size() / seconds, percentile(0.5), percentile(0.99),
      all.empty() ? 0.0 : all.back(), reconnects.load(), failures.load());
  return failures.load() == 0 ? 0 : 1;
}
