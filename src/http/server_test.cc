// The real server on 127.0.0.1 (an ephemeral port, in this process), driven
// with raw sockets: slow clients do not hold up others, the limits hold
// whatever the encoding, every refusal is JSON in the API's error format,
// and two servers never share a port.
//
// No assertion is timed: a socket waits at most kBoundedWait for an answer
// (far longer than any of them needs), and a test fails if one does not come.
#include "http/server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "app/connection.h"
#include "app/users.h"
#include "base/clock.h"
#include "http/handlers.h"
#include "test_db.h"

namespace tdcs::http {
namespace {

constexpr int kBoundedWaitSeconds = 60;

// A connected loopback socket that waits at most kBoundedWaitSeconds for
// each read and write; closed when it goes out of scope.
class Client {
 public:
  explicit Client(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    timeval wait{kBoundedWaitSeconds, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
    setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &wait, sizeof wait);
    const int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~Client() { close(fd_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return connected_; }

  // Sends every byte, or stops at the first failure (the server may close
  // the connection while a refused request is still being sent).
  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t sent = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (sent <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(sent));
    }
    return true;
  }

  // Reads up to `bytes`; 0 at the end of the stream, -1 on an error (errno:
  // EAGAIN when the bounded wait ran out).
  ssize_t Receive(char* buffer, size_t bytes) { return recv(fd_, buffer, bytes, 0); }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

struct Answer {
  int status = 0;  // 0: the connection ended (or the wait ran out) before an answer
  std::string headers;
  std::string body;
};

// Reads one answer: the status line and header, then Content-Length bytes of
// body. Interim answers (100 Continue) are skipped.
Answer ReadAnswer(Client& client) {
  std::string received;
  char buffer[65536];
  auto fill = [&]() {
    const ssize_t n = client.Receive(buffer, sizeof buffer);
    if (n <= 0) return false;
    received.append(buffer, static_cast<size_t>(n));
    return true;
  };
  while (true) {
    size_t end = received.find("\r\n\r\n");
    while (end == std::string::npos) {
      if (!fill()) return {};
      end = received.find("\r\n\r\n");
    }
    Answer answer;
    answer.headers = received.substr(0, end + 2);
    received.erase(0, end + 4);
    if (answer.headers.size() < 12) return {};
    answer.status = std::stoi(answer.headers.substr(9, 3));
    if (answer.status == 100) continue;
    size_t length = 0;
    std::string lower = answer.headers;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (auto at = lower.find("\r\ncontent-length:"); at != std::string::npos)
      length = std::stoul(lower.substr(at + 17));
    while (received.size() < length)
      if (!fill()) return {};
    answer.body = received.substr(0, length);
    return answer;
  }
}

// Whether the server closed the connection: the stream ends (or is reset)
// before the bounded wait runs out.
bool ServerClosed(Client& client) {
  char buffer[4096];
  while (true) {
    const ssize_t n = client.Receive(buffer, sizeof buffer);
    if (n == 0) return true;
    if (n < 0) return errno == ECONNRESET || errno == EPIPE;
  }
}

// Checks that an answer is the API's error: JSON with exactly the four
// fields, the code given, and both messages.
void ExpectJsonError(const Answer& answer, int status, const std::string& code) {
  EXPECT_EQ(answer.status, status) << answer.headers << answer.body;
  EXPECT_NE(answer.headers.find("application/json"), std::string::npos) << answer.headers;
  const auto body = nlohmann::json::parse(answer.body, nullptr, false);
  ASSERT_TRUE(body.is_object()) << answer.body;
  EXPECT_EQ(body.size(), 4u) << answer.body;
  EXPECT_EQ(body.value("code", ""), code) << answer.body;
  EXPECT_TRUE(body.contains("field")) << answer.body;
  EXPECT_FALSE(body.value("message_vi", "").empty()) << answer.body;
  EXPECT_FALSE(body.value("message_en", "").empty()) << answer.body;
}

// What GET /api/health answers while the (SQLite) test database answers.
constexpr const char* kHealthy =
    R"({"database":{"engine":"sqlite","reachable":true},"status":"ok"})";

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer(ServerLimits{}); }
  void TearDown() override { server_.reset(); }

