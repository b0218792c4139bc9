#include "store/db.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>

#include "base/check.h"
#include "store/postgres_db.h"
#include "store/sqlite_db.h"
#include "store/wal.h"

namespace tdcs::store {

std::optional<int64_t> Database::QueryInt(std::string_view sql) {
  auto st = Prepare(sql);
  if (!st->Step() || st->IsNull(0)) return std::nullopt;
  return st->GetInt(0);
}

Statement& Database::Cached(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) it = cache_.emplace(std::string(sql), Prepare(sql)).first;
  it->second->Reset();
  return *it->second;
}

namespace {
template <typename Read>
auto Lookup(Statement& st, Read read) -> std::optional<decltype(read(st))> {
  if (!st.Step() || st.IsNull(0)) {
    st.Reset();
    return std::nullopt;
  }
  auto value = read(st);
  st.Reset();
  return value;
}
}  // namespace

std::optional<int64_t> Database::LookupInt(std::string_view sql, int64_t key) {
  auto& st = Cached(sql);
  st.BindInt(1, key);
  return Lookup(st, [](Statement& s) { return s.GetInt(0); });
}

std::optional<int64_t> Database::LookupInt(std::string_view sql, std::string_view key) {
  auto& st = Cached(sql);
  st.BindText(1, key);
  return Lookup(st, [](Statement& s) { return s.GetInt(0); });
}

std::optional<std::string> Database::LookupText(std::string_view sql, int64_t key) {
  auto& st = Cached(sql);
  st.BindInt(1, key);
  return Lookup(st, [](Statement& s) { return s.GetText(0); });
}

constexpr const char* kReserveIds =
    "UPDATE id_sequence SET next_value = next_value + ? WHERE name = ? RETURNING next_value";
int64_t Database::ReserveIdBlock(const std::string& sequence, int64_t count) {
  auto& st = Cached(kReserveIds);
  st.BindInt(1, count);
  st.BindText(2, sequence);
  if (!st.Step()) throw StorageFault("unknown id sequence " + sequence);
  const int64_t next = st.GetInt(0);
  st.Reset();
  return next - count;
}

int64_t IdBlocks::Next(const std::string& sequence) {
  Block& block = blocks_[sequence];
  if (block.next == block.end || db_.RolledBackSince(block.transaction)) {
    // The first block, or one given up to a rollback: small.
    if (block.size == 0 || block.next != block.end) block.size = first_block_;
    block.next = db_.ReserveIdBlock(sequence, block.size);
    block.end = block.next + block.size;
    block.size = std::min(block.size * 2, kMaxIdBlock);
    block.transaction = db_.InTransaction() ? db_.TransactionSerial() : 0;
  }
  return block.next++;
}

int64_t StatementTimeoutSeconds() {
  static const int64_t seconds = [] {
    const char* text = std::getenv("TDCS_STATEMENT_TIMEOUT_SECONDS");
    if (text == nullptr || *text == '\0' || std::strlen(text) > 9) return int64_t{0};
    for (const char* c = text; *c != '\0'; ++c)
      if (*c < '0' || *c > '9') return int64_t{0};
    return static_cast<int64_t>(std::atoll(text));
  }();
  return seconds;
}

std::unique_ptr<Database> Open(const std::string& target, OpenMode mode) {
  if (target.rfind("postgresql://", 0) == 0 || target.rfind("postgres://", 0) == 0) {
    auto db = OpenPostgres(target);
    if (const int64_t seconds = StatementTimeoutSeconds(); seconds > 0)
      db->ExecScript("SET statement_timeout = " + std::to_string(seconds * 1000));
    return db;
  }
  return OpenSqlite(target, mode);
}

void Database::Begin() {
  DoBegin();
  in_transaction_ = true;
  writing_ = true;
  ++transaction_serial_;
}

void Database::BeginRead() {
  DoBeginRead();
  in_transaction_ = true;
  writing_ = false;
  ++transaction_serial_;
}

void Database::Commit() {
  // Nothing to commit: the transaction was rolled back (a failed check
  // ended it), and saying it committed would lose its writes unseen.
  if (!in_transaction_) throw StorageFault("no transaction to commit: it was rolled back");
  // The work left to the end, in the order it was registered; if it fails
  // the transaction stays open, for its guard to roll back.
  while (!pending_.empty()) {
    auto work = std::move(pending_.front().second);
    pending_.erase(pending_.begin());
    work->Run(*this);
  }
  DoCommit();
  in_transaction_ = false;
}

