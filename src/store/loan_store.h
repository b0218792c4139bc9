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

#include "base/calendar.h"
#include "ledger/ledger.h"
#include "loans/loan.h"
#include "savings/savings.h"
#include "store/db.h"
#include "store/journal_chain.h"
#include "store/report_store.h"

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
  // open: the balances taken over (tdcs import loans); none for the loans
  // opened with normal principal only (generated data).
  std::optional<loans::OpeningBalance> opening;
};

// The transaction as the domain replays it.
loans::RecordedAction ActionOf(const LoanTxn& txn);

// A movement of a member savings account (a row of savings_txn): deposit,
// withdraw, repay (a repayment from savings; entry_id is the loan's entry) or
// reverse (reverses = the movement reversed, which has reversed_by).
struct SavingsTxn {
  int64_t id = 0;
  int64_t account_id = 0;
  Date date;
  std::string kind;
  Money amount;
  int64_t entry_id = 0;
  int64_t reverses = 0;
  int64_t reversed_by = 0;
};

class LoanStore {
 public:
  explicit LoanStore(Database& db) : db_(db), ids_(db) {}

  // Reserves `count` consecutive ids; a single one comes from the
  // block this object keeps (IdBlocks).
  int64_t ReserveIds(const std::string& sequence, int64_t count);

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
  // The date the loan's application was made.
  std::optional<Date> AppliedOn(int64_t loan_id);
  // The date the application was decided (approved or rejected), if it was.
  std::optional<Date> DecidedOn(int64_t loan_id);
  // What a loan achieves (RULES §9.9): recorded with its application.
  void SaveOutcomes(int64_t loan_id, const std::map<std::string, int>& outcomes);
  // The months of study an application stated (0 when none was recorded).
  void SaveStudyMonths(int64_t loan_id, int study_months);
  int StudyMonths(int64_t loan_id);
  // Records the decision on an application (status approved or rejected).
  void RecordDecision(int64_t loan_id, loans::LoanStatus status, Date decided_on,
                      const std::string& rejection_reason);
  std::optional<loans::Loan> LoadLoan(int64_t loan_id);
  // A loan's borrower, office, status and approved amount, read as a plain
  // row (not noted for the reports as LoadLoan is: safe before its lock).
  struct LoanBrief {
    int64_t borrower_id = 0, office_id = 0;
    std::string status;
    int64_t approved_dong = 0;
  };
  std::optional<LoanBrief> BriefOf(int64_t loan_id);
  std::optional<int64_t> FindLoanId(const std::string& code);
  // A loan's journal entries, and the postings of its entries that are not
  // among `before`, summed by account (debit > 0, credit < 0), every leg of
  // them (a savings leg too): what an action just posted.
  std::vector<int64_t> EntryIdsOfLoan(int64_t loan_id);
  // What a household already owes or is about to receive, but for one loan:
  // the outstanding principal of its active loans and what of them is still
  // to be disbursed, the amounts of its loans approved and not disbursed,
  // and of its applications whose approval waits for a second person.
  Money HouseholdExposure(int64_t borrower_id, int64_t except_loan_id);
  std::vector<std::pair<std::string, int64_t>> PostingsOfNewEntries(
      int64_t loan_id, const std::vector<int64_t>& before);

