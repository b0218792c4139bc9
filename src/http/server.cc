// The HTTP server on Boost.Beast and Asio (docs/ARCHITECTURE.md says why):
// it reads requests under the limits of ServerLimits, runs each one read
// whole through Api::Handle, and writes the answer.
//
// A connection's life, each step under a deadline of its own:
//   1. read the request line and header fields (header_timeout; also how
//      long an idle keep-alive connection waits), at most header_bytes_max in
//      all, at most header_fields_max fields, a target of at most
//      target_bytes_max: else 431 HEADERS_TOO_LARGE or 414 URI_TOO_LONG;
//   2. refuse a Content-Encoding other than identity, or a Transfer-Encoding
//      other than chunked, before any byte of the body (415
//      ENCODING_UNSUPPORTED); answer "Expect: 100-continue";
//   3. read the body (body_timeout), at most body_bytes_max once decoded
//      (chunked or not): else 413 REQUEST_TOO_LARGE;
//   4. Api::Handle (no deadline: the database has its own), then write the
//      answer (write_timeout) and go back to 1, or close.
// A refused request ends its connection: the answer is sent, the sending
// side shut, and what the client still sends is read and dropped for at most
// kLingerTime, so the client reads the answer instead of a reset.
//
// Threads: `threads` threads run one io_context. Reads and writes are
// asynchronous, so a connection waiting for its client holds no thread; each
// connection runs on a strand of its own (its steps never overlap), and a
// request holds a thread only while Api::Handle runs. Handing requests to a
// separate pool of workers instead cost two fifths of the throughput
// (docs/PERFORMANCE.md).
#include "http/server.h"

#define BOOST_BEAST_USE_STD_STRING_VIEW

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cctype>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "app/connection.h"
#include "http/handlers.h"