  void StartServer(const ServerLimits& limits) {
    server_.reset();
    if (!pool_) {
      std::string target;
      auto connection = testing::NewInitialisedConnection(&target);
      ASSERT_TRUE(app::AddUser(*connection, app::SystemContext(),
                               {"quan.tri", "admin", "", "", "mat-khau-dai-1"})
                      .ok());
      app::Context now;
      now.now_micros = SystemClock().NowMicros();
      auto signed_in = app::SignIn(*connection, now, "quan.tri", "mat-khau-dai-1");
      ASSERT_TRUE(signed_in.ok());
      auth_ = "Authorization: Bearer " + signed_in.value().token + "\r\n";
      pool_ = std::make_unique<app::ConnectionPool>(target, limits.threads);
      api_ = std::make_unique<Api>(*pool_);
    }
    std::string error;
    server_ = Server::Start(*api_, "127.0.0.1", 0, limits, &error);
    ASSERT_NE(server_, nullptr) << error;
    ASSERT_GT(server_->port(), 0);
  }

  // Sends `request` from a thread of its own (a refused request may be
  // answered before it is all sent: the server reads and drops the rest)
  // and reads the answer.
  Answer Exchange(const std::string& request) {
    Client client(server_->port());
    EXPECT_TRUE(client.connected());
    std::thread sender([&] { client.Send(request); });
    Answer answer = ReadAnswer(client);
    sender.join();
    return answer;
  }

