// PostgreSQL adapter over libpq. Each Statement is a server-side prepared
// statement (PQprepare once, PQexecPrepared per run) with text-format
// parameters and results. Dates come back as ISO text (DateStyle ISO is set at
// connect), integers as decimal text.
//
// Writes travel in libpq's pipeline mode: Run() (a write, a row lock, a
// transaction's advisory lock: a statement whose rows nobody reads) sends it
// and goes on without waiting for the answer, so a batch of writes
// costs one round trip, not one per row. The pipeline is drained (a sync
// point, every answer read, the first failure thrown with its statement)
// before anything that needs an answer: a read, a script, a prepare, a
// commit — and every kMaxPending statements, so that the answers owed stay
// bounded (libpq reads what arrives while it waits to send, so a long
// pipeline does not deadlock on full socket buffers either). Order is the
// connection's order, so a read sees every write sent before it.
#include "store/postgres_db.h"

#include <libpq-fe.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdlib>
#include <exception>
#include <map>
#include <regex>
#include <set>
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

// A statement holding rows to insert as one multi-row INSERT, or to update
// as one UPDATE … FROM (VALUES …).
class RowBuffer {
 public:
  virtual ~RowBuffer() = default;
  virtual void SendRows() = 0;
  virtual const std::string& table() const = 0;
  // The transaction (or savepoint) they were for is rolled back.
  virtual void DiscardRows() = 0;
  // An update's rows (sent after the inserts held for the same table).
  virtual bool Updates() const = 0;
  // Whether an update of the row with key `key` is held.
  virtual bool HoldsKey(const std::string& key) const = 0;
};

// Whether `sql` names `table` (as a whole word).
bool NamesTable(const std::string& sql, const std::string& table) {
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (size_t at = sql.find(table); at != std::string::npos; at = sql.find(table, at + 1)) {
    const size_t end = at + table.size();
    if ((at == 0 || !word(sql[at - 1])) && (end == sql.size() || !word(sql[end]))) return true;
  }
  return false;
}

// The writes sent and not yet answered on one connection, and the rows held
// for multi-row inserts.
class Pipeline {
 public:
  explicit Pipeline(PGconn* conn) : conn_(conn) {}

  // Sends prepared statement `name` without waiting for its answer. Rows
  // held for a table the statement names go first, so that it finds them;
  // other held rows may wait: no foreign key refers to their tables, so no
  // statement depends on them unless it names them.
  void Send(const std::string& name, const std::string* text, int count,
            const char* const* params) {
    SendWhere([&](const RowBuffer* b) { return NamesTable(*text, b->table()); });
    SendNow(name, text, count, params);
    DrainWhenFull();
  }
  // Drains once kMaxPending answers are owed (called between statements,
  // never while a buffer sends its rows).
  void DrainWhenFull() {
    if (pending_.size() >= kMaxPending) Drain(true);
  }
  // Sends the preparation of `sql` as `name` (a multi-row insert's).
  // `*prepared` is set now and cleared by the drain if the server did not
  // prepare it (it failed, or an earlier failure aborted the pipeline), so
  // that it is prepared again before its next use.
  void SendPrepare(const std::string& name, const std::string* sql, bool* prepared) {
    Enter();
    if (PQsendPrepare(conn_, name.c_str(), sql->c_str(), 0, nullptr) != 1) Fail(*sql);
    pending_.push_back({sql, prepared});
    *prepared = true;
  }
  void SendNow(const std::string& name, const std::string* text, int count,
               const char* const* params) {
    Enter();
    if (PQsendQueryPrepared(conn_, name.c_str(), count, params, nullptr, nullptr, 0) != 1)
      Fail(*text);
    pending_.push_back({text, nullptr});
  }

  // A statement that holds rows (until SendHeldRows) and one that no longer
  // exists.
  void Hold(RowBuffer* buffer) { holding_.insert(buffer); }
  void Forget(RowBuffer* buffer) { holding_.erase(buffer); }
  void SendHeldRows() {
    SendWhere([](const RowBuffer*) { return true; });
  }
  // Sends the rows held for `table`, whichever statements hold them.
  void SendTable(const std::string& table) {
    SendWhere([&](const RowBuffer* b) { return b->table() == table; });
  }
  // Whether an update of `table`'s row `key` is held.
  bool HoldsUpdateOf(const std::string& table, const std::string& key) const {
    for (const RowBuffer* b : holding_)
      if (b->Updates() && b->table() == table && b->HoldsKey(key)) return true;
    return false;
  }
  // Sends the rows held, reads every answer and leaves pipeline mode. The
  // first failure is thrown (with its statement) when `throw_errors`.
  void Drain(bool throw_errors) {
    SendHeldRows();
    Sync(throw_errors);
  }

