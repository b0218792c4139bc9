// Member savings (RULES §5): small monthly deposits at the commune session,
// withdrawals, and repaying a loan from savings, as pure functions over an
// Account value (no database, no clock).
//
// Interest. Each day earns the day's closing balance × monthly rate / 30 (the
// rate is a dated setting, per-month millionths like loans), kept exact as a
// numerator over kAccrualDenominator. The sum is credited, rounded half up to
// whole đồng (the remainder below half a đồng is dropped), once a month —
// dated the first day of the next month, at the start of that day, before any
// movement of the day — and when the account is closed. The balance that
// earns is the credited balance: interest does not compound between credits,
// so how often a member deposits does not change what they earn.
//
// Movements. A deposit is at least kMinimumDepositDong. A withdrawal or a
// repayment from savings takes at most the credited balance — or exactly the
// whole balance with its accrued interest, which credits that interest and
// closes the account (a later deposit opens it again). The balance shown to
// the member (BalanceOn) is the credited balance plus the interest accrued so
// far, rounded half up.
//
// Replay. An account's state is a function of its movements and the rate
// timeline, so a reversal replays every movement but the reversed one
// (Replay) and posts the difference: the account, and the interest it earned,
// are as if the reversed movement had never happened.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/date.h"
#include "base/result.h"
#include "ledger/ledger.h"
#include "money/money.h"

namespace tdcs::savings {

inline constexpr int64_t kMinimumDepositDong = 5'000;
inline constexpr __int128 kAccrualDenominator = static_cast<__int128>(30) * 1'000'000;

struct RateVersion {
  Date from;
  Rate rate;
};
using RateTimeline = std::vector<RateVersion>;

struct Account {
  int64_t id = 0;
  int64_t borrower_id = 0;
  int64_t office_id = 0;
  Money balance;         // credited: deposits − withdrawals − repayments + interest credited
  __int128 accrual = 0;  // exact interest not yet credited, over kAccrualDenominator
  Date accrued_to;       // the accrual covers the days before this date; the
                         // credits dated up to it have been made

  // Nothing in it: a closed (or never used) account.
  bool IsEmpty() const { return balance.IsZero() && accrual == 0; }
};

struct Outcome {
  std::vector<ledger::Posting> postings;
};

// The first day of a month on which interest is next credited, if the account
// holds anything.
std::optional<Date> NextCreditDate(const Account& account);
// Credits the interest of every month ended by `to` (each on the first day of
// the next month) and accrues up to `to` (exclusive). Composable: Advance(a)
// then Advance(b) equals Advance(b).
Outcome Advance(Account& account, Date to, const RateTimeline& rates);
// The credited balance on `date` (after the credits dated up to it).
Money CreditedOn(const Account& account, Date date, const RateTimeline& rates);
// The balance shown on `date`: credited plus accrued so far, rounded half up.
// It is also what the member takes to close the account that day.
Money BalanceOn(const Account& account, Date date, const RateTimeline& rates);

// The rejections of the movements below (and of ApplyMovement and Replay).
enum class SavingsRejection {
  kAmountInvalid,           // a withdrawal or repayment of zero or less (CheckAmount)
  kSavingsDepositTooSmall,  // a deposit under kMinimumDepositDong
  kSavingsInsufficient,     // more than the credited balance, and not the whole balance
};
std::string_view RejectionKey(SavingsRejection code);
std::span<const RejectionEntry<SavingsRejection>> RejectionTable(SavingsRejection);

// Movements. Each brings the account to `date` first (Advance) and includes
// the postings of the credits that makes. On rejection the account is unchanged.
Result<Outcome> Deposit(Account& account, Money amount, Date date, const RateTimeline& rates);
Result<Outcome> Withdraw(Account& account, Money amount, Date date, const RateTimeline& rates);
// Money taken to repay the member's loan: the postings are the interest
// credited if it closes the account; the transfer itself is the loan's entry.
Result<Outcome> Repay(Account& account, Money amount, Date date, const RateTimeline& rates);

// A recorded movement (a row of savings_txn): deposit, withdraw, repay.
struct Movement {
  std::string kind;
  Date date;
  Money amount;
};
Result<Outcome> ApplyMovement(Account& account, const Movement& movement,
                              const RateTimeline& rates);
// Rebuilds an account (its id, borrower and office kept, everything else from
// nothing) by applying `movements` in order, then Advance to `to`; returns
// the postings of it all (repayments' transfers excluded, as above).
Result<Outcome> Replay(Account& account, const std::vector<Movement>& movements, Date to,
                       const RateTimeline& rates);

}  // namespace tdcs::savings