void Database::Rollback() {
  // A reader that ends gives nothing back.
  if (in_transaction_ && writing_) last_rollback_serial_ = transaction_serial_;
  in_transaction_ = false;
  pending_.clear();
  DoRollback();
}

std::vector<std::pair<std::string, size_t>> Database::PendingMarks() const {
  std::vector<std::pair<std::string, size_t>> marks;
  for (const auto& [key, work] : pending_) marks.emplace_back(key, work->Mark());
  return marks;
}

void Database::RollBackPending(const std::vector<std::pair<std::string, size_t>>& marks) {
  for (auto& [key, work] : pending_) {
    size_t mark = 0;  // registered after the savepoint: back to nothing
    for (const auto& [k, m] : marks)
      if (k == key) mark = m;
    work->RollBackTo(mark);
  }
}

Database::PendingWork* Database::Pending(const std::string& key) {
  for (auto& [k, work] : pending_)
    if (k == key) return work.get();
  return nullptr;
}

void Database::AddPending(const std::string& key, std::unique_ptr<PendingWork> work) {
  TDCS_CHECK_MSG(InWriteTransaction(), "work left to the commit outside a write transaction");
  pending_.emplace_back(key, std::move(work));
}

std::shared_ptr<const void> Database::Memo(const std::string& key) const {
  if (!in_transaction_ || memo_serial_ != transaction_serial_ ||
      RolledBackSince(transaction_serial_))
    return nullptr;
  const auto it = memo_.find(key);
  return it == memo_.end() ? nullptr : it->second;
}

void Database::SetMemo(const std::string& key, std::shared_ptr<const void> value) {
  if (!in_transaction_) return;
  if (memo_serial_ != transaction_serial_) {
    memo_.clear();
    memo_serial_ = transaction_serial_;
  }
  memo_[key] = std::move(value);
}

bool Database::HeldInTransaction(const std::string& what) const {
  if (!in_transaction_ || held_serial_ != transaction_serial_ ||
      RolledBackSince(transaction_serial_))
    return false;
  return held_.count(what) != 0;
}

void Database::NoteHeldInTransaction(std::string what) {
  if (!in_transaction_) return;
  // A savepoint rolled back gave back what was locked after it: start over.
  if (held_serial_ != transaction_serial_ || RolledBackSince(transaction_serial_)) {
    held_.clear();
    held_serial_ = transaction_serial_;
    if (RolledBackSince(transaction_serial_)) return;
  }
  held_.insert(std::move(what));
}

namespace {
std::atomic<int64_t> savepoint_counter{0};
}  // namespace

Transaction::Transaction(Database& db) : db_(db) {
  if (db_.InTransaction()) {
    savepoint_ = "tdcs_sp_" + std::to_string(++savepoint_counter);
    db_.ExecScript("SAVEPOINT " + savepoint_);
    pending_marks_ = db_.PendingMarks();
  } else {
    db_.Begin();
  }
}

Transaction::~Transaction() {
  if (done_) return;
  try {
    if (savepoint_.empty())
      db_.Rollback();
    else if (db_.InTransaction()) {
      db_.NoteRollback();
      db_.RollBackPending(pending_marks_);
      db_.ExecScript("ROLLBACK TO SAVEPOINT " + savepoint_ + "; RELEASE SAVEPOINT " + savepoint_);
    }
  } catch (const StorageFault&) {
    // The connection is already broken; the engine discards the transaction.
  }
}

void Transaction::Commit() {
  if (savepoint_.empty())
    db_.Commit();
  else
    db_.ExecScript("RELEASE SAVEPOINT " + savepoint_);
  done_ = true;
}

void Transaction::CommitAndContinue() {
  if (!savepoint_.empty()) return;
  db_.Commit();
  db_.Begin();
}

void TakeNoCheckpoints(Database& db) { db.ExecScript("PRAGMA wal_autocheckpoint=0"); }

void TakeCheckpointsAgain(Database& db) { db.ExecScript("PRAGMA wal_autocheckpoint=1000"); }