  // Copies `data` (rows in COPY's text format) into `table`'s `columns` with
  // COPY … FROM STDIN, after everything sent before it has run (COPY does not
  // travel in pipeline mode). Its answer is read before anything else is
  // sent (FinishCopy), so the server copies while the caller goes on. A
  // failure is kept like a pipelined statement's, for the next drain that
  // can throw; the transaction is aborted by it, so nothing after it is
  // written either.
  void Copy(const std::string& table, const std::vector<std::string>& columns,
            const std::string& data, size_t rows, const std::string& statement) {
    Sync(false);
    if (unseen_failure_) return;  // the transaction is aborted: it would fail
    // Out of pipeline mode (a send that failed may have left it entered).
    if (PQpipelineStatus(conn_) != PQ_PIPELINE_OFF && PQexitPipelineMode(conn_) != 1)
      return KeepFault("postgres: cannot leave pipeline mode for COPY: ", statement);
    std::string sql = "COPY " + table + " (";
    for (size_t c = 0; c < columns.size(); ++c) sql += (c ? ", " : "") + columns[c];
    sql += ") FROM STDIN";
    copy_ = {true, statement, rows};
    PGresult* r = PQexec(conn_, sql.c_str());
    if (PQresultStatus(r) != PGRES_COPY_IN) return ReadCopyAnswer(r);
    PQclear(r);
    // In pieces (PQputCopyData counts in int).
    constexpr size_t kPiece = size_t{1} << 20;
    bool sent = true;
    for (size_t at = 0; sent && at < data.size(); at += kPiece)
      sent = PQputCopyData(conn_, data.data() + at,
                           static_cast<int>(std::min(kPiece, data.size() - at))) == 1;
    if (PQputCopyEnd(conn_, sent ? nullptr : "the rows could not be sent") != 1 ||
        PQstatus(conn_) != CONNECTION_OK) {
      copy_ = {};
      throw StorageFault(std::string("postgres: connection lost: ") + PQerrorMessage(conn_));
    }
  }

  // Reads every answer owed and leaves pipeline mode (nothing held is sent).
  void Sync(bool throw_errors) {
    FinishCopy();
    if (pending_.empty()) {
      if (throw_errors) ThrowUnseenFailure();
      return;
    }
    PGresult* failed = nullptr;
    const std::string* failed_text = nullptr;
    bool broken = PQpipelineSync(conn_) != 1;
    for (const Pending& pending : pending_) {
      if (broken || PQstatus(conn_) != CONNECTION_OK) {
        broken = true;
        if (pending.prepared) *pending.prepared = false;
        continue;
      }
      // Each query's answer is its result(s), then NULL.
      while (PGresult* r = PQgetResult(conn_)) {
        const auto status = PQresultStatus(r);
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && pending.prepared)
          *pending.prepared = false;
        if (status == PGRES_FATAL_ERROR && failed == nullptr) {
          failed = r;
          failed_text = pending.text;
          continue;
        }
        PQclear(r);
      }
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
    if (failed != nullptr) Keep(failed, *failed_text);
    if (throw_errors) ThrowUnseenFailure();
  }

  // Sends the held rows of the buffers `wanted` picks: every insert first,
  // then every update. An update held after the insert of its row must find
  // the row; and an insert is never held while an update of its key is
  // (the update is sent first, see PgStatement::Run), so no update held
  // before an insert is moved after it.
  template <typename Wanted>
  void SendWhere(Wanted&& wanted) {
    for (const bool updates : {false, true}) {
      for (auto it = holding_.begin(); it != holding_.end();) {
        RowBuffer* buffer = *it;
        if (buffer->Updates() != updates || !wanted(buffer)) {
          ++it;
          continue;
        }
        it = holding_.erase(it);
        buffer->SendRows();
      }
    }
  }