  // Reading ahead for a batch (a session's lines): a few queries for the
  // whole batch instead of a few per line. What is read is kept for the
  // current transaction only, and answers FindLoanId, LoadLoan (once per
  // loan: a loan asked for again is read again, as it may have changed) and
  // FindIdempotencyKey (kept in step by SaveIdempotencyKey). Read the loans
  // and keys after locking them, so that nobody changes them meanwhile.
  // The ids of the loans with these codes (the unknown ones left out).
  std::vector<int64_t> FindLoanIds(const std::vector<std::string>& codes);
  // The commune point each loan of `loan_ids` is held at (0: none), read
  // without a lock (a batch takes its points' session locks before its loans').
  std::map<int64_t, int64_t> LoanPoints(const std::vector<int64_t>& loan_ids);
  // One loan's: from the batch's read-ahead when it holds the loan.
  std::optional<int64_t> LoanPoint(int64_t loan_id);
  // The loans with these ids (the unknown ones left out), in no set order.
  std::vector<loans::Loan> LoadLoans(const std::vector<int64_t>& loan_ids);
  // Fills each loan's terms.session_moves from its point's moved sessions
  // (read once per point for this object's life: a move is recorded ahead of
  // the sessions it moves, never while a use case runs on them).
  void AttachSessionMoves(std::vector<loans::Loan>& loans);
  void AttachSessionMoves(loans::Loan& loan);
  // Wakes the active loans of session day `session_day` served at a point
  // for end of day on `day` at the latest (a session moved earlier: their
  // overdue transfer may now fall on it), and locks them; the date of the
  // latest transaction of any of them.
  std::optional<Date> WakeLoansOfPoint(int64_t point_id, int session_day, Date day);
  void ReadAheadLoans(const std::vector<int64_t>& loan_ids);
  struct IdempotencyKey;
  void ReadAheadIdempotencyKeys(const std::vector<IdempotencyKey>& keys);
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
  // A loan action's record: posts `entry` for it (its id reserved when 0) and
  // adds the transaction row; every loan action is written this way.
  // A reversal names the entry it reverses.
  void RecordTxn(LoanTxn& txn, const ledger::Entry& entry, int64_t reverses_entry_id = 0);
  std::vector<LoanTxn> Txns(int64_t loan_id);
  // Batched reads (a page of loans read in a few queries): the transactions
  // of each loan, in order; each loan's code and the borrower it was
  // approved for.
  std::map<int64_t, std::vector<LoanTxn>> TxnsOfLoans(const std::vector<int64_t>& loan_ids);
  std::map<int64_t, std::pair<std::string, int64_t>> CodesAndApprovedBorrowers(
      const std::vector<int64_t>& loan_ids);
  void MarkReversed(int64_t txn_id, int64_t reversed_by);

  // The program's rates over time (from program_version), cached per store.
  const loans::RateTimeline& Rates(const std::string& program);

  std::optional<savings::Account> LoadSavings(int64_t borrower_id);
  void SaveSavings(savings::Account& account);  // inserts when id == 0
  // `id` 0: a new id; otherwise one reserved before (so the entry could name it).
  int64_t AddSavingsTxn(int64_t account_id, Date date, const std::string& kind, Money amount,
                        int64_t entry_id, int64_t reverses = 0, int64_t id = 0);
  // The accounts of these borrowers, in no set order.
  std::vector<savings::Account> LoadSavingsOf(const std::vector<int64_t>& borrower_ids);
  // An account's movements, in order.
  std::vector<SavingsTxn> SavingsTxns(int64_t account_id);
  // Each account's movements, in order.
  std::map<int64_t, std::vector<SavingsTxn>> SavingsTxnsOf(const std::vector<int64_t>& account_ids);
  void MarkSavingsReversed(int64_t txn_id, int64_t reversed_by);
  // Accounts holding something and not yet brought to `day`, by id, after
  // `after_id` (the end of day credits their interest on the first of a month).
  std::vector<savings::Account> SavingsAccountsToCredit(Date day, int64_t after_id, int limit);
  // Every savings account's borrower, by account id.
  std::vector<int64_t> SavingsBorrowers();
  const savings::RateTimeline& SavingsRates();
  // The public holiday calendar (table `holiday`), cached per store.
  const HolidayCalendar& Holidays();
  void SetSavingsRate(Date from, Rate rate);

  // Locks the loan's row until the transaction ends (PostgreSQL FOR UPDATE;
  // SQLite's writer holds the database). Call before LoadLoan in a write.
  void LockLoan(int64_t loan_id);
  // The caller posts nothing more for the loan in this transaction (a
  // generated or imported loan, written whole): what the store kept of it
  // for the reports' figures is dropped, so a long transaction stays small.
  void DoneWithLoan(int64_t loan_id) {
    report_loans_.erase(loan_id);
    saved_outcomes_.erase(loan_id);
  }
  // Locks the rows of loans not yet held, in ascending id order, in one
  // statement per chunk (`ids` ascending).
  void LockLoans(const std::vector<int64_t>& loan_ids);

  // Idempotency: the stored request and result for an actor's key of a kind.
  // The caller locks the key (Database::LockKey(IdempotencyLockName(…)))
  // before looking it up, so that two requests with one key run one by one.
  struct IdempotencyKey {
    std::string actor, kind, key;
  };
  static std::string IdempotencyLockName(const IdempotencyKey& key);
  std::optional<std::pair<std::string, std::string>> FindIdempotencyKey(const IdempotencyKey& key);
  void SaveIdempotencyKey(const IdempotencyKey& key, const std::string& request,
                          const std::string& result);

