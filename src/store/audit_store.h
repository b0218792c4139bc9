// The audit trail in the database (migration 0023): append-only records of
// every write, each chained to the one before it by a hash.
//
// A record's hash is BLAKE2b-256 (libsodium crypto_generichash) of its
// canonical encoding: a domain name, then every column but the hashes in a
// fixed order (integers 8 bytes big-endian, texts length-prefixed), then the
// previous record's hash (position 1: 32 zero bytes). Changing a record,
// taking one out, or swapping two changes a hash that the records after it
// and the head row (table audit_head) depend on.
//
// Writers: AppendAudit keeps the transaction's records and writes them just
// before it commits (Database::AddPending), taking the head row then (on
// PostgreSQL SELECT … FOR UPDATE), so the head is held for the commit only
// and a rolled-back transaction leaves no record — nor does a savepoint
// rolled back leave the records added after it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/db.h"
#include "store/journal_chain.h"

namespace tdcs::store {

struct AuditRecord {
  int64_t seq = 0;        // position in the chain, set when written
  int64_t at_micros = 0;  // when (microseconds since the Unix epoch, UTC)
  std::string actor, role, scope, origin, request_id;
  std::string action;                  // "loan.pay", "user.add", …
  std::string subject;                 // what it acted on: "loan:L-…", "user:…"
  std::string before, after;           // the state before and after, as JSON text ("" when none)
  std::string prev_hash, record_hash;  // hex, set when written
};

ChainHash AuditHash(const AuditRecord& record, const ChainHash& previous);

// Adds `record` to the records the current write transaction writes at its
// commit (in the order added).
void AppendAudit(Database& db, AuditRecord record);

struct AuditFilter {
  std::string actor, action_prefix, subject;
  int64_t from_micros = 0, to_micros = 0;  // 0: open
  int64_t before_seq = 0;                  // 0: from the newest; else older than this position
  int limit = 100;
};
// Newest first.
std::vector<AuditRecord> ListAudit(Database& db, const AuditFilter& filter);
// Who made the first record of `action` on `subject`, if anyone did.
std::optional<std::string> FirstActor(Database& db, const std::string& subject,
                                      const std::string& action);

struct AuditChainCheck {
  int64_t records = 0;
  std::string head_hash;  // the last record's hash as walked
  // The first record that does not fit the chain (0: none), and why.
  int64_t broken_seq = 0;
  std::string problem_vi, problem_en;
};
// Walks the chain from position 1 and checks positions, links, hashes and the head.
AuditChainCheck CheckAuditChain(Database& db);

}  // namespace tdcs::store