  // Held rows dropped, then (after the drain) a failure forgotten: the
  // transaction (or savepoint) they belonged to is being rolled back.
  void DiscardHeldRows() {
    for (RowBuffer* buffer : holding_) buffer->DiscardRows();
    holding_.clear();
  }
  void ForgetFailure() { unseen_failure_ = nullptr; }

 private:
  void Enter() {
    FinishCopy();
    if (pending_.empty() && PQenterPipelineMode(conn_) != 1)
      throw StorageFault(std::string("postgres: cannot enter pipeline mode: ") +
                         PQerrorMessage(conn_));
  }
  // The connection could not take a statement: the transaction is lost, and
  // the fault ends it (nothing catches a StorageFault and goes on in the
  // same transaction), so the rows held for it go too.
  [[noreturn]] void Fail(const std::string& sql) {
    const std::string message = PQerrorMessage(conn_);
    DiscardHeldRows();
    Drain(false);
    throw StorageFault("postgres: " + message.substr(0, message.find('\n')), sql);
  }

  // Reads the answer of the COPY in flight, if one is.
  void FinishCopy() {
    if (copy_.in_flight) ReadCopyAnswer(PQgetResult(conn_));
  }
  // The answers of the COPY in flight, from `r` on: it wrote every row, or
  // its failure is kept (no answer at all is a failure too).
  void ReadCopyAnswer(PGresult* r) {
    const CopyInFlight copy = std::move(copy_);
    copy_ = {};
    PGresult* failed = nullptr;
    bool done = false;
    size_t copied = 0;
    for (; r != nullptr; r = PQgetResult(conn_)) {
      if (failed == nullptr && !done && PQresultStatus(r) == PGRES_COMMAND_OK) {
        done = true;
        copied = std::strtoull(PQcmdTuples(r), nullptr, 10);
      } else if (failed == nullptr && PQresultStatus(r) != PGRES_COMMAND_OK) {
        failed = r;
        continue;
      }
      PQclear(r);
    }
    if (PQstatus(conn_) != CONNECTION_OK) {
      if (failed != nullptr) PQclear(failed);
      throw StorageFault(std::string("postgres: connection lost: ") + PQerrorMessage(conn_));
    }
    if (failed != nullptr) return Keep(failed, copy.statement);
    if (!done || copied != copy.rows)
      KeepFault("postgres: COPY wrote " + std::to_string(copied) + " of " +
                    std::to_string(copy.rows) + " rows: ",
                copy.statement);
  }
  // A failure of TDCS's own making, kept the same way.
  void KeepFault(const std::string& message, const std::string& statement) {
    if (!unseen_failure_)
      unseen_failure_ =
          std::make_exception_ptr(StorageFault(message + PQerrorMessage(conn_), statement));
  }

  // A failure kept when nobody can be told now (a statement's destructor
  // drains): the next drain that can throw, throws it, unless a rollback
  // came first. The first one is kept: what failed after it failed for it.
  void Keep(PGresult* failed, const std::string& statement) {
    try {
      ThrowResultError(failed, "postgres: ", statement);
    } catch (...) {
      PQclear(failed);
      if (!unseen_failure_) unseen_failure_ = std::current_exception();
    }
  }

  void ThrowUnseenFailure() {
    if (!unseen_failure_) return;
    std::exception_ptr failure = unseen_failure_;
    unseen_failure_ = nullptr;
    std::rethrow_exception(failure);
  }

  PGconn* conn_;
  struct Pending {
    const std::string* text;  // the statement's SQL, for faults
    bool* prepared;           // a preparation's: whether the server has it
  };
  std::vector<Pending> pending_;
  // The COPY whose answer is owed: its INSERT (for faults) and its rows.
  struct CopyInFlight {
    bool in_flight = false;
    std::string statement;
    size_t rows = 0;
  };
  CopyInFlight copy_;
  std::set<RowBuffer*> holding_;
  std::exception_ptr unseen_failure_;
};

