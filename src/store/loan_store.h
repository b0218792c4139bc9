// Loans, their transactions, the journal, savings accounts, idempotency keys
// and the business date in the database (migration 0002). PostEntry is the
// only code that inserts postings; it also keeps the ledger_balance aggregate
// and the journal's hash chain (store/journal_chain.h) in step, in the
// caller's transaction.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "ledger/ledger.h"
#include "loans/loan.h"
#include "savings/savings.h"
#include "store/db.h"
#include "store/journal_chain.h"

namespace tdcs::store {

struct LoanApplication {
  std::string code;
  Date applied_on;
  std::optional<Date> group_reviewed_on, commune_certified_on, decided_on;
  std::string rejection_reason;
};

struct LoanTxn {
  int64_t id = 0;
  int64_t loan_id = 0;
  Date date;
  std::string
      kind;  // disburse pay pay_savings reschedule extend freeze writeoff inherit open reverse
  Money amount;
  int months = 0;
  int64_t party_id = 0;  // heir for inherit; disbursed-on days for open
  int64_t entry_id = 0;
  int64_t reverses = 0;
  int64_t reversed_by = 0;
};

class LoanStore {
 public:
  explicit LoanStore(Database& db) : db_(db) {}

  // Reserves `count` consecutive ids. Single ids come from a block of
  // kIdBlock reserved at once and kept across commits; a rollback since the
  // block was reserved gave it back, so the next id comes from a new block.
  int64_t ReserveIds(const std::string& sequence, int64_t count);
  static constexpr int64_t kIdBlock = 256;

  // Writes an entry with its postings at the next position of the journal
  // chain and updates ledger_balance; returns its id (0 when the entry has no
  // postings: nothing is written). Inside a write transaction only: the first
  // entry of a transaction locks the chain head until it ends.
  int64_t PostEntry(const ledger::Entry& entry, int64_t loan_id, int64_t txn_id,
                    int64_t reverses_entry_id = 0);
  // Batches (a session's collections, generated data) may collect the
  // ledger_balance changes and the chain head in memory and write them once:
  // after DeferBalances(), FlushBalances() must run before the transaction
  // commits.
  void DeferBalances() { defer_balances_ = true; }
  void FlushBalances();
  // Sum of a loan's postings by account.
  std::map<std::string, Money> LoanPostingTotals(int64_t loan_id);

  void InsertLoan(const loans::Loan& loan, const LoanApplication& application);
  // Writes the loan's state (not its borrower: see SetLoanBorrower).
  void UpdateLoan(const loans::Loan& loan);
  void SetLoanBorrower(int64_t loan_id, int64_t borrower_id);
  std::optional<loans::Loan> LoadLoan(int64_t loan_id);
  std::optional<int64_t> FindLoanId(const std::string& code);
  std::string LoanCode(int64_t loan_id);
  // The borrower the loan was approved for (before any inheritance).
  int64_t ApprovedBorrower(int64_t loan_id);
  // Loans with an event on or before `date` (at most `limit`).
  std::vector<int64_t> LoansWithEventsBy(Date date, int limit);
  // Sum of approved amounts of an office's loans of a program decided in a year.
  Money ApprovedInYear(int64_t office_id, const std::string& program, int year);
  std::optional<Money> CapitalPlan(int64_t office_id, const std::string& program, int year);
  void SetCapitalPlan(int64_t office_id, const std::string& program, int year, Money amount);

  // Active loans whose commune session falls on `session_day` (1–31), with
  // their codes, by id, after `after_id`.
  std::vector<std::pair<int64_t, std::string>> ActiveLoansOfSessionDay(int session_day,
                                                                       int64_t after_id, int limit);

  int64_t AddTxn(LoanTxn& txn);
  std::vector<LoanTxn> Txns(int64_t loan_id);
  void MarkReversed(int64_t txn_id, int64_t reversed_by);

  // The program's rates over time (from program_version), cached per store.
  const loans::RateTimeline& Rates(const std::string& program);

  std::optional<savings::Account> LoadSavings(int64_t borrower_id);
  void SaveSavings(savings::Account& account);  // inserts when id == 0
  // `id` 0: a new id; otherwise one reserved before (so the entry could name it).
  int64_t AddSavingsTxn(int64_t account_id, Date date, const std::string& kind, Money amount,
                        int64_t entry_id, int64_t id = 0);
  const savings::RateTimeline& SavingsRates();
  void SetSavingsRate(Date from, Rate rate);

  // Idempotency: the stored request and result for a key.
  std::optional<std::pair<std::string, std::string>> FindIdempotencyKey(const std::string& key);
  void SaveIdempotencyKey(const std::string& key, const std::string& request,
                          const std::string& result);

  std::optional<Date> BusinessDate();
  void SetBusinessDate(Date date);

  Database& db() { return db_; }

 private:
  Database& db_;
  std::map<std::string, loans::RateTimeline> rates_;
  struct IdBlock {
    int64_t next = 0, end = 0;  // end exclusive
    uint64_t transaction = 0;   // the serial it was reserved in (0: outside any)
  };
  std::map<std::string, IdBlock> id_blocks_;
  void WriteBalance(const std::string& account, const std::string& program, int fund_source,
                    int64_t office_id, int64_t delta);
  bool defer_balances_ = false;
  std::map<std::tuple<std::string, std::string, int, int64_t>, int64_t> pending_balances_;
  // The chain head as this transaction has moved it: valid only while
  // db_.TransactionSerial() still equals head_transaction_, so a head cached
  // in a transaction that rolled back (or ended) is never used again.
  ChainHead& Head();
  std::optional<ChainHead> head_;
  uint64_t head_transaction_ = 0;
  bool head_unwritten_ = false;  // deferred: the head row lags head_
  std::optional<savings::RateTimeline> savings_rates_;
};

// Encodings used in the loan row (exposed for tests).
std::string EncodeInstallments(const std::vector<loans::Installment>& installments);
std::vector<loans::Installment> DecodeInstallments(const std::string& text);
std::string Int128ToString(__int128 value);
__int128 Int128FromString(const std::string& text);

}  // namespace tdcs::store
