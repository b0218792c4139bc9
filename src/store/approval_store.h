// Requests waiting for a second person (migration 0024): rows in, rows out.
// Writes run inside the caller's Transaction; the rules are app/approvals.cc's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/date.h"
#include "store/db.h"
#include "store/network_store.h"

namespace tdcs::store {

struct PendingRow {
  int64_t id = 0;
  std::string kind;  // a loan action's key (writeoff, freeze, reverse), or "approve"
  std::string loan_code;
  Date action_date;
  int64_t amount_dong = 0, months = 0;
  std::string heir_code, note;  // note: the maker's reason
  std::string maker, maker_role;
  int64_t made_at = 0;
  std::string status = "pending";  // pending | approved | rejected
  std::optional<std::string> checker, decision_reason;
  std::optional<int64_t> decided_at, txn_id;
  int64_t target_txn_id = 0;    // a reversal's: the transaction it reverses
  std::string idempotency_key;  // the maker's
};

void AddPending(Database& db, PendingRow& row);  // assigns row.id
// The row, locked until the transaction ends (PostgreSQL: FOR UPDATE).
std::optional<PendingRow> LockPending(Database& db, int64_t id);
std::optional<PendingRow> FindPending(Database& db, int64_t id);
// Newest first; `status` empty: any. With `area`, only the requests whose
// loan's borrower is a member there (NetworkStore::SearchArea).
std::vector<PendingRow> ListPending(Database& db, const std::string& status, int limit,
                                    const NetworkStore::SearchArea* area = nullptr);
// The pending request of `kind` on the loan, whoever made it, if one is open.
std::optional<PendingRow> FindOpenRequest(Database& db, const std::string& loan_code,
                                          const std::string& kind);
// The request `maker` made under `key`, whatever became of it.
std::optional<PendingRow> FindRequestByKey(Database& db, const std::string& maker,
                                           const std::string& key);
void DecidePending(Database& db, int64_t id, const std::string& status, const std::string& checker,
                   int64_t decided_at, const std::string& reason, std::optional<int64_t> txn_id);

}  // namespace tdcs::store