// "INSERT INTO table (columns) VALUES ($1, …, $n)" and nothing more: the
// table's name (empty if the statement is not such an insert), and the
// parameter (0-based) its "id" column takes, or -1. Such an insert into a
// table no foreign key refers to may be held and sent with others as one
// multi-row INSERT: no row of another table can depend on it, and everything
// it depends on was sent before it.
struct PlainInsert {
  std::string table;
  int key = -1;
  std::vector<std::string> columns;
  std::vector<int> param_of;  // each column's parameter (0-based), -1 for NULL
};
PlainInsert PlainInsertOf(const std::string& sql, int params) {
  static const std::regex kPlain(
      R"(^INSERT INTO (\w+) \(([^()]*)\) VALUES \(((?:\$\d+|NULL)(?:, (?:\$\d+|NULL))*)\)$)");
  static const std::regex kItem(R"([^, ]+)");
  std::smatch m;
  if (!std::regex_match(sql, m, kPlain)) return {};
  const std::string columns = m[2], values = m[3];
  std::vector<std::string> names, items;
  for (std::sregex_iterator it(columns.begin(), columns.end(), kItem), end; it != end; ++it)
    names.push_back(it->str());
  for (std::sregex_iterator it(values.begin(), values.end(), kItem), end; it != end; ++it)
    items.push_back(it->str());
  // The parameters in order, each once ($1, $2, …, with NULLs among them).
  PlainInsert out;
  int next = 1;
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i] == "NULL") {
      out.param_of.push_back(-1);
      continue;
    }
    if (std::stoi(items[i].substr(1)) != next++) return {};
    out.param_of.push_back(next - 2);
    if (i < names.size() && names[i] == "id") out.key = next - 2;
  }
  if (next != params + 1 || names.size() != items.size()) return {};
  out.table = m[1];
  out.columns = std::move(names);
  return out;
}

// "UPDATE table SET a = $1, b = $2 WHERE id = $3" or "UPDATE table SET (a, b)
// = ($1, $2) WHERE id = $3", parameters in order, the key last: the table and
// the columns set, or an empty table. Such an update (every column set to a
// value, the row found by its key) may be held and sent with others as one
// UPDATE … FROM (VALUES …): a later one for the same row replaces the held
// one, which is what running both would leave.
struct PlainUpdate {
  std::string table;
  std::vector<std::string> columns;
};
PlainUpdate PlainUpdateOf(const std::string& sql, int params) {
  static const std::regex kPairs(
      R"(^UPDATE (\w+) SET ((?:\w+ = \$\d+)(?:, \w+ = \$\d+)*) WHERE id = \$(\d+)$)");
  static const std::regex kRow(
      R"(^UPDATE (\w+) SET \((\w+(?:, \w+)*)\) = \((\$\d+(?:, \$\d+)*)\) WHERE id = \$(\d+)$)");
  static const std::regex kName(R"(\w+)");
  static const std::regex kParam(R"(\$(\d+))");
  static const std::regex kPair(R"((\w+) = (\$\d+))");
  std::smatch m;
  PlainUpdate out;
  std::string names, numbers, key;
  if (std::regex_match(sql, m, kPairs)) {
    const std::string pairs = m[2];
    for (std::sregex_iterator it(pairs.begin(), pairs.end(), kPair), end; it != end; ++it) {
      names += (names.empty() ? "" : ", ") + (*it)[1].str();
      numbers += (*it)[2].str() + " ";
    }
    key = m[3];
  } else if (std::regex_match(sql, m, kRow)) {
    names = m[2];
    numbers = m[3];
    key = m[4];
  } else {
    return {};
  }
  int next = 1;
  for (std::sregex_iterator it(numbers.begin(), numbers.end(), kParam), end; it != end; ++it)
    if (std::stoi((*it)[1]) != next++) return {};
  if (std::stoi(key) != next || next != params) return {};
  for (std::sregex_iterator it(names.begin(), names.end(), kName), end; it != end; ++it)
    out.columns.push_back(it->str());
  if (static_cast<int>(out.columns.size()) != params - 1) return {};
  // A new key would leave the held row's key (its last parameter) stale.
  for (const auto& column : out.columns)
    if (column == "id") return {};
  out.table = m[1];
  return out;
}

