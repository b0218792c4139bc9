// Member savings (DOMAIN §5): small monthly deposits at the commune session,
// withdrawals, and repaying a loan from savings. Interest is a dated setting
// (per-month rate in millionths, like loans): it accrues daily on the balance
// at rate / 30 and is credited — rounded half up to whole đồng — whenever the
// account moves (deposit, withdrawal, repayment), so the balance shown is
// always what was credited. The minimum deposit is kMinimumDepositDong.
#pragma once

#include <cstdint>
#include <vector>

#include "base/date.h"
#include "base/result.h"
#include "ledger/ledger.h"
#include "money/money.h"

namespace tdcs::savings {

inline constexpr int64_t kMinimumDepositDong = 5'000;

struct RateVersion {
  Date from;
  Rate rate;
};
using RateTimeline = std::vector<RateVersion>;

struct Account {
  int64_t id = 0;
  int64_t borrower_id = 0;
  int64_t office_id = 0;
  Money balance;
  __int128 accrual = 0;  // over 30 × 1,000,000
  Date accrued_to;
  bool opened = false;
};

struct Outcome {
  std::vector<ledger::Posting> postings;
};

// Credits the interest accrued up to `date` (exclusive).
Outcome CreditInterest(Account& account, Date date, const RateTimeline& rates);
Result<Outcome> Deposit(Account& account, Money amount, Date date, const RateTimeline& rates);
Result<Outcome> Withdraw(Account& account, Money amount, Date date, const RateTimeline& rates);
// The balance if interest were credited on `date`.
Money BalanceOn(const Account& account, Date date, const RateTimeline& rates);

}  // namespace tdcs::savings
