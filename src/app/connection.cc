#include "app/connection.h"

#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <utility>

#include "app/internal/access.h"
#include "store/db.h"
#include "store/migrate.h"
#include "store/wal.h"

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
  impl->target = target;
  return std::unique_ptr<Connection>(new Connection(std::move(impl)));
}

std::unique_ptr<Connection> Connection::OpenInitialised(const std::string& target) {
  // An SQLite file that is not there is not created: it could only be empty.
  auto impl = std::make_unique<Impl>();
  impl->db = store::Open(target, store::OpenMode::kExisting);
  impl->target = target;
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

const std::string& Connection::Target() const { return impl_->target; }

namespace {

bool IsPostgresTarget(const std::string& target) { return target.rfind("postgres", 0) == 0; }

}  // namespace

LogCheckpoints::LogCheckpoints(std::string target)
    : target_(std::move(target)),
      // A file only: not PostgreSQL, nor a database in memory (":memory:",
      // or a "file:" URI, which may name one).
      enabled_(!IsPostgresTarget(target_) && !target_.empty() && target_ != ":memory:" &&
               target_.rfind("file:", 0) != 0) {}

LogCheckpoints::~LogCheckpoints() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wanted_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void LogCheckpoints::TakeNoneOn(Connection& writer, bool none) {
  if (writer.IsPostgres()) return;
  if (none)
    store::TakeNoCheckpoints(Db(writer));
  else
    store::TakeCheckpointsAgain(Db(writer));
}

void LogCheckpoints::Restart(Connection& writer) {
  if (writer.IsPostgres()) return;
  try {
    store::RestartLog(Db(writer));
  } catch (const StorageFault& fault) {
    std::fprintf(stderr, "checkpoint (restart): %s\n", fault.what());
  }
}

void LogCheckpoints::Committed() {
  if (!enabled_) return;
  {
    std::lock_guard lock(mutex_);
    due_ = true;
    // The thread first: a commit noted is a checkpoint coming.
    if (!thread_.joinable()) thread_ = std::thread([this] { Run(); });
  }
  wanted_.notify_one();
}

bool LogCheckpoints::RestartDue() {
  std::lock_guard lock(mutex_);
  return std::exchange(restart_due_, false);
}

void LogCheckpoints::Run() {
  pthread_setname_np(pthread_self(), "tdcs-checkpoint");
  constexpr auto kBetween = std::chrono::milliseconds(100);
  std::unique_ptr<Connection> connection;
  std::unique_lock lock(mutex_);
  while (true) {
    wanted_.wait(lock, [&] { return due_ || stopping_; });
    if (stopping_) return;
    due_ = false;
    lock.unlock();
    int64_t log_frames = 0;
    try {
      if (!connection) connection = Connection::OpenInitialised(target_);
      log_frames = store::CheckpointPassively(Db(*connection));
    } catch (const std::exception& fault) {
      // The next commit asks again; the log only grows meanwhile.
      std::fprintf(stderr, "checkpoint: %s\n", fault.what());
      connection.reset();
    }
    lock.lock();
    // A log that writers kept from starting over is restarted by the writer.
    if (log_frames > kRestartFrames) restart_due_ = true;
    wanted_.wait_for(lock, kBetween, [&] { return stopping_; });
  }
}

WriteGroup::WriteGroup(ConnectionPool& pool, size_t max_writes)
    : pool_(pool),
      max_writes_(max_writes < 1 ? 1 : max_writes),
      postgres_(IsPostgresTarget(pool.target())),
      checkpoints_(pool.target()) {}

WriteGroup::~WriteGroup() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wanted_.notify_all();
  if (writer_thread_.joinable()) writer_thread_.join();
}

WriteGroup::Counts WriteGroup::counts() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

