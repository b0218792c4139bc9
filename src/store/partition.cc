#include "store/partition.h"

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

}  // namespace tdcs::store
