// `tdcs verify`: the invariants of the books, checked from the detail, all
// on one snapshot (a read-only transaction: writers may go on meanwhile).
//  1. every journal entry sums to zero, and so does the whole ledger; every
//     posting belongs to an existing entry;
//  2. the journal chain holds: positions 1..N without gaps, each entry's
//     previous hash is the hash of the entry before it, each hash recomputed
//     from the entry's contents equals the stored one, and the head row
//     names the last entry; every entry is in the chain;
//  3. the ledger_balance aggregate equals the sum of its postings;
//  4. every posting's account is in the chart of accounts;
//  5. each loan's principal by state (normal, overdue, frozen) and its unpaid
//     interest equal the sums of its postings to those accounts;
//  6. each savings account's balance equals its postings;
//  7. every loan and savings transaction names an existing entry of its own
//     loan or borrower, transaction, kind and date, whose leg that carries
//     the transaction's amount equals that amount (verify.cc);
//  9. the audit trail's chain holds (store/audit_store.h): the first record
//     that does not fit it is named;
//  8. with `deep`, each loan's transactions replay: each one posts what its
//     entry holds, and the stored state equals the replay, field by field.
// Each problem names what is wrong (entry id, chain position, loan and
// transaction, field), in Vietnamese then English.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "store/db.h"

namespace tdcs::batch {

struct VerifyReport {
  int64_t entries = 0, loans = 0, savings_accounts = 0;
  // The last entry of the chain as walked (position 0: empty): worth noting
  // outside the database, since only an outside copy shows a rewritten tail.
  int64_t chain_length = 0;
  std::string chain_head;
  // The audit trail's records as walked, and its last hash.
  int64_t audit_records = 0;
  std::string audit_head;
  std::vector<std::string> problems;
  bool ok() const { return problems.empty(); }
};

// `phase` (optional) is told the name of each check as it starts.
VerifyReport Verify(store::Database& db, bool deep = false,
                    const std::function<void(const char*)>& phase = nullptr);

}  // namespace tdcs::batch