// Whether Run() may send the statement without waiting for its answer: any
// statement whose rows are not read (writes, row locks, transaction-scoped
// advisory locks) — the server runs it in order before whatever follows. A
// session-level lock (a batch run's) is the exception: it is held across
// transactions, so the run waits until it really has it, or has let it go.
// Outside a transaction nothing waits in the pipeline either: a statement
// there commits on its own, and the caller goes on knowing it did.
bool MayPipeline(std::string_view sql) {
  return sql.find("pg_advisory_lock(") == std::string_view::npos &&
         sql.find("pg_advisory_unlock(") == std::string_view::npos;
}

// The tables of the schema that no foreign key checked at once refers to
// (nor to any of their partitions; a key checked at commit waits for the
// whole transaction), read from the catalog when first asked and again after
// a script (a migration) ran.
class LeafTables {
 public:
  LeafTables(PGconn* conn, Pipeline* pipeline) : conn_(conn), pipeline_(pipeline) {}
  void Forget() { known_ = false; }
  bool Contains(const std::string& table) {
    if (!known_) {
      pipeline_->Drain(true);
      Read();
    }
    return tables_.count(table) != 0;
  }

 private:
  void Read() {
    PGresult* r =
        PQexec(conn_,
               "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
               "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT EXISTS "
               "(SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND NOT f.condeferred AND "
               "(f.confrelid = c.oid OR "
               "f.confrelid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = c.oid)))");
    tables_.clear();
    if (PQresultStatus(r) == PGRES_TUPLES_OK)
      for (int i = 0; i < PQntuples(r); ++i) tables_.insert(PQgetvalue(r, i, 0));
    PQclear(r);
    known_ = true;
  }
  PGconn* conn_;
  Pipeline* pipeline_;
  bool known_ = false;
  std::set<std::string> tables_;
};

// Rows of one insert sent together, at most (a power of two per statement,
// so that a handful of prepared statements serve every count).
constexpr size_t kRowsPerInsert = 64;
// Rows an insert holds at most; from kRowsToCopy rows on they go as one
// COPY, which the server reads faster than a multi-row INSERT (but which
// waits for every statement sent before it: worth it for a bulk load's
// thousands of rows, not for a session batch's dozens).
constexpr size_t kRowsHeld = 4096;
constexpr size_t kRowsToCopy = 512;

// `value` in COPY's text format, appended to `out`.
void AppendCopyValue(std::string& out, const std::string& value) {
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
}

class PgStatement final : public Statement, private RowBuffer {
 public:
  PgStatement(const Database* db, PGconn* conn, Pipeline* pipeline, LeafTables* leaves,
              std::string name, std::string text, int param_count)
      : db_(db),
        conn_(conn),
        pipeline_(pipeline),
        leaves_(leaves),
        name_(std::move(name)),
        text_(std::move(text)),
        pipelined_(MayPipeline(text_)),
        insert_(PlainInsertOf(text_, param_count)),
        update_(insert_.table.empty() ? PlainUpdateOf(text_, param_count) : PlainUpdate{}),
        held_table_(insert_.table.empty() ? update_.table : insert_.table),
        values_(param_count),
        is_null_(param_count, true) {}
  ~PgStatement() override {
    Clear();
    try {
      if (!held_.empty()) pipeline_->SendTable(held_table_);
      pipeline_->Forget(this);
      pipeline_->Drain(false);
    } catch (const StorageFault&) {
      return;  // the connection is gone, and its statements with it
    }
    // One by one: a failed one (never prepared) does not stop the others.
    std::vector<std::string> names{name_};
    for (const auto& [n, variant] : variants_)
      if (variant.prepared) names.push_back(variant.name);
    for (const auto& name : names) PQclear(PQexec(conn_, ("DEALLOCATE \"" + name + "\"").c_str()));
  }

