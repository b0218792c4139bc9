// Partitions by branch (PostgreSQL; migration 0013, docs/ARCHITECTURE.md
// "Partitions by branch").
//
// The large tables are partitioned by RANGE on their id, one range per
// branch: branch b owns the ids [b × 2^40, (b + 1) × 2^40). An id is a
// branch's base plus a value of the table's global id sequence (id_sequence,
// reserved in blocks as before), so ids stay unique whatever the branch and
// the sequences need no row per branch. A household's rows all sit in the
// range of its branch when it was registered: the borrower takes the base of
// its group's branch, and everything that belongs to it (versions,
// memberships, loans, their transactions and entries, the savings account and
// its movements) takes the base of the row it belongs to (InRangeOf).
//
// On SQLite every base is 0: one range, ids exactly as before.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/date.h"
#include "store/db.h"

namespace tdcs::store {

constexpr int kBranchIdBits = 40;
constexpr int64_t kBranchIdSpan = int64_t{1} << kBranchIdBits;

// The base of the range `id` lies in (0 for range 0: SQLite, rows written
// before partitioning, households registered without a group).
constexpr int64_t IdRangeBase(int64_t id) {
  return id > 0 ? id / kBranchIdSpan * kBranchIdSpan : 0;
}
// The branch whose range holds `id`.
constexpr int64_t BranchOfId(int64_t id) { return IdRangeBase(id) / kBranchIdSpan; }
// `value`, a value of an id sequence, as an id in the range of `of`.
int64_t InRangeOf(int64_t of, int64_t value);
// The first id of branch `branch_id`'s range on this engine (0 on SQLite).
int64_t BranchIdBase(Database& db, int64_t branch_id);
// The id base of a household joining `group_id` on `on`: its branch's then
// (0 on SQLite, without a group, or when the group has no branch that day).
int64_t GroupIdBase(Database& db, std::optional<int64_t> group_id, Date on);
// Creates branch `branch_id`'s partition of every partitioned table
// (PostgreSQL; nothing on SQLite). Inside the transaction that adds the branch.
void AddBranchPartitions(Database& db, int64_t branch_id);

// Gathers the planner's statistics of every table (PostgreSQL ANALYZE, after
// a bulk load; nothing on SQLite).
void AnalyzeTables(Database& db);

// The foreign keys of a bulk load checked once, at its end, by one join per
// key instead of one lookup per row (PostgreSQL; nothing on SQLite, where a
// key's check is a cheap in-process lookup). Made inside the load's
// transaction: every foreign key of the schema (but those from one
// partitioned table to another, still checked row by row) is dropped, and Finish() adds
// each again, which checks every row there is; a row that breaks one is a
// StorageFault and aborts the transaction, which rolls back with the keys.
// Until the transaction ends the tables on either side of a key are locked
// (ACCESS EXCLUSIVE): other sessions that read them wait for the load.
// Made before the transaction writes to a table whose key is checked at
// commit (a key with checks still owed cannot be dropped: the server refuses).
class ForeignKeysCheckedAtEnd {
 public:
  explicit ForeignKeysCheckedAtEnd(Database& db);
  ForeignKeysCheckedAtEnd(const ForeignKeysCheckedAtEnd&) = delete;
  ForeignKeysCheckedAtEnd& operator=(const ForeignKeysCheckedAtEnd&) = delete;
  // Not finished: unless an exception is on its way (the transaction will roll
  // back), the keys are added again; if that fails, the transaction is
  // aborted on the server and cannot commit.
  ~ForeignKeysCheckedAtEnd();
  void Finish();

 private:
  struct Key {
    std::string table, name, definition;
  };
  Database& db_;
  std::vector<Key> keys_;
  int exceptions_;  // uncaught when made
  bool finished_ = false;
};

}  // namespace tdcs::store
