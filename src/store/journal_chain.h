// The journal's hash chain (migration 0005): tamper evidence for the ledger.
//
// Every journal entry has a chain position (chain_seq, gapless 1..N in commit
// order), the hash of the entry before it (position 1: 32 zero bytes) and its
// own hash: BLAKE2b-256 (libsodium crypto_generichash) of CanonicalEncoding().
// The encoding is unambiguous: integers are 8 bytes big-endian, texts carry a
// 4-byte length before their bytes, NULL-able columns a presence byte, and the
// postings are sorted (account, program, fund source, office, loan, borrower,
// amount; texts by bytes) so the hash depends on what was posted, not on the
// order rows come back from a query. Changing, adding or removing anything an
// entry holds, or an entry itself, changes a hash that later entries and the
// head (table journal_chain) depend on.
//
// Writers: LoanStore::PostEntry appends, holding the head row from its first
// entry to the end of the transaction (LockChainHead); SealUnchainedEntries
// brings entries written before the chain existed into it.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/db.h"

namespace tdcs::store {

using ChainHash = std::array<uint8_t, 32>;
inline constexpr ChainHash kGenesisHash{};  // the "previous hash" of position 1

std::string ToHex(const ChainHash& hash);
// The same into the caller's buffer, without allocating (PostEntry binds two
// hashes per entry).
using HexBuffer = std::array<char, 64>;
std::string_view ToHex(const ChainHash& hash, HexBuffer& buffer);
// nullopt unless exactly 64 hex digits.
std::optional<ChainHash> ChainHashFromHex(std::string_view text);

// The canonical encoding's pieces (also the audit trail's, store/audit_store.h):
// an integer as 8 bytes big-endian, a text as its 4-byte length then its bytes.
void PutInt(std::string& out, int64_t value);
void PutText(std::string& out, std::string_view text);

// What the hash covers of one posting. Views: the strings belong to the caller.
struct PostingView {
  std::string_view account, program;
  int64_t fund_source = 0, office_id = 0, loan_id = 0, borrower_id = 0, amount = 0;
};

// What the hash covers of an entry, as the row holds it (NULL as nullopt).
struct EntryView {
  int64_t chain_seq = 0;
  int64_t id = 0;
  std::string_view entry_date;  // ISO text as stored
  std::string_view kind;
  std::optional<int64_t> loan_id, txn_id, reverses_entry_id;
};

// The bytes that are hashed. `postings` is sorted in place (canonical order).
std::string CanonicalEncoding(const EntryView& entry, std::vector<PostingView>& postings,
                              const ChainHash& previous);
ChainHash EntryHash(const EntryView& entry, std::vector<PostingView>& postings,
                    const ChainHash& previous);

// The last entry of the chain, as the head row records it.
struct ChainHead {
  int64_t seq = 0;  // 0: the chain is empty
  ChainHash hash = kGenesisHash;
  int64_t entry_id = 0;
};

// Reads the head inside the caller's write transaction and, on PostgreSQL,
// locks its row until that transaction ends (SELECT … FOR UPDATE), so a second
// writer waits instead of appending at the same position. SQLite writers are
// already one at a time (BEGIN IMMEDIATE).
ChainHead LockChainHead(Database& db);
void WriteChainHead(Database& db, const ChainHead& head);

// An entry with all the chain columns and postings, as stored.
struct StoredPosting {
  std::string account, program;
  int64_t fund_source = 0, office_id = 0, loan_id = 0, borrower_id = 0, amount = 0;
};
struct StoredEntry {
  std::optional<int64_t> chain_seq;
  int64_t id = 0;
  std::string entry_date, kind;
  std::optional<int64_t> loan_id, txn_id, reverses_entry_id;
  std::optional<std::string> prev_hash, entry_hash;
  std::vector<StoredPosting> postings;

  // The hash of this entry's contents after `previous`, at its stored position.
  ChainHash ComputeHash(const ChainHash& previous) const;
};

// Entries with a chain position in position order, `limit` at a time after
// position `after_seq`, with their postings.
std::vector<StoredEntry> ChainedEntriesAfter(Database& db, int64_t after_seq, int limit);

// Appends the entries that have no chain position yet and come after the
// head's entry (all of them in a database from before migration 0005), in id
// order, in one transaction; returns how many. An unplaced entry older than
// the head is not sealed: it is left for verify to report, so sealing cannot
// launder an entry taken out of the chain.
int64_t SealUnchainedEntries(Database& db);

}  // namespace tdcs::store