int64_t CheckpointPassively(Database& db) {
  auto& st = db.Cached("PRAGMA wal_checkpoint(PASSIVE)");
  const int64_t frames = st.Step() ? st.GetInt(1) : 0;
  st.Reset();
  return frames;
}

void RestartLog(Database& db) { db.ExecScript("PRAGMA wal_checkpoint(RESTART)"); }

std::string ArrayLiteral(const std::vector<int64_t>& values, size_t begin, size_t end) {
  std::string out = "{";
  for (size_t k = begin; k < end; ++k) {
    if (k > begin) out += ',';
    out += std::to_string(values[k]);
  }
  return out + "}";
}

std::string ArrayLiteral(const std::vector<std::string>& values, size_t begin, size_t end) {
  std::string out = "{";
  for (size_t k = begin; k < end; ++k) {
    if (k > begin) out += ',';
    out += '"';
    for (char c : values[k]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

std::optional<int64_t> PageEnd(Database& db, const char* sql, int64_t after, int limit) {
  auto& st = db.Cached(sql);
  st.BindInt(1, after);
  st.BindInt(2, limit);
  std::optional<int64_t> end;
  if (st.Step() && !st.IsNull(0)) end = st.GetInt(0);
  st.Reset();
  return end;
}

int64_t LockKeyOf(std::string_view name) {
  uint64_t hash = 14695981039346656037ULL;
  for (unsigned char c : name) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return static_cast<int64_t>(hash);
}

// How many times this thread holds each lock file.
static std::map<std::string, int>& HeldByThisThread() {
  thread_local std::map<std::string, int> held;
  return held;
}

constexpr const char* kTryBatchLock = "SELECT pg_try_advisory_lock(?)";
constexpr const char* kBatchLock = "SELECT pg_advisory_lock(?)";
constexpr const char* kBatchUnlock = "SELECT pg_advisory_unlock(?)";

BatchLock::BatchLock(Database& db, const std::string& name, const std::function<void()>& waiting)
    : db_(db), name_(name) {
  if (db_.engine() == Engine::kPostgres) {
    auto& st = db_.Cached(kTryBatchLock);
    st.BindInt(1, LockKeyOf("batch:" + name_));
    const bool got = st.Step() && st.GetText(0) == "t";
    st.Reset();
    if (got) return;
    if (waiting) waiting();
    auto& wait = db_.Cached(kBatchLock);
    wait.BindInt(1, LockKeyOf("batch:" + name_));
    wait.Run();
    return;
  }
  const std::string file = db_.FilePath();
  if (file.empty()) return;
  std::error_code ec;
  const auto canonical = std::filesystem::weakly_canonical(file, ec);
  lock_path_ = (ec ? file : canonical.string()) + "." + name_ + ".lock";
  // The lock is the thread's once it holds it: a run that closes days inside
  // a simulation takes it again without waiting for itself.
  if (HeldByThisThread()[lock_path_]++ > 0) return;
  const std::string& lock_path = lock_path_;
  fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) fd_ = ::open(lock_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) {
    --HeldByThisThread()[lock_path_];
    throw StorageFault("cannot open the lock file " + lock_path);
  }
  if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) return;
  if (waiting) waiting();
  if (::flock(fd_, LOCK_EX) != 0) {
    ::close(fd_);
    fd_ = -1;
    --HeldByThisThread()[lock_path_];
    throw StorageFault("cannot lock " + lock_path);
  }
}

BatchLock::~BatchLock() {
  if (!lock_path_.empty()) {
    --HeldByThisThread()[lock_path_];
    if (fd_ >= 0) {
      ::flock(fd_, LOCK_UN);
      ::close(fd_);
    }
    return;
  }
  if (db_.engine() != Engine::kPostgres) return;
  try {
    auto& st = db_.Cached(kBatchUnlock);
    st.BindInt(1, LockKeyOf("batch:" + name_));
    st.Run();
  } catch (const StorageFault&) {
    // The session is gone, and its locks with it.
  }
}

ReadTransaction::ReadTransaction(Database& db) : db_(db), nested_(db.InTransaction()) {
  if (!nested_) db_.BeginRead();
}

ReadTransaction::~ReadTransaction() {
  if (nested_) return;
  try {
    db_.Rollback();
  } catch (const StorageFault&) {
    // The connection is already broken; the engine discards the transaction.
  }
}

}  // namespace tdcs::store