namespace tdcs::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kLingerTime = std::chrono::seconds(5);
constexpr auto kAnswerWait = std::chrono::seconds(30);
constexpr auto kAcceptRetry = std::chrono::milliseconds(100);
// The method and version around a target: a request line longer than
// the target's limit and this is over the limit too.
constexpr size_t kRequestLineSlack = 32;

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// "1 MiB", "16 KiB", "100 B".
std::string Bytes(size_t bytes) {
  if (bytes % (1 << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  if (bytes % (1 << 10) == 0) return std::to_string(bytes >> 10) + " KiB";
  return std::to_string(bytes) + " B";
}

}  // namespace

struct Server::Impl {
  Impl(Api& api, const ServerLimits& limits) : api(api), limits(limits) {}

  // Accepts the next connection (and the one after it, and so on).
  void Accept();
  void OnAccept(boost::system::error_code error, tcp::socket socket);

  Api& api;
  const ServerLimits limits;
  std::atomic<int> connections{0};
  // Requests whose answer is still to come (a group commit's); Stop waits for them.
  std::atomic<int> waiting{0};
  std::mutex waiting_mutex;
  std::condition_variable answered;
  void Answered() {
    if (--waiting == 0) {
      std::lock_guard lock(waiting_mutex);
      answered.notify_all();
    }
  }
  std::atomic<bool> stopped{false};
  std::optional<asio::io_context> io;
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::steady_timer> accept_retry;
  std::vector<std::thread> threads;
  int port = 0;
};

namespace {

// One connection: reads requests one after another, answers each.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Server::Impl& server, tcp::socket socket)
      : server_(server), limits_(server.limits), stream_(std::move(socket)) {
    ++server_.connections;
  }
  ~Session() { --server_.connections; }

  void Start() {
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&Session::ReadHeader, shared_from_this()));
  }

 private:
  void ReadHeader() {
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(limits_.header_bytes_max));
    parser_->body_limit(limits_.body_bytes_max);
    stream_.expires_after(limits_.header_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

  void OnHeader(beast::error_code error, size_t) {
    if (error == bhttp::error::header_limit) return Refuse(HeaderLimitRefusal());
    if (error == bhttp::error::body_limit) return Refuse(TooLarge());
    if (error == bhttp::error::end_of_stream || error == beast::error::timeout ||
        error == asio::error::operation_aborted)
      return Close();
    if (error) return IsUnreadable(error) ? Refuse(BadRequest()) : Close();
    const auto& header = parser_->get();
    if (header.target().size() > limits_.target_bytes_max) return Refuse(UriTooLong());
    if (std::distance(header.begin(), header.end()) > limits_.header_fields_max)
      return Refuse(HeadersTooLarge());
    if (auto refusal = EncodingRefusal()) return Refuse(*refusal);
    if (parser_->is_done()) return Dispatch();
    if (EqualsIgnoringCase(Trim(header[bhttp::field::expect]), "100-continue")) {
      stream_.expires_after(limits_.write_timeout);
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      return asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                               [self = shared_from_this()](beast::error_code error, size_t) {
                                 if (error) return self->Close();
                                 self->ReadBody();
                               });
    }
    ReadBody();
  }

  void ReadBody() {
    stream_.expires_after(limits_.body_timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Session::OnBody, shared_from_this()));
  }

  void OnBody(beast::error_code error, size_t) {
    if (error == bhttp::error::body_limit) return Refuse(TooLarge());
    if (error == bhttp::error::end_of_stream || error == beast::error::timeout ||
        error == asio::error::operation_aborted)
      return Close();
    if (error) return IsUnreadable(error) ? Refuse(BadRequest()) : Close();
    Dispatch();
  }

  // Runs the request here, on one of the server's threads: it holds the
  // thread only while Api::Handle runs.
  void Dispatch() {
    stream_.expires_never();
    auto message = parser_->release();
    const bool keep_alive = message.keep_alive();
    Request request;
    request.method = std::string(message.method_string());
    if (!ReadTarget(message.target(), &request)) return Refuse(BadTarget());
    request.body = std::move(message.body());
    for (const auto& field : message) {
      std::string name(field.name_string());
      for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      auto [it, inserted] = request.headers.emplace(name, std::string(field.value()));
      if (!inserted && name == "cookie") it->second += "; " + std::string(field.value());
    }
    beast::error_code ignored;
    const auto remote = stream_.socket().remote_endpoint(ignored);
    if (!ignored) request.peer = remote.address().to_string();
    // A write that waits for its group commit holds no thread meanwhile: its
    // answer comes back to this connection's strand.
    // Counted until its answer is written (Stop waits for it).
    ++server_.waiting;
    auto answer = server_.api.Handle(
        request, [self = shared_from_this(), keep_alive](Response response) mutable {
          auto executor = self->stream_.get_executor();
          asio::post(executor, [self = std::move(self), keep_alive,
                                response = std::move(response)]() mutable {
            self->Write(std::move(response), keep_alive, true);
          });
        });
    if (!answer) return;
    server_.Answered();
    Write(std::move(*answer), keep_alive);
  }

  // `deferred`: a group commit's answer, counted in `waiting` until written.
  void Write(Response response, bool keep_alive, bool deferred = false) {
    answer_ = bhttp::response<bhttp::string_body>(static_cast<bhttp::status>(response.status), 11);
    answer_.set(bhttp::field::content_type, response.content_type);
    answer_.set(bhttp::field::cache_control, "no-store");
    for (const auto& [name, value] : response.headers) {
      if (beast::iequals(name, "Cache-Control"))
        answer_.set(bhttp::field::cache_control, value);  // a built file's own
      else
        answer_.insert(name, value);
    }
    answer_.body() = std::move(response.body);
    answer_.keep_alive(keep_alive);
    answer_.prepare_payload();
    stream_.expires_after(limits_.write_timeout);
    bhttp::async_write(
        stream_, answer_,
        [self = shared_from_this(), keep_alive, deferred](beast::error_code error, size_t) {
          if (deferred) self->server_.Answered();
          if (error) return self->Close();
          if (keep_alive && !self->server_.stopped) return self->ReadHeader();
          self->Linger();
        });
  }

  // Answers a request that is not read further, and ends the connection.
  void Refuse(const Error& error) { Write(ErrorAnswer(error), false); }

  // Shuts the sending side and drops what still comes, for a bounded time,
  // so the client reads the answer before the connection closes.
  void Linger() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(kLingerTime);
    Drain();
  }
  void Drain() {
    buffer_.consume(buffer_.size());
    stream_.async_read_some(buffer_.prepare(16 << 10),
                            [self = shared_from_this()](beast::error_code error, size_t) {
                              if (error) return self->Close();
                              self->Drain();
                            });
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  // Whether a read error means the client sent something that is not HTTP
  // (answered 400) rather than the connection failing (closed).
  static bool IsUnreadable(const beast::error_code& error) {
    return error.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
           error != bhttp::error::partial_message;
  }

  // The header was over its limit: 414 when the request line itself is (no
  // end of line within the target's limit), else 431.
  Error HeaderLimitRefusal() const {
    const auto data = buffer_.cdata();
    const std::string_view received(static_cast<const char*>(data.data()), data.size());
    const size_t end_of_line = received.find('\n');
    if (end_of_line == std::string_view::npos ||
        end_of_line > limits_.target_bytes_max + kRequestLineSlack)
      return UriTooLong();
    return HeadersTooLarge();
  }

  std::optional<Error> EncodingRefusal() const {
    const auto& header = parser_->get();
    const std::string_view content = Trim(header[bhttp::field::content_encoding]);
    if (header.count(bhttp::field::content_encoding) > 1 ||
        (!content.empty() && !EqualsIgnoringCase(content, "identity")))
      return MakeError(HttpRejection::kEncodingUnsupported, "Content-Encoding",
                       "Máy chủ chỉ nhận nội dung không nén (Content-Encoding: identity)",
                       "The server takes uncompressed bodies only (Content-Encoding: identity)");
    const std::string_view transfer = Trim(header[bhttp::field::transfer_encoding]);
    if (header.count(bhttp::field::transfer_encoding) > 1 ||
        (!transfer.empty() && !EqualsIgnoringCase(transfer, "chunked")))
      return MakeError(HttpRejection::kEncodingUnsupported, "Transfer-Encoding",
                       "Máy chủ chỉ nhận Transfer-Encoding: chunked",
                       "The server takes Transfer-Encoding: chunked only");
    return std::nullopt;
  }

  Error TooLarge() const {
    return MakeError(HttpRejection::kRequestTooLarge, "body",
                     "Nội dung yêu cầu quá lớn (tối đa " + Bytes(limits_.body_bytes_max) + ")",
                     "Request body too large (at most " + Bytes(limits_.body_bytes_max) + ")");
  }
  Error UriTooLong() const {
    return MakeError(HttpRejection::kUriTooLong, "target",
                     "Địa chỉ yêu cầu quá dài (tối đa " + Bytes(limits_.target_bytes_max) + ")",
                     "Request target too long (at most " + Bytes(limits_.target_bytes_max) + ")");
  }
  Error HeadersTooLarge() const {
    const std::string limit = std::to_string(limits_.header_fields_max);
    return MakeError(HttpRejection::kHeadersTooLarge, "headers",
                     "Phần đầu yêu cầu quá lớn (tối đa " + limit + " trường, " +
                         Bytes(limits_.header_bytes_max) + ")",
                     "Request header too large (at most " + limit + " fields, " +
                         Bytes(limits_.header_bytes_max) + ")");
  }
  static Error BadRequest() {
    return MakeError(HttpRejection::kBadRequest, "", "Yêu cầu HTTP không đọc được",
                     "The HTTP request cannot be read");
  }
  static Error BadTarget() {
    return MakeError(HttpRejection::kBadRequest, "target",
                     "Địa chỉ yêu cầu không hợp lệ (mã % sai)",
                     "Invalid request target (a malformed % escape)");
  }

  Server::Impl& server_;
  const ServerLimits& limits_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> answer_;
};

}  // namespace

