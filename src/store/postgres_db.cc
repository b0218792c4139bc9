// PostgreSQL adapter over libpq. Each Statement is a server-side prepared
// statement (PQprepare once, PQexecPrepared per run) with text-format
// parameters and results. Dates come back as ISO text (DateStyle ISO is set at
// connect), integers as decimal text.
//
// Writes travel in libpq's pipeline mode: Run() on an INSERT, UPDATE or DELETE
// sends it and goes on without waiting for the answer, so a batch of writes
// costs one round trip, not one per row. The pipeline is drained (a sync
// point, every answer read, the first failure thrown with its statement)
// before anything that needs an answer: a read, a script, a prepare, a
// commit — and every kMaxPending writes, so neither side's socket buffer
// fills while the other waits. Order is the connection's order, so a read
// sees every write sent before it.
#include "store/postgres_db.h"

#include <libpq-fe.h>

#include <atomic>
#include <cctype>
#include <string>
#include <vector>

#include "store/pg_tools.h"

namespace tdcs::store {

std::string NumberPlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  bool in_string = false;
  for (char c : sql) {
    if (c == '\'') in_string = !in_string;
    if (c == '?' && !in_string) {
      out += '$';
      out += std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

namespace {

std::atomic<int> statement_counter{0};

// Writes sent before the pipeline is drained (each answer is a few dozen
// bytes: a few thousand fit well inside the socket buffers).
constexpr size_t kMaxPending = 1000;

// A failed result as a fault: deadlocks and serialization failures (SQLSTATE
// 40P01, 40001) can be retried; everything else cannot.
// The message is the server's primary message only: its full report (which
// may quote the statement) and the statement go to StorageFault::statement().
[[noreturn]] void ThrowResultError(const PGresult* result, const std::string& prefix,
                                   const std::string& statement) {
  const std::string report = result ? PQresultErrorMessage(result) : "no result";
  const char* primary = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  const std::string message = primary ? primary : report.substr(0, report.find('\n'));
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = state ? state : "";
  const std::string detail = report + statement;
  if (sqlstate == "40001" || sqlstate == "40P01") throw RetryableFault(prefix + message, detail);
  throw StorageFault(prefix + message, detail);
}

// The writes sent and not yet answered on one connection.
class Pipeline {
 public:
  explicit Pipeline(PGconn* conn) : conn_(conn) {}
  bool active() const { return !pending_.empty(); }

  // Sends prepared statement `name` without waiting for its answer.
  void Send(const std::string& name, const std::string* text, int count,
            const char* const* params) {
    if (pending_.empty() && PQenterPipelineMode(conn_) != 1)
      throw StorageFault(std::string("postgres: cannot enter pipeline mode: ") +
                         PQerrorMessage(conn_));
    if (PQsendQueryPrepared(conn_, name.c_str(), count, params, nullptr, nullptr, 0) != 1) {
      const std::string message = PQerrorMessage(conn_);
      Drain(false);
      throw StorageFault("postgres: " + message.substr(0, message.find('\n')), *text);
    }
    pending_.push_back(text);
    if (pending_.size() >= kMaxPending) Drain(true);
  }

  // Reads every answer and leaves pipeline mode. The first failure is thrown
  // (with its statement) when `throw_errors`; a rollback that discards the
  // writes anyway passes false.
  void Drain(bool throw_errors) {
    if (pending_.empty()) return;
    PGresult* failed = nullptr;
    const std::string* failed_text = nullptr;
    bool broken = PQpipelineSync(conn_) != 1;
    for (const std::string* text : pending_) {
      if (broken) break;
      // Each query's answer is its result(s), then NULL.
      while (PGresult* r = PQgetResult(conn_)) {
        const auto status = PQresultStatus(r);
        if (status == PGRES_FATAL_ERROR && failed == nullptr) {
          failed = r;
          failed_text = text;
          continue;
        }
        PQclear(r);
      }
      if (PQstatus(conn_) != CONNECTION_OK) broken = true;
    }
    pending_.clear();
    // The sync point's answer, then out of pipeline mode.
    while (!broken) {
      PGresult* r = PQgetResult(conn_);
      if (r == nullptr) {
        if (PQstatus(conn_) != CONNECTION_OK) broken = true;
        if (PQexitPipelineMode(conn_) == 1) break;
        continue;
      }
      const bool sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
      PQclear(r);
      if (sync && PQexitPipelineMode(conn_) == 1) break;
    }
    if (broken) {
      if (failed != nullptr) PQclear(failed);
      throw StorageFault(std::string("postgres: connection lost: ") + PQerrorMessage(conn_));
    }
    if (failed == nullptr) return;
    if (!throw_errors) {
      PQclear(failed);
      return;
    }
    try {
      ThrowResultError(failed, "postgres: ", *failed_text);
    } catch (...) {
      PQclear(failed);
      throw;
    }
  }

 private:
  PGconn* conn_;
  std::vector<const std::string*> pending_;  // the statements' SQL, for faults
};

bool IsWrite(std::string_view sql) {
  size_t i = 0;
  while (i < sql.size() && std::isspace(static_cast<unsigned char>(sql[i]))) ++i;
  std::string word;
  while (i < sql.size() && std::isalpha(static_cast<unsigned char>(sql[i])))
    word += static_cast<char>(std::toupper(static_cast<unsigned char>(sql[i++])));
  return word == "INSERT" || word == "UPDATE" || word == "DELETE";
}

class PgStatement final : public Statement {
 public:
  PgStatement(PGconn* conn, Pipeline* pipeline, std::string name, std::string text, int param_count)
      : conn_(conn),
        pipeline_(pipeline),
        name_(std::move(name)),
        text_(std::move(text)),
        write_(IsWrite(text_)),
        values_(param_count),
        is_null_(param_count, true) {}
  ~PgStatement() override {
    Clear();
    const std::string sql = "DEALLOCATE \"" + name_ + "\"";
    try {
      pipeline_->Drain(false);
    } catch (const StorageFault&) {
      return;  // the connection is gone, and its statements with it
    }
    PQclear(PQexec(conn_, sql.c_str()));
  }

  void Run() override {
    if (!write_ || result_ != nullptr) return Statement::Run();
    std::vector<const char*> params = Params();
    pipeline_->Send(name_, &text_, static_cast<int>(params.size()), params.data());
    Reset();
  }

  void BindInt(int index, int64_t value) override { Set(index, std::to_string(value)); }
  void BindText(int index, std::string_view value) override { Set(index, std::string(value)); }
  void BindNull(int index) override { is_null_.at(index - 1) = true; }

  bool Step() override {
    if (result_ == nullptr) Execute();
    if (row_ + 1 >= PQntuples(result_)) return false;
    ++row_;
    return true;
  }
  bool IsNull(int column) const override { return PQgetisnull(result_, row_, column) != 0; }
  int64_t GetInt(int column) const override {
    return std::stoll(PQgetvalue(result_, row_, column));
  }
  std::string GetText(int column) const override {
    return std::string(PQgetvalue(result_, row_, column),
                       static_cast<size_t>(PQgetlength(result_, row_, column)));
  }
  void Reset() override {
    Clear();
    for (size_t i = 0; i < is_null_.size(); ++i) is_null_[i] = true;
  }

 private:
  void Set(int index, std::string value) {
    values_.at(index - 1) = std::move(value);
    is_null_.at(index - 1) = false;
  }
  std::vector<const char*> Params() const {
    std::vector<const char*> params(values_.size());
    for (size_t i = 0; i < values_.size(); ++i)
      params[i] = is_null_[i] ? nullptr : values_[i].c_str();
    return params;
  }
  void Execute() {
    pipeline_->Drain(true);
    std::vector<const char*> params = Params();
    result_ = PQexecPrepared(conn_, name_.c_str(), static_cast<int>(params.size()), params.data(),
                             nullptr, nullptr, 0);
    const auto status = PQresultStatus(result_);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      PGresult* failed = result_;
      result_ = nullptr;
      row_ = -1;
      try {
        ThrowResultError(failed, "postgres: ", text_);
      } catch (...) {
        PQclear(failed);
        throw;
      }
    }
    row_ = -1;
  }
  void Clear() {
    if (result_ != nullptr) PQclear(result_);
    result_ = nullptr;
    row_ = -1;
  }

  PGconn* conn_;
  Pipeline* pipeline_;
  std::string name_;
  std::string text_;  // the SQL, for StorageFault::statement()
  bool write_;        // INSERT, UPDATE or DELETE: Run() need not wait
  std::vector<std::string> values_;
  std::vector<bool> is_null_;
  PGresult* result_ = nullptr;
  int row_ = -1;
};

class PgDatabase final : public Database {
 public:
  PgDatabase(PGconn* conn, std::string uri) : conn_(conn), uri_(std::move(uri)), pipeline_(conn) {}
  ~PgDatabase() override {
    try {
      pipeline_.Drain(false);
    } catch (const StorageFault&) {
      // The connection is gone; what it held is rolled back by the server.
    }
    ClearCache();
    PQfinish(conn_);
    if (id_conn_ != nullptr) PQfinish(id_conn_);
  }

  Engine engine() const override { return Engine::kPostgres; }
  void ExecScript(std::string_view sql) override {
    const std::string text(sql);
    // Writes about to be rolled back may have failed: that is no news.
    pipeline_.Drain(text.rfind("ROLLBACK", 0) != 0);
    PGresult* r = PQexec(conn_, text.c_str());
    const auto status = PQresultStatus(r);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      try {
        ThrowResultError(r, "postgres: ", text);
      } catch (...) {
        PQclear(r);
        throw;
      }
    }
    // COMMIT of a transaction that failed answers "ROLLBACK", not an error.
    const bool rolled_back = text == "COMMIT" && std::string_view(PQcmdStatus(r)) == "ROLLBACK";
    PQclear(r);
    if (rolled_back) throw StorageFault("postgres: the transaction failed and was rolled back");
  }
  std::unique_ptr<Statement> Prepare(std::string_view sql) override {
    pipeline_.Drain(true);
    const std::string text = NumberPlaceholders(sql);
    int params = 0;
    for (char c : text) params += c == '$';
    const std::string name = "s" + std::to_string(++statement_counter);
    PGresult* r = PQprepare(conn_, name.c_str(), text.c_str(), 0, nullptr);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
      try {
        ThrowResultError(r, "postgres prepare: ", text);
      } catch (...) {
        PQclear(r);
        throw;
      }
    }
    PQclear(r);
    PGresult* d = PQdescribePrepared(conn_, name.c_str());
    params = PQnparams(d);
    PQclear(d);
    return std::make_unique<PgStatement>(conn_, &pipeline_, name, text, params);
  }
  void DoBegin() override { ExecScript("BEGIN"); }
  void DoBeginRead() override { ExecScript("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); }
  void DoCommit() override { ExecScript("COMMIT"); }
  void DoRollback() override {
    pipeline_.Drain(false);
    if (PQtransactionStatus(conn_) != PQTRANS_IDLE) ExecScript("ROLLBACK");
  }
  void LockKey(std::string_view name) override {
    auto& st = Cached("SELECT pg_advisory_xact_lock(?)");
    st.BindInt(1, LockKeyOf(name));
    st.Run();
  }
  void LockKeyShared(std::string_view name) override {
    auto& st = Cached("SELECT pg_advisory_xact_lock_shared(?)");
    st.BindInt(1, LockKeyOf(name));
    st.Run();
  }
  std::string ForUpdate(std::string_view select) const override {
    return std::string(select) + " FOR UPDATE";
  }
  int64_t ReserveIdBlock(const std::string& sequence, int64_t count) override {
    if (id_conn_ == nullptr) {
      id_conn_ = PQconnectdb(uri_.c_str());
      if (PQstatus(id_conn_) != CONNECTION_OK) {
        PQfinish(id_conn_);
        id_conn_ = nullptr;
        return Database::ReserveIdBlock(sequence, count);
      }
    }
    const std::string count_text = std::to_string(count);
    const char* params[] = {count_text.c_str(), sequence.c_str()};
    PGresult* r =
        PQexecParams(id_conn_,
                     "UPDATE id_sequence SET next_value = next_value + $1 WHERE name = $2 "
                     "RETURNING next_value",
                     2, nullptr, params, nullptr, nullptr, 0);
    const bool ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
    const int64_t next = ok ? std::stoll(PQgetvalue(r, 0, 0)) : 0;
    PQclear(r);
    // A sequence created by the caller's own uncommitted transaction (a
    // migration) is not visible on the side: reserve inside the transaction.
    if (!ok) return Database::ReserveIdBlock(sequence, count);
    return next - count;
  }
  void BackupTo(const std::string& dir) override { PostgresBaseBackup(uri_, dir); }
  bool Broken() const override { return PQstatus(conn_) == CONNECTION_BAD; }
  std::string Describe() const override {
    return std::string("postgresql: database ") + PQdb(conn_) + " at " + PQhost(conn_);
  }

 private:
  PGconn* conn_;
  std::string uri_;
  Pipeline pipeline_;
  PGconn* id_conn_ = nullptr;  // autocommit, for id blocks only
};

}  // namespace

namespace {

std::string PercentEncode(std::string_view text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

std::string RedactPassword(std::string text, const std::string& target) {
  std::vector<std::string> secrets;
  char* error = nullptr;
  if (PQconninfoOption* options = PQconninfoParse(target.c_str(), &error)) {
    for (PQconninfoOption* o = options; o->keyword != nullptr; ++o)
      if (std::string_view(o->keyword) == "password" && o->val != nullptr && *o->val != '\0')
        secrets.emplace_back(o->val);
    PQconninfoFree(options);
  }
  PQfreemem(error);
  // "scheme://user:password@host": the password as written (maybe percent-encoded).
  const size_t scheme = target.find("://");
  if (scheme != std::string::npos) {
    const size_t at = target.find('@', scheme + 3);
    const size_t colon = target.find(':', scheme + 3);
    if (at != std::string::npos && colon != std::string::npos && colon < at)
      secrets.push_back(target.substr(colon + 1, at - colon - 1));
  }
  for (const auto& secret : secrets) {
    if (secret.empty()) continue;
    for (size_t pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + 3))
      text.replace(pos, secret.size(), "***");
  }
  return text;
}

std::string CreateScratchDatabase(const std::string& server_uri, const std::string& name) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(server_uri.c_str(), &error);
  if (options == nullptr) {
    std::string message = error ? error : "cannot parse the connection string";
    PQfreemem(error);
    throw StorageFault("postgres: " + RedactPassword(message, server_uri));
  }
  std::string uri = "postgresql://?dbname=" + PercentEncode(name);
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o)
    if (o->val != nullptr && *o->val != '\0' && std::string_view(o->keyword) != "dbname")
      uri += std::string("&") + o->keyword + "=" + PercentEncode(o->val);
  PQconninfoFree(options);
  OpenPostgres(server_uri)->ExecScript("CREATE DATABASE \"" + name + "\"");
  return uri;
}

void DropDatabase(const std::string& server_uri, const std::string& name) {
  OpenPostgres(server_uri)->ExecScript("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
}

std::unique_ptr<Database> OpenPostgres(const std::string& uri) {
  PGconn* conn = PQconnectdb(uri.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn);
    PQfinish(conn);
    throw StorageFault("postgres connect: " + RedactPassword(message, uri));
  }
  auto db = std::make_unique<PgDatabase>(conn, uri);
  db->ExecScript("SET client_min_messages=warning; SET DateStyle=ISO; SET client_encoding=UTF8");
  return db;
}

}  // namespace tdcs::store