  std::optional<Date> BusinessDate();
  // Moves the business date forward to `date`; never back (a later date set
  // by a concurrent run stays). Returns the date in force afterwards.
  Date SetBusinessDate(Date date);

  // The latest date up to which any loan of the program (or, for
  // MaxSavingsAccruedTo, any savings account) has accrued interest.
  std::optional<Date> MaxAccruedTo(const std::string& program);
  std::optional<Date> MaxSavingsAccruedTo();

  // Loans of a borrower, of the members a group has had, or of an office.
  struct LoanFilter {
    int64_t borrower_id = 0, group_id = 0, office_id = 0;  // one of them
    std::string status;                                    // only loans in it, when given
    Date on;  // a group's members are those in it on this day
  };
  struct LoanListRow {
    std::string code, borrower_code, program, status;
    Money approved, principal;
  };
  std::vector<LoanListRow> ListLoans(const LoanFilter& filter, int limit);

  struct PortfolioTotals {
    Money principal, overdue, frozen;
    int64_t customers = 0;
  };
  PortfolioTotals Portfolio();

  // The sum of every ledger_balance row: zero when the books balance.
  int64_t AggregateTotal();
  // Records that the end of day of `day` is done (close_run).
  void RecordCloseRun(Date day, int64_t loans, int64_t entries);

  // Named progress of batch runs (table batch_state).
  std::optional<std::string> BatchState(const std::string& name);
  void SetBatchState(const std::string& name, const std::string& value);

  Database& db() { return db_; }

 private:
  Database& db_;
  IdBlocks ids_;                                          // this object's single ids
  std::map<int64_t, loans::SessionMoves> session_moves_;  // by point
  std::map<std::string, loans::RateTimeline> rates_;
  void WriteBalance(const std::string& account, const std::string& program, int fund_source,
                    int64_t office_id, int64_t delta);
  bool defer_balances_ = false;
  std::map<std::tuple<std::string, std::string, int, int64_t>, int64_t> pending_balances_;
  // The reports' read model (store/report_store.h): each loan's place and
  // its principal as this transaction's postings have left it, noted when
  // the loan is loaded or inserted (else read from its row at its first
  // entry); valid for the transaction numbered report_transaction_.
  struct ReportLoan {
    reports::LoanPlace place;
    reports::LoanPosition position;
  };
  void NoteReportLoan(const loans::Loan& loan, bool is_new);
  ReportLoan& ReportLoanOf(int64_t loan_id);
  void ReportEntry(const ledger::Entry& entry, int64_t loan_id);
  ReportWriter reports_{db_};
  std::map<int64_t, ReportLoan> report_loans_;
  // Outcomes saved in the transaction numbered saved_outcomes_transaction_.
  std::map<int64_t, std::map<std::string, int>> saved_outcomes_;
  uint64_t saved_outcomes_transaction_ = 0;
  uint64_t report_transaction_ = 0;
  // The chain head as this transaction has moved it: valid only while
  // db_.TransactionSerial() still equals head_transaction_, so a head cached
  // in a transaction that rolled back (or ended) is never used again.
  ChainHead& Head();
  std::optional<ChainHead> head_;
  uint64_t head_transaction_ = 0;
  bool head_unwritten_ = false;  // deferred: the head row lags head_
  std::optional<savings::RateTimeline> savings_rates_;
  std::shared_ptr<const HolidayCalendar> holidays_;
  // Notes a loan's disbursement date as read from or written to its row in
  // this transaction (UpdateLoan).
  void NoteStored(const loans::Loan& loan);
  // What ReadAhead… read, for the transaction numbered ahead_transaction_.
  void StartReadAhead();
  bool ReadAheadValid() const;
  uint64_t ahead_transaction_ = 0;
  std::map<std::string, int64_t> ahead_loan_ids_;
  std::map<int64_t, loans::Loan> ahead_loans_;
  // Keyed by IdempotencyLockName; nullopt: read, and not there.
  std::map<std::string, std::optional<std::pair<std::string, std::string>>> ahead_keys_;
};

// Encodings used in the loan row (exposed for tests).
std::string EncodeInstallments(const std::vector<loans::Installment>& installments);
std::vector<loans::Installment> DecodeInstallments(const std::string& text);
std::string Int128ToString(__int128 value);
__int128 Int128FromString(const std::string& text);

}  // namespace tdcs::store
