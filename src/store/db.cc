#include "store/db.h"

#include <memory>

#include "store/postgres_db.h"
#include "store/sqlite_db.h"

namespace tdcs::store {

std::optional<int64_t> Database::QueryInt(std::string_view sql) {
  auto st = Prepare(sql);
  if (!st->Step() || st->IsNull(0)) return std::nullopt;
  return st->GetInt(0);
}

Statement& Database::Cached(std::string_view sql) {
  auto it = cache_.find(std::string(sql));
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

std::unique_ptr<Database> Open(const std::string& target) {
  if (target.rfind("postgresql://", 0) == 0 || target.rfind("postgres://", 0) == 0)
    return OpenPostgres(target);
  return OpenSqlite(target);
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
  DoCommit();
  in_transaction_ = false;
}

void Database::Rollback() {
  // A reader that ends gives nothing back.
  if (in_transaction_ && writing_) last_rollback_serial_ = transaction_serial_;
  in_transaction_ = false;
  DoRollback();
}

Transaction::Transaction(Database& db) : db_(db) { db_.Begin(); }

Transaction::~Transaction() {
  if (!done_) {
    try {
      db_.Rollback();
    } catch (const StorageFault&) {
      // The connection is already broken; the engine discards the transaction.
    }
  }
}

void Transaction::Commit() {
  db_.Commit();
  done_ = true;
}

ReadTransaction::ReadTransaction(Database& db) : db_(db) { db_.BeginRead(); }

ReadTransaction::~ReadTransaction() {
  try {
    db_.Rollback();
  } catch (const StorageFault&) {
    // The connection is already broken; the engine discards the transaction.
  }
}

}  // namespace tdcs::store
