// The double-entry ledger: journal entries of postings that sum to zero.
//
// A Posting moves `amount_dong` into an account (positive = debit, negative =
// credit) along the dimensions reports need: program, fund source, office,
// loan, borrower. An Entry is ≥ 2 postings that sum to exactly zero; entries
// are append-only and a mistake is corrected by a reversal entry, never an
// edit. BuildEntry() is the one place an entry is checked; store::PostEntry()
// is the one place it is written (ledger::Post in the design): nothing else
// inserts postings.
//
// The chart of accounts is data (data/chart_of_accounts.csv); the codes the
// domain posts to are named below.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/date.h"
#include "base/result.h"
#include "money/money.h"

namespace tdcs::ledger {

// Account codes of the chart (data/chart_of_accounts.csv).
namespace account {
inline constexpr const char* kLoanNormal = "LOAN_NORMAL";    // principal, current (incl. due)
inline constexpr const char* kLoanOverdue = "LOAN_OVERDUE";  // principal, overdue
inline constexpr const char* kLoanFrozen = "LOAN_FROZEN";    // principal, frozen
inline constexpr const char* kInterestReceivable = "INTEREST_RECEIVABLE";
inline constexpr const char* kInterestIncome = "INTEREST_INCOME";
inline constexpr const char* kCashPoint = "CASH_POINT";          // cash at the commune point
inline constexpr const char* kMemberSavings = "MEMBER_SAVINGS";  // liability to members
inline constexpr const char* kSavingsInterestExpense = "SAVINGS_INTEREST_EXPENSE";
inline constexpr const char* kWriteOffPrincipal = "WRITE_OFF_PRINCIPAL";
inline constexpr const char* kWriteOffInterest = "WRITE_OFF_INTEREST";
inline constexpr const char* kOpeningBalance =
    "OPENING_BALANCE";  // balances taken over at migration
inline constexpr const char* kMemoRescheduled = "MEMO_RESCHEDULED";
inline constexpr const char* kMemoExtended = "MEMO_EXTENDED";
inline constexpr const char* kMemoInherited = "MEMO_INHERITED";
inline constexpr const char* kMemoContra = "MEMO_CONTRA";  // the other side of every memo posting
inline constexpr const char* kCommissionExpense = "COMMISSION_EXPENSE";
inline constexpr const char* kCommissionPayable = "COMMISSION_PAYABLE";  // to group boards
inline constexpr const char* kFeeExpense = "ENTRUSTMENT_FEE_EXPENSE";
inline constexpr const char* kFeePayable = "ENTRUSTMENT_FEE_PAYABLE";  // to associations
inline constexpr const char* kCashShortage = "CASH_SHORTAGE";          // counted short at a session
inline constexpr const char* kCashSurplus = "CASH_SURPLUS";            // counted over at a session
}  // namespace account

struct Posting {
  std::string account;
  std::string program;  // "" when not about a loan
  int fund_source = 0;  // 1 central, 2 local budget; 0 none
  int64_t office_id = 0;
  int64_t loan_id = 0;
  int64_t borrower_id = 0;
  Money amount;  // debit > 0, credit < 0
};

struct Entry {
  Date date;
  std::string kind;  // disburse, pay, overdue, freeze, … (the action that posted it)
  std::vector<Posting> postings;
  // A reversal (kind "reverse"): the kind of the transaction it undoes, so
  // that the turnover that transaction counted is taken back (not hashed).
  std::string undoes;
};

// Drops zero postings, merges postings with the same account and dimensions,
// and checks the entry: at least two postings, summing to zero, every account
// known. A failure is a bug in the caller (TDCS_CHECK), not a user error.
Entry BuildEntry(Date date, std::string kind, std::vector<Posting> postings);

// Convenience: a debit and the matching credit with the same dimensions.
void AddTransfer(std::vector<Posting>& postings, const Posting& dimensions, const char* debit,
                 const char* credit, Money amount);

bool IsKnownAccount(const std::string& code);

}  // namespace tdcs::ledger