  void Run() override {
    if (!pipelined_ || result_ != nullptr || !db_->InTransaction()) return Statement::Run();
    const bool updates = !update_.table.empty();
    // An update's key is its last parameter; one bound NULL finds no row
    // and is sent as it is (after what is held for its table).
    if (!held_table_.empty() && !(updates && is_null_.back()) && leaves_->Contains(held_table_) &&
        Typed()) {
      if (updates) {
        // A second update of a held row takes its place.
        auto [at, fresh] = held_keys_.try_emplace(values_.back(), held_.size());
        if (!fresh) {
          held_[at->second] = {values_, is_null_};
          Reset();
          return;
        }
      } else if (insert_.key >= 0 && !is_null_[insert_.key] &&
                 pipeline_->HoldsUpdateOf(held_table_, values_[insert_.key])) {
        // An update of this key came first (and found no row): it goes
        // out before the insert, as it ran.
        pipeline_->SendTable(held_table_);
      }
      held_.push_back({values_, is_null_});
      pipeline_->Hold(this);
      if (held_.size() >= (updates ? kRowsPerInsert : kRowsHeld)) {
        if (updates) {
          // The inserts held for the table go first: an update may be of
          // a row one of them inserts.
          pipeline_->SendTable(held_table_);
        } else {
          pipeline_->Forget(this);
          SendRows();
        }
        pipeline_->DrainWhenFull();
      }
    } else {
      std::vector<const char*> params = Params();
      pipeline_->Send(name_, &text_, static_cast<int>(params.size()), params.data());
    }
    Reset();
  }

  void SendRows() override {
    const std::vector<HeldRow> rows = std::move(held_);
    held_.clear();
    held_keys_.clear();
    if (update_.table.empty() && rows.size() >= kRowsToCopy) {
      std::string data;
      data.reserve(rows.size() * 16 * insert_.columns.size());
      for (const HeldRow& row : rows) {
        for (size_t c = 0; c < insert_.param_of.size(); ++c) {
          if (c) data += '\t';
          const int p = insert_.param_of[c];
          if (p < 0 || row.is_null[p])
            data += "\\N";
          else
            AppendCopyValue(data, row.values[p]);
        }
        data += '\n';
      }
      pipeline_->Copy(insert_.table, insert_.columns, data, rows.size(), text_);
      return;
    }
    for (size_t i = 0; i < rows.size();) {
      size_t n = kRowsPerInsert;
      while (n > rows.size() - i) n /= 2;
      std::vector<const char*> params;
      params.reserve(n * values_.size());
      for (size_t k = i; k < i + n; ++k)
        for (size_t c = 0; c < values_.size(); ++c)
          params.push_back(rows[k].is_null[c] ? nullptr : rows[k].values[c].c_str());
      if (n == 1) {
        pipeline_->SendNow(name_, &text_, static_cast<int>(params.size()), params.data());
      } else {
        const Variant& v = VariantOf(n);
        pipeline_->SendNow(v.name, &v.sql, static_cast<int>(params.size()), params.data());
      }
      i += n;
    }
  }
  void DiscardRows() override {
    held_.clear();
    held_keys_.clear();
  }
  const std::string& table() const override { return held_table_; }
  bool Updates() const override { return !update_.table.empty(); }
  bool HoldsKey(const std::string& key) const override { return held_keys_.count(key) != 0; }

