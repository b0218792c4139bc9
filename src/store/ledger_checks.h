// The reads behind `tdcs verify` (batch/verify.h): each function runs one
// named query and returns rows; what counts as a problem and how it is told
// is decided in batch. Run them inside one ReadTransaction so that every
// check sees the same snapshot. Reads that can cover the whole book (the
// chain, the transactions) come a page at a time, so memory stays flat on a
// national database with either engine.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "store/db.h"

namespace tdcs::store {

struct BookCounts {
  int64_t entries = 0, loans = 0, savings_accounts = 0;
};
BookCounts CountBooks(Database& db);

struct EntrySum {
  int64_t entry_id = 0, sum = 0;
};
// Entries whose postings do not sum to zero.
std::vector<EntrySum> UnbalancedEntries(Database& db);
// The sum of every posting (zero in a balanced ledger).
int64_t LedgerTotal(Database& db);

struct PostingCount {
  int64_t entry_id = 0, postings = 0;
};
// Postings whose entry_id names no journal entry.
std::vector<PostingCount> PostingsWithoutEntry(Database& db);

struct AggregateRow {
  std::string account, program;
  int64_t fund_source = 0, office_id = 0, balance = 0, postings_sum = 0;
};
// ledger_balance rows that differ from the sum of their postings.
std::vector<AggregateRow> AggregateMismatches(Database& db);
// How many posting dimensions have no ledger_balance row at all.
int64_t DimensionsWithoutAggregate(Database& db);
// Account codes posted to that are not in the chart.
std::vector<std::string> UnknownAccounts(Database& db);

// A loan's balances as stored and as its postings sum them, in the order
// normal, overdue, frozen principal, unpaid interest.
struct LoanBalances {
  std::string code;
  int64_t stored[4] = {}, posted[4] = {};
};
std::vector<LoanBalances> LoanMismatches(Database& db);

struct SavingsBalance {
  int64_t account_id = 0, balance = 0, postings_sum = 0;
};
std::vector<SavingsBalance> SavingsMismatches(Database& db);

// The chain head row as stored (nullopt when the row is missing).
struct StoredChainHead {
  int64_t seq = 0;
  std::string hash;
  int64_t entry_id = 0;
};
std::optional<StoredChainHead> ReadStoredChainHead(Database& db);
// Entries without a chain position: how many, and the first `limit` ids.
int64_t UnchainedEntryCount(Database& db);
std::vector<int64_t> UnchainedEntryIds(Database& db, int limit);

// A journal entry as a transaction's link sees it (all nullopt: no such entry).
struct LinkedEntry {
  std::optional<int64_t> id, loan_id, txn_id, reverses_entry_id;
  std::string kind, date;
};

// A loan transaction, the entry it names and the legs that can carry its
// amount: the entry's postings of the transaction's own loan to the cash at
// the commune point, to member savings and to opening balances.
struct LoanTxnLink {
  int64_t txn_id = 0, loan_id = 0;
  std::string kind, date;
  int64_t amount = 0;
  std::optional<int64_t> entry_id;           // as the transaction records it
  std::optional<int64_t> reversed_entry_id;  // kind reverse: the reversed one's entry
  LinkedEntry entry;
  int64_t cash = 0, member_savings = 0, opening_balance = 0;
};
std::vector<LoanTxnLink> LoanTxnLinksAfter(Database& db, int64_t after_txn_id, int limit);

// A savings transaction, its account's borrower, the entry it names and that
// entry's cash postings for the borrower.
struct SavingsTxnLink {
  int64_t txn_id = 0, account_id = 0;
  std::optional<int64_t> borrower_id;  // nullopt: the account does not exist
  std::string kind, date;
  int64_t amount = 0;
  std::optional<int64_t> entry_id;
  LinkedEntry entry;
  int64_t cash = 0;
};
std::vector<SavingsTxnLink> SavingsTxnLinksAfter(Database& db, int64_t after_txn_id, int limit);

// Loans that have been disbursed (the ones a replay can check), by id.
std::vector<int64_t> DisbursedLoanIds(Database& db);
// Each loan's own postings, entry by entry, account by account.
using EntryPostings = std::map<int64_t, std::map<std::string, int64_t>>;
std::map<int64_t, EntryPostings> LoanPostingsByEntry(Database& db,
                                                     const std::vector<int64_t>& loan_ids);

}  // namespace tdcs::store