  std::unique_ptr<app::ConnectionPool> pool_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<Server> server_;
  std::string auth_;  // a signed-in administrator's header field
};

TEST_F(ServerTest, HealthAnswersWhileSlowClientsHang) {
  // Twice as many slow clients as threads: eight that send nothing, eight
  // that send a header one byte at a time and never finish it.
  std::vector<std::unique_ptr<Client>> silent, trickling;
  for (int i = 0; i < 8; ++i) {
    silent.push_back(std::make_unique<Client>(server_->port()));
    trickling.push_back(std::make_unique<Client>(server_->port()));
    ASSERT_TRUE(trickling.back()->Send("GET /api/health HTTP/1.1\r\nHost: t\r\nX-Slow: "));
  }
  std::atomic<bool> done{false};
  std::thread trickle([&] {
    while (!done) {
      for (auto& client : trickling) client->Send("a");
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  Client health(server_->port());
  ASSERT_TRUE(health.Send("GET /api/health HTTP/1.1\r\nHost: t\r\n\r\n"));
  const Answer answer = ReadAnswer(health);
  done = true;
  trickle.join();
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(answer.body, kHealthy);
}

TEST_F(ServerTest, AHeaderSentTooSlowlyIsCut) {
  ServerLimits limits;
  limits.header_timeout = std::chrono::milliseconds(300);
  StartServer(limits);
  Client slow(server_->port());
  ASSERT_TRUE(slow.Send("GET /api/health HTTP/1.1\r\nX-Slow: "));
  std::atomic<bool> done{false};
  std::thread trickle([&] {
    while (!done && slow.Send("a")) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  });
  EXPECT_TRUE(ServerClosed(slow));
  done = true;
  trickle.join();
}

TEST_F(ServerTest, AnIdleConnectionIsClosed) {
  ServerLimits limits;
  limits.header_timeout = std::chrono::milliseconds(300);
  StartServer(limits);
  Client idle(server_->port());
  ASSERT_TRUE(idle.Send("GET /api/health HTTP/1.1\r\nHost: t\r\n\r\n"));
  EXPECT_EQ(ReadAnswer(idle).status, 200);
  EXPECT_TRUE(ServerClosed(idle));  // kept alive, then nothing more comes
}

TEST_F(ServerTest, KeepAliveAnswersOneRequestAfterAnother) {
  Client client(server_->port());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(client.Send("GET /api/health HTTP/1.1\r\nHost: t\r\n\r\n"));
    EXPECT_EQ(ReadAnswer(client).body, kHealthy);
  }
  // Two requests sent at once are answered in order.
  ASSERT_TRUE(client.Send(
      "GET /api/health HTTP/1.1\r\nHost: t\r\n\r\nGET /nowhere HTTP/1.1\r\nHost: t\r\n\r\n"));
  EXPECT_EQ(ReadAnswer(client).status, 200);
  ExpectJsonError(ReadAnswer(client), 404, "NOT_FOUND");
}

TEST_F(ServerTest, ChunkedBodyOverTheLimitIsRefused) {
  std::string request =
      "POST /api/borrowers HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::string chunk(64 << 10, 'x');
  for (int i = 0; i < 32; ++i) request += "10000\r\n" + chunk + "\r\n";  // 2 MiB in all
  request += "0\r\n\r\n";
  ExpectJsonError(Exchange(request), 413, "REQUEST_TOO_LARGE");
}

TEST_F(ServerTest, DeclaredBodyOverTheLimitIsRefused) {
  ExpectJsonError(Exchange("POST /api/borrowers HTTP/1.1\r\nHost: t\r\nContent-Length: 2097152\r\n"
                           "\r\n" +
                           std::string(2 << 20, 'x')),
                  413, "REQUEST_TOO_LARGE");
}

TEST_F(ServerTest, ChunkedBodyUnderTheLimitIsRead) {
  // Read whole and routed: the address has no POST.
  ExpectJsonError(Exchange("POST /api/network/summary HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: "
                           "chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
                  405, "METHOD_NOT_ALLOWED");
}

TEST_F(ServerTest, CompressedBodyIsRefused) {
  // gzip of nothing: the server reads identity bodies only, so no decoded
  // size can exceed the limit.
  const std::string gzip_empty(
      "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\x03\x00\x00\x00\x00\x00"
      "\x00\x00\x00\x00",
      20);
  ExpectJsonError(Exchange("POST /api/borrowers HTTP/1.1\r\nHost: t\r\nContent-Encoding: gzip\r\n"
                           "Content-Length: 20\r\n\r\n" +
                           gzip_empty),
                  415, "ENCODING_UNSUPPORTED");
  ExpectJsonError(Exchange("POST /api/borrowers HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, "
                           "chunked\r\n\r\n14\r\n" +
                           gzip_empty + "\r\n0\r\n\r\n"),
                  415, "ENCODING_UNSUPPORTED");
}

TEST_F(ServerTest, HugeHeaderBlockIsRefused) {
  std::string request = "GET /api/health HTTP/1.1\r\nHost: t\r\n";
  while (request.size() < 200'000)
    request += "X-Filler-" + std::to_string(request.size()) + ": " + std::string(80, 'a') + "\r\n";
  request += "\r\n";
  ExpectJsonError(Exchange(request), 431, "HEADERS_TOO_LARGE");
}

TEST_F(ServerTest, TooManyHeaderFieldsAreRefused) {
  std::string request = "GET /api/health HTTP/1.1\r\nHost: t\r\n";
  for (int i = 0; i < 100; ++i) request += "X-" + std::to_string(i) + ": 1\r\n";  // 101 in all
  ExpectJsonError(Exchange(request + "\r\n"), 431, "HEADERS_TOO_LARGE");
}

TEST_F(ServerTest, LongRequestTargetIsRefused) {
  ExpectJsonError(Exchange("GET /api/borrowers?q=" + std::string(10 << 10, 'a') +
                           " HTTP/1.1\r\nHost: t\r\n\r\n"),
                  414, "URI_TOO_LONG");
  // A request line that never ends is not read past the limit either.
  ExpectJsonError(Exchange("GET /" + std::string(2 << 20, 'a')), 414, "URI_TOO_LONG");
}

TEST_F(ServerTest, EveryRefusalIsJson) {
  ExpectJsonError(Exchange("GET /nowhere HTTP/1.1\r\nHost: t\r\n\r\n"), 404, "NOT_FOUND");
  ExpectJsonError(Exchange("GET /api/loans/" + std::string(40, 'x') + " HTTP/1.1\r\n\r\n"), 404,
                  "NOT_FOUND");
  ExpectJsonError(Exchange("DELETE /api/health HTTP/1.1\r\nHost: t\r\n\r\n"), 405,
                  "METHOD_NOT_ALLOWED");
  ExpectJsonError(Exchange("HELLO\r\n\r\n"), 400, "BAD_REQUEST");
  ExpectJsonError(Exchange("GET /api/borrowers?q=%zz HTTP/1.1\r\nHost: t\r\n\r\n"), 400,
                  "BAD_REQUEST");
  ExpectJsonError(
      Exchange("GET /api/network/summary?on=x HTTP/1.1\r\nHost: t\r\n" + auth_ + "\r\n"), 400,
      "DATE_FORMAT");
  ExpectJsonError(Exchange("GET /api/network/summary HTTP/1.1\r\nHost: t\r\n\r\n"), 401,
                  "SESSION_INVALID");
}

TEST_F(ServerTest, QueryIsDecoded) {
  const Answer answer = Exchange(
      "GET /api/borrowers?q=nguy%E1%BB%85n+van HTTP/1.1\r\nHost: t\r\nConnection: close\r\n" +
      auth_ + "\r\n");
  EXPECT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(answer.body, R"({"borrowers":[],"more":false})");
}

// Signing in over a socket: the session cookie is HttpOnly and SameSite=Strict,
// the CSRF cookie readable by the page; the cookie then signs requests in.
TEST_F(ServerTest, SignInSetsTheSessionCookie) {
  const std::string body = R"({"login":"quan.tri","password":"mat-khau-dai-1"})";
  const Answer answer = Exchange(
      "POST /api/session HTTP/1.1\r\nHost: t\r\nContent-Type: application/json; charset=utf-8\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
  ASSERT_EQ(answer.status, 200) << answer.body;
  const size_t at = answer.headers.find("tdcs_session=");
  ASSERT_NE(at, std::string::npos) << answer.headers;
  const std::string line = answer.headers.substr(at, answer.headers.find('\n', at) - at);
  EXPECT_NE(line.find("HttpOnly"), std::string::npos) << line;
  EXPECT_NE(line.find("SameSite=Strict"), std::string::npos) << line;
  EXPECT_EQ(line.find("Secure"), std::string::npos) << line;  // no TLS here
  EXPECT_NE(answer.headers.find("tdcs_csrf="), std::string::npos);
  const std::string token = line.substr(13, 64);
  const Answer me =
      Exchange("GET /api/session HTTP/1.1\r\nHost: t\r\nCookie: a=b; tdcs_session=" + token +
               "\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(me.status, 200) << me.body;
  EXPECT_NE(me.body.find("\"login\":\"quan.tri\""), std::string::npos) << me.body;
}

TEST_F(ServerTest, ExpectContinueIsAnswered) {
  // The client waits for "100 Continue" before it sends the body.
  Client client(server_->port());
  ASSERT_TRUE(
      client.Send("POST /api/network/summary HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n"
                  "Expect: 100-continue\r\n\r\n"));
  char buffer[64];
  std::string interim;
  while (interim.find("\r\n\r\n") == std::string::npos) {
    const ssize_t n = client.Receive(buffer, sizeof buffer);
    ASSERT_GT(n, 0);
    interim.append(buffer, static_cast<size_t>(n));
  }
  EXPECT_EQ(interim.rfind("HTTP/1.1 100 Continue\r\n", 0), 0u) << interim;
  ASSERT_TRUE(client.Send("{}"));
  ExpectJsonError(ReadAnswer(client), 405, "METHOD_NOT_ALLOWED");
}

TEST_F(ServerTest, SecondServerOnTheSamePortFails) {
  std::string error;
  auto second = Server::Start(*api_, "127.0.0.1", server_->port(), ServerLimits{}, &error);
  EXPECT_EQ(second, nullptr);
  EXPECT_NE(error.find(std::to_string(server_->port())), std::string::npos) << error;
  // The first still answers.
  EXPECT_EQ(Exchange("GET /api/health HTTP/1.1\r\nHost: t\r\n\r\n").status, 200);
}

TEST_F(ServerTest, StopClosesOpenConnections) {
  Client hanging(server_->port());
  ASSERT_TRUE(hanging.Send("GET /api/health HTTP/1.1\r\n"));
  server_->Stop();
  EXPECT_TRUE(ServerClosed(hanging));
}

}  // namespace
}  // namespace tdcs::http