  void BindInt(int index, int64_t value) override { Set(index, std::to_string(value)); }
  void BindText(int index, std::string_view value) override {
    // libpq's text parameters end at a NUL byte: refused, never cut short.
    if (value.find('\0') != std::string_view::npos)
      throw StorageFault(
          "postgres: a text value holds a NUL byte (parameter " + std::to_string(index) + ")",
          text_);
    Set(index, std::string(value));
  }
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
  // The insert of `n` rows at once, prepared (in the pipeline) when first used.
  struct Variant {
    std::string name, sql;
    bool prepared = false;  // as far as the server is known to have it
  };
  const Variant& VariantOf(size_t n) {
    auto it = variants_.find(n);
    if (it != variants_.end()) {
      if (!it->second.prepared)
        pipeline_->SendPrepare(it->second.name, &it->second.sql, &it->second.prepared);
      return it->second;
    }
    Variant v;
    v.name = name_ + "_" + std::to_string(n);
    if (!update_.table.empty()) {
      v.sql = UpdateOfRows(n);
      auto& stored = variants_.emplace(n, std::move(v)).first->second;
      pipeline_->SendPrepare(stored.name, &stored.sql, &stored.prepared);
      return stored;
    }
    const size_t values = text_.rfind(" VALUES (");
    v.sql = text_.substr(0, values) + " VALUES ";
    // The row as written ("$1, NULL, $2"), its parameters renumbered per row.
    const std::string row = text_.substr(values + 9, text_.size() - values - 10);
    for (size_t k = 0; k < n; ++k) {
      v.sql += k ? ", (" : "(";
      for (size_t at = 0; at < row.size();) {
        if (row[at] != '$') {
          v.sql += row[at++];
          continue;
        }
        size_t end = at + 1;
        while (end < row.size() && std::isdigit(static_cast<unsigned char>(row[end]))) ++end;
        v.sql +=
            "$" + std::to_string(k * values_.size() + std::stoul(row.substr(at + 1, end - at - 1)));
        at = end;
      }
      v.sql += ")";
    }
    auto& stored = variants_.emplace(n, std::move(v)).first->second;
    pipeline_->SendPrepare(stored.name, &stored.sql, &stored.prepared);
    return stored;
  }
  // "UPDATE t AS tdcs_u SET a = tdcs_v.a, … FROM (VALUES (CAST($1 AS …), …,
  // CAST($k AS …)), …) AS tdcs_v (a, …, tdcs_key) WHERE tdcs_u.id =
  // tdcs_v.tdcs_key" for `n` rows: each row's parameters cast to its column's
  // type (a VALUES list does not know it).
  std::string UpdateOfRows(size_t n) const {
    const auto& columns = update_.columns;
    std::string sql = "UPDATE " + update_.table + " AS tdcs_u SET ";
    for (size_t c = 0; c < columns.size(); ++c)
      sql += (c ? ", " : "") + columns[c] + " = tdcs_v." + columns[c];
    sql += " FROM (VALUES ";
    for (size_t k = 0; k < n; ++k) {
      sql += k ? ", (" : "(";
      for (size_t c = 0; c < values_.size(); ++c)
        sql += (c ? ", CAST($" : "CAST($") + std::to_string(k * values_.size() + c + 1) + " AS " +
               column_types_[c] + ")";
      sql += ")";
    }
    sql += ") AS tdcs_v (";
    for (const auto& column : columns) sql += column + ", ";
    return sql + "tdcs_key) WHERE tdcs_u.id = tdcs_v.tdcs_key";
  }
  // Whether the types of an update's columns are known (read from the
  // catalog at its first run; an insert needs none). A column not found
  // leaves the update unheld.
  bool Typed() {
    if (update_.table.empty() || !column_types_.empty()) return true;
    pipeline_->Drain(true);
    const std::string table = update_.table;
    const char* params[] = {table.c_str()};
    PGresult* r = PQexecParams(conn_,
                               "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
                               "WHERE attrelid = CAST($1 AS regclass) AND attnum > 0 AND "
                               "NOT attisdropped",
                               1, nullptr, params, nullptr, nullptr, 0);
    std::map<std::string, std::string> types;
    if (PQresultStatus(r) == PGRES_TUPLES_OK)
      for (int i = 0; i < PQntuples(r); ++i) types[PQgetvalue(r, i, 0)] = PQgetvalue(r, i, 1);
    PQclear(r);
    std::vector<std::string> found;
    for (const auto& column : update_.columns) {
      auto it = types.find(column);
      // A length-limited type ("character varying(20)") is not cast: an
      // explicit cast would cut what an assignment refuses.
      if (it == types.end() || it->second.find('(') != std::string::npos) break;
      found.push_back(it->second);
    }
    if (found.size() != update_.columns.size() || !types.count("id")) {
      held_table_.clear();
      return false;
    }
    found.push_back(types["id"]);
    column_types_ = std::move(found);
    return true;
  }
  void Clear() {
    if (result_ != nullptr) PQclear(result_);
    result_ = nullptr;
    row_ = -1;
  }

  const Database* db_;
  PGconn* conn_;
  Pipeline* pipeline_;
  LeafTables* leaves_;
  std::string name_;
  std::string text_;  // the SQL, for StorageFault::statement()
  bool pipelined_;    // Run() need not wait for the answer
  // A plain insert's table and key parameter: its rows may be held and sent
  // several at once (when no foreign key refers to the table).
  PlainInsert insert_;
  // A plain update's table and columns, and the types of its parameters.
  PlainUpdate update_;
  std::vector<std::string> column_types_;
  // The table whose rows this statement may hold (an insert's or an update's).
  std::string held_table_;
  // An update's held rows by key (its last parameter).
  std::map<std::string, size_t> held_keys_;
  struct HeldRow {
    std::vector<std::string> values;
    std::vector<bool> is_null;
  };
  std::vector<HeldRow> held_;
  std::map<size_t, Variant> variants_;
  std::vector<std::string> values_;
  std::vector<bool> is_null_;
  PGresult* result_ = nullptr;
  int row_ = -1;
};