void WriteGroup::Submit(std::function<void(Connection&)> write, Done done) {
  if (postgres_) {
    std::exception_ptr fault;
    try {
      auto connection = pool_.Acquire();
      write(*connection);
    } catch (...) {
      fault = std::current_exception();
    }
    done(fault);
    return;
  }
  {
    std::lock_guard lock(mutex_);
    // The thread first: a write queued is a write answered.
    if (!writer_thread_.joinable()) writer_thread_ = std::thread([this] { Write(); });
    queue_.push_back(Job{std::move(write), std::move(done), nullptr});
  }
  wanted_.notify_one();
}

void WriteGroup::Run(const std::function<void(Connection&)>& write) {
  std::mutex mutex;
  std::condition_variable finished;
  bool over = false;
  std::exception_ptr fault;
  Submit(write, [&](std::exception_ptr f) {
    std::lock_guard lock(mutex);
    fault = f;
    over = true;
    finished.notify_one();  // under the lock: this frame outlives the call
  });
  std::unique_lock lock(mutex);
  finished.wait(lock, [&] { return over; });
  if (fault) std::rethrow_exception(fault);
}

void WriteGroup::Write() {
  pthread_setname_np(pthread_self(), "tdcs-writer");
  std::unique_lock lock(mutex_);
  while (true) {
    wanted_.wait(lock, [&] { return !queue_.empty() || stopping_; });
    if (queue_.empty()) return;  // stopping, and every write queued is done
    std::vector<Job> group;
    while (!queue_.empty() && group.size() < max_writes_) {
      group.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    lock.unlock();
    // Between groups, with every frame copied back: the log starts over.
    if (checkpoints_.RestartDue()) try {
        LogCheckpoints::Restart(Writer());
      } catch (const std::exception& fault) {
        std::fprintf(stderr, "checkpoint (restart): %s\n", fault.what());
      }
    RunGroup(group);
    checkpoints_.Committed();
    lock.lock();
    counts_.groups += 1;
    counts_.writes += static_cast<int64_t>(group.size());
    lock.unlock();
    // Answered after the counts, each `done` let go at once (what it holds
    // — a connection's state — is not kept by this thread).
    for (Job& job : group) {
      try {
        job.done(job.fault);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "write group: answering a write: %s\n", e.what());
      }
      job.done = nullptr;
      job.write = nullptr;
    }
    group.clear();
    lock.lock();
  }
}

Connection& WriteGroup::Writer() {
  if (writer_ && (writer_->IsBroken() || Db(*writer_).InTransaction())) writer_.reset();
  if (!writer_) {
    writer_ = Connection::OpenInitialised(pool_.target());
    // (A database the checkpoints cannot reach from another connection
    // keeps taking its own.)
    if (checkpoints_.enabled()) LogCheckpoints::TakeNoneOn(*writer_);
  }
  return *writer_;
}

void WriteGroup::RunGroup(std::vector<Job>& group) {
  // Every write of the group in one transaction, each in a savepoint. One
  // that throws is answered with its fault and the others run again
  // together without it (nothing of the first run is on the books); a fault
  // outside the writes — the connection, the transaction's start, its
  // commit — is every remaining write's.
  std::vector<Job*> remaining;
  for (Job& job : group) remaining.push_back(&job);
  while (!remaining.empty()) {
    size_t running = 0;
    bool in_write = false;
    try {
      Connection& connection = Writer();
      store::Database& db = Db(connection);
      store::Transaction shared(db);
      for (running = 0; running < remaining.size(); ++running) {
        store::Transaction own(db);
        in_write = true;
        remaining[running]->write(connection);
        in_write = false;
        own.Commit();
      }
      shared.Commit();
      for (Job* job : remaining) job->fault = nullptr;
      return;
    } catch (...) {
      const auto fault = std::current_exception();
      if (!in_write) {
        for (Job* job : remaining) job->fault = fault;
        return;
      }
      remaining[running]->fault = fault;
      remaining.erase(remaining.begin() + static_cast<std::ptrdiff_t>(running));
    }
  }
}

}  // namespace tdcs::app