void Server::Impl::Accept() {
  acceptor->async_accept(asio::make_strand(*io),
                         beast::bind_front_handler(&Server::Impl::OnAccept, this));
}

void Server::Impl::OnAccept(beast::error_code error, tcp::socket socket) {
  if (error == asio::error::operation_aborted || stopped) return;
  if (error) {
    // Out of file descriptors, for instance: try again shortly, never spin.
    std::fprintf(stderr, "accept: %s\n", error.message().c_str());
    accept_retry->expires_after(kAcceptRetry);
    accept_retry->async_wait([this](beast::error_code wait_error) {
      if (!wait_error) Accept();
    });
    return;
  }
  // Over the limit the socket closes here, at once: the client may try again.
  if (connections < limits.connections_max)
    std::make_shared<Session>(*this, std::move(socket))->Start();
  Accept();
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() { Stop(); }

int Server::port() const { return impl_->port; }

void Server::Stop() {
  if (impl_->stopped.exchange(true)) return;
  {
    // The writes queued for a group commit are answered before the
    // connections go (a client's answer is written, not reset), for at most
    // kAnswerWait: what committed is on the books either way, and a client
    // that sends its Idempotency-Key again is answered from it.
    std::unique_lock lock(impl_->waiting_mutex);
    impl_->answered.wait_for(lock, kAnswerWait, [&] { return impl_->waiting.load() == 0; });
  }
  impl_->io->stop();
  for (auto& thread : impl_->threads) thread.join();
  // Destroying what is left closes every connection: the acceptor, then
  // every connection's pending read or write.
  impl_->accept_retry.reset();
  impl_->acceptor.reset();
  impl_->io.reset();
}

std::unique_ptr<Server> Server::Start(Api& api, const std::string& host, int port,
                                      const ServerLimits& limits, std::string* error) {
  auto impl = std::make_unique<Impl>(api, limits);
  impl->io.emplace(limits.threads);
  const std::string where = host + ":" + std::to_string(port);
  beast::error_code failure;
  tcp::resolver resolver(*impl->io);
  const auto endpoints = resolver.resolve(
      host, std::to_string(port), tcp::resolver::passive | tcp::resolver::numeric_service, failure);
  if (failure || endpoints.empty()) {
    *error = "Không tìm thấy địa chỉ / unknown address " + where;
    return nullptr;
  }
  const tcp::endpoint endpoint = endpoints.begin()->endpoint();
  auto& acceptor = impl->acceptor.emplace(*impl->io);
  // SO_REUSEADDR lets a restarted server listen while its old connections
  // wait out TIME_WAIT; it does not let two servers listen on one port
  // (SO_REUSEPORT would, and is not set).
  acceptor.open(endpoint.protocol(), failure);
  if (!failure) acceptor.set_option(asio::socket_base::reuse_address(true), failure);
  if (!failure) acceptor.bind(endpoint, failure);
  if (!failure) acceptor.listen(asio::socket_base::max_listen_connections, failure);
  if (failure == asio::error::address_in_use) {
    *error = "Cổng " + std::to_string(port) + " đang được chương trình khác dùng (" + where +
             ") / port " + std::to_string(port) + " is in use by another program";
    return nullptr;
  }
  if (failure) {
    *error = "Không mở được " + where + " / cannot listen on " + where + ": " + failure.message();
    return nullptr;
  }
  impl->port = acceptor.local_endpoint().port();
  impl->accept_retry.emplace(*impl->io);
  impl->Accept();
  for (int i = 0; i < limits.threads; ++i)
    impl->threads.emplace_back([io = &*impl->io] { io->run(); });
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

int Serve(const ServeOptions& options) {
  ServerLimits limits;
  limits.threads = options.pool;
  app::ConnectionPool pool(options.db_target, options.pool);
  std::string where;
  {
    auto connection = pool.Acquire();  // fails now, not at the first request
    where = connection->Describe();
  }
  std::unique_ptr<app::ConnectionPool> read_pool;
  if (!options.read_db_target.empty()) {
    read_pool = std::make_unique<app::ConnectionPool>(options.read_db_target, options.pool);
    auto connection = read_pool->Acquire();
    where += "; reads: " + connection->Describe();
  }
  // The signals are taken by sigwait below, so every thread started after
  // this blocks them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ApiOptions api_options;
  api_options.secure_cookies = options.secure_cookies;
  api_options.web_root = options.web_root;
  Api api(pool, read_pool.get(), api_options);
  std::string error;
  auto server = Server::Start(api, options.host, options.port, limits, &error);
  if (!server) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 3;
  }
  std::printf("TDCS đang chạy tại / serving at http://%s:%d/ (database: %s)\n",
              options.host.c_str(), server->port(), where.c_str());
  std::fflush(stdout);
  int received = 0;
  sigwait(&signals, &received);
  server->Stop();
  if (const auto groups = api.write_groups(); api.writes_grouped() && groups.groups > 0)
    std::printf("ghi theo nhóm / group commits: %lld nhóm / groups, %lld lần ghi / writes\n",
                static_cast<long long>(groups.groups), static_cast<long long>(groups.writes));
  return 0;
}

}  // namespace tdcs::http