class PgDatabase final : public Database {
 public:
  PgDatabase(PGconn* conn, std::string uri)
      : conn_(conn), uri_(std::move(uri)), pipeline_(conn), leaves_(conn, &pipeline_) {}
  ~PgDatabase() override {
    try {
      pipeline_.DiscardHeldRows();
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
    const bool rollback = text.rfind("ROLLBACK", 0) == 0;
    if (rollback) pipeline_.DiscardHeldRows();
    pipeline_.Drain(!rollback);
    if (rollback) pipeline_.ForgetFailure();
    // A script may change the schema (a migration): which tables are
    // referred to is read again.
    if (text.rfind("COMMIT", 0) != 0 && !rollback && text.rfind("BEGIN", 0) != 0 &&
        text.rfind("SAVEPOINT", 0) != 0 && text.rfind("RELEASE", 0) != 0)
      leaves_.Forget();
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
    return std::make_unique<PgStatement>(this, conn_, &pipeline_, &leaves_, name, text, params);
  }
  void DoBegin() override { ExecScript("BEGIN"); }
  void DoBeginRead() override { ExecScript("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); }
  void DoCommit() override { ExecScript("COMMIT"); }
  void DoRollback() override {
    pipeline_.DiscardHeldRows();
    pipeline_.Drain(false);
    pipeline_.ForgetFailure();
    if (PQtransactionStatus(conn_) != PQTRANS_IDLE) ExecScript("ROLLBACK");
  }
  void LockKey(std::string_view name) override {
    std::string held = "key:" + std::string(name);
    if (HeldInTransaction(held)) return;
    auto& st = Cached("SELECT pg_advisory_xact_lock(?)");
    st.BindInt(1, LockKeyOf(name));
    st.Run();
    NoteHeldInTransaction(std::move(held));
  }
  void LockKeyShared(std::string_view name) override {
    std::string held = "shared:" + std::string(name);
    if (HeldInTransaction(held) || HeldInTransaction("key:" + std::string(name))) return;
    auto& st = Cached("SELECT pg_advisory_xact_lock_shared(?)");
    st.BindInt(1, LockKeyOf(name));
    st.Run();
    NoteHeldInTransaction(std::move(held));
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
      // A reservation's commit need not wait for its own flush: any
      // transaction that uses the ids commits after it, and flushing that
      // commit (to disk, and to a synchronous standby) flushes the WAL
      // before it, the reservation included. A reservation lost in a crash
      // had no committed user, so handing its ids out again is harmless.
      PQclear(PQexec(id_conn_, "SET synchronous_commit = off"));
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
  LeafTables leaves_;
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

void ForEachConnectionParameter(
    const std::string& uri, const std::string& who,
    const std::function<void(std::string_view keyword, const std::string& value)>& each) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(uri.c_str(), &error);
  if (options == nullptr) {
    std::string message = error ? error : "cannot parse the connection string";
    PQfreemem(error);
    throw StorageFault(who + ": " + RedactPassword(message, uri));
  }
  try {
    for (PQconninfoOption* o = options; o->keyword != nullptr; ++o)
      if (o->val != nullptr && *o->val != '\0') each(o->keyword, o->val);
  } catch (...) {
    PQconninfoFree(options);
    throw;
  }
  PQconninfoFree(options);
}

std::string CreateScratchDatabase(const std::string& server_uri, const std::string& name) {
  std::string uri = "postgresql://?dbname=" + PercentEncode(name);
  ForEachConnectionParameter(server_uri, "postgres",
                             [&](std::string_view keyword, const std::string& value) {
                               if (keyword != "dbname")
                                 uri += "&" + std::string(keyword) + "=" + PercentEncode(value);
                             });
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
  db->ExecScript(
      "SET client_min_messages=warning; SET DateStyle=ISO; SET client_encoding=UTF8; "
      "SET plan_cache_mode=force_generic_plan; SET jit=off");
  return db;
}

}  // namespace tdcs::store
