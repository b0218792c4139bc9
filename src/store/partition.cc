#include "store/partition.h"

#include <exception>

#include "base/check.h"

namespace tdcs::store {

int64_t InRangeOf(int64_t of, int64_t value) {
  TDCS_CHECK_MSG(value > 0 && value < kBranchIdSpan, "an id sequence ran past its range");
  return IdRangeBase(of) + value;
}

int64_t BranchIdBase(Database& db, int64_t branch_id) {
  if (db.engine() != Engine::kPostgres) return 0;
  // Below 2^53 every id stays exact in JSON (a double): 8,192 branches.
  TDCS_CHECK_MSG(branch_id >= 0 && branch_id < (int64_t{1} << (53 - kBranchIdBits)),
                 "a branch id beyond the id ranges");
  return branch_id * kBranchIdSpan;
}

constexpr const char* kBranchOfGroup =
    "SELECT o.branch_id FROM savings_group_version g "
    "JOIN commune_point_version p ON p.point_id = g.point_id AND p.valid_from <= ? "
    "AND (p.valid_to IS NULL OR p.valid_to > ?) "
    "JOIN office_version o ON o.office_id = p.office_id AND o.valid_from <= ? "
    "AND (o.valid_to IS NULL OR o.valid_to > ?) "
    "WHERE g.group_id = ? AND g.valid_from <= ? AND (g.valid_to IS NULL OR g.valid_to > ?)";

int64_t GroupIdBase(Database& db, std::optional<int64_t> group_id, Date on) {
  if (db.engine() != Engine::kPostgres || !group_id) return 0;
  auto& st = db.Cached(kBranchOfGroup);
  const std::string day = on.ToIso();
  for (int i : {1, 2, 3, 4, 6, 7}) st.BindText(i, day);
  st.BindInt(5, *group_id);
  const int64_t branch = st.Step() ? st.GetInt(0) : 0;
  st.Reset();
  return BranchIdBase(db, branch);
}

void AddBranchPartitions(Database& db, int64_t branch_id) {
  if (db.engine() != Engine::kPostgres) return;
  auto& st = db.Cached("SELECT tdcs_add_branch_partitions(?)");
  st.BindInt(1, branch_id);
  while (st.Step()) {
  }
  st.Reset();
}

void AnalyzeTables(Database& db) {
  if (db.engine() == Engine::kPostgres) db.ExecScript("ANALYZE");
}

ForeignKeysCheckedAtEnd::ForeignKeysCheckedAtEnd(Database& db)
    : db_(db), exceptions_(std::uncaught_exceptions()) {
  if (db_.engine() != Engine::kPostgres) return;
  TDCS_CHECK_MSG(db_.InTransaction(), "foreign keys are set aside only inside a transaction");
  // Each key once: those a partition inherits go with its table's. A key
  // from one partitioned table to another (loan.borrower_id: a loan may be
  // inherited across branches) stays, checked row by row: added again, it
  // would be checked partition by partition, each joined with the whole
  // other table (on the national book, minutes for every branch).
  auto st = db_.Prepare(
      "SELECT c.conrelid::regclass::text, quote_ident(c.conname), pg_get_constraintdef(c.oid) "
      "FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
      "JOIN pg_class r ON r.oid = c.confrelid "
      "JOIN pg_namespace n ON n.oid = t.relnamespace "
      "WHERE c.contype = 'f' AND c.conparentid = 0 AND n.nspname = current_schema() "
      "AND NOT (t.relkind = 'p' AND r.relkind = 'p') "
      "ORDER BY 1, 2");
  while (st->Step()) keys_.push_back({st->GetText(0), st->GetText(1), st->GetText(2)});
  st.reset();
  if (keys_.empty()) return;
  for (const Key& key : keys_)
    db_.ExecScript("ALTER TABLE " + key.table + " DROP CONSTRAINT " + key.name);
}

void ForeignKeysCheckedAtEnd::Finish() {
  if (finished_ || keys_.empty()) return;
  // A check is one join of the table with the one it refers to: memory for
  // hashing it, and no statement timeout (a national table's join is long),
  // until the transaction ends.
  db_.ExecScript("SET LOCAL work_mem = '256MB'");
  db_.ExecScript("SET LOCAL statement_timeout = 0");
  // The checks the kept keys owe are made now (a table with checks owed
  // cannot take a key); after, every key is checked at commit again, as it
  // was made (the schema's deferrable keys are all INITIALLY DEFERRED).
  db_.ExecScript("SET CONSTRAINTS ALL IMMEDIATE");
  for (const Key& key : keys_)
    db_.ExecScript("ALTER TABLE " + key.table + " ADD CONSTRAINT " + key.name + " " +
                   key.definition);
  db_.ExecScript("SET CONSTRAINTS ALL DEFERRED");
  finished_ = true;
}

ForeignKeysCheckedAtEnd::~ForeignKeysCheckedAtEnd() {
  // An exception on its way (thrown since the keys were set aside) rolls
  // the transaction back, and the keys with it.
  if (finished_ || std::uncaught_exceptions() > exceptions_) return;
  try {
    Finish();
  } catch (...) {
    // The failed check aborted the transaction on the server: it cannot
    // commit (a COMMIT answered with a rollback is a fault), keys or not.
  }
}

}  // namespace tdcs::store
