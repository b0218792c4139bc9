#include "app/connection.h"

#include <unistd.h>

#include <atomic>

#include "app/internal/access.h"
#include "store/migrate.h"

namespace tdcs::app {

Connection::Connection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Connection::~Connection() {
  if (!impl_ || impl_->drop_name.empty()) return;
  impl_->db.reset();
  try {
    store::DropDatabase(impl_->drop_server, impl_->drop_name);
  } catch (const StorageFault&) {
    // Left behind on a server that went away; nothing else depends on it.
  }
}

std::unique_ptr<Connection> Connection::OpenScratch(const std::string& server_uri) {
  if (server_uri == "sqlite" || server_uri.empty()) return Open(":memory:");
  static std::atomic<int> counter{0};
  const std::string name =
      "tdcs_scratch_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
  auto connection = Open(store::CreateScratchDatabase(server_uri, name));
  connection->impl_->drop_server = server_uri;
  connection->impl_->drop_name = name;
  return connection;
}

std::unique_ptr<Connection> Connection::Open(const std::string& target) {
  auto impl = std::make_unique<Impl>();
  impl->db = store::Open(target);
  return std::unique_ptr<Connection>(new Connection(std::move(impl)));
}

std::unique_ptr<Connection> Connection::OpenInitialised(const std::string& target) {
  // An SQLite file that is not there is not created: it could only be empty.
  auto impl = std::make_unique<Impl>();
  impl->db = store::Open(target, store::OpenMode::kExisting);
  auto connection = std::unique_ptr<Connection>(new Connection(std::move(impl)));
  store::Database& db = Db(*connection);
  const int version = store::SchemaVersion(db);
  const std::string where = db.Describe();
  if (version == 0)
    throw StorageFault("cơ sở dữ liệu " + where +
                       " chưa được khởi tạo, hãy chạy tdcs init / database " + where +
                       " is not initialised; run: tdcs init --db …");
  const int latest = store::AllMigrations().back().version;
  if (version < latest)
    throw StorageFault("database " + where + " has schema version " + std::to_string(version) +
                       ", this tdcs needs " + std::to_string(latest) +
                       "; upgrade it with: tdcs init --db …");
  if (version > latest)
    throw StorageFault("database " + where + " has schema version " + std::to_string(version) +
                       ", newer than this tdcs (" + std::to_string(latest) + "): upgrade tdcs");
  return connection;
}

std::string Connection::Describe() const { return impl_->db->Describe(); }

std::string RedactPassword(const std::string& text, const std::string& target) {
  return store::RedactPassword(text, target);
}
bool Connection::IsPostgres() const { return impl_->db->engine() == store::Engine::kPostgres; }
void Connection::Checkpoint() { impl_->db->Checkpoint(); }
bool Connection::IsBroken() const { return impl_->db->Broken(); }

ConnectionPool::ConnectionPool(std::string target, int size)
    : target_(std::move(target)), size_(size < 1 ? 1 : size) {}
ConnectionPool::~ConnectionPool() = default;

ConnectionPool::Lease::~Lease() {
  if (connection_) pool_->Return(std::move(connection_));
}

ConnectionPool::Lease ConnectionPool::Acquire() {
  std::unique_lock lock(mutex_);
  available_.wait(lock, [&] { return !idle_.empty() || opened_ < size_; });
  if (!idle_.empty()) {
    auto connection = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(connection));
  }
  ++opened_;
  lock.unlock();
  try {
    return Lease(*this, Connection::OpenInitialised(target_));
  } catch (...) {
    lock.lock();
    --opened_;
    available_.notify_one();
    throw;
  }
}

void ConnectionPool::Return(std::unique_ptr<Connection> connection) {
  std::lock_guard lock(mutex_);
  // A connection left inside a transaction by a fault, or lost, is not lent
  // again. A lost one says the server restarted or went away: the idle ones,
  // to the same server, are closed too rather than found lost one by one.
  if (connection->IsBroken()) {
    opened_ -= 1 + static_cast<int>(idle_.size());
    idle_.clear();
    available_.notify_all();
  } else if (Db(*connection).InTransaction()) {
    --opened_;
  } else {
    idle_.push_back(std::move(connection));
  }
  available_.notify_one();
}

}  // namespace tdcs::app
