#include "savings/savings.h"

namespace tdcs::savings {
namespace {

constexpr __int128 kDenominator = static_cast<__int128>(30) * 1'000'000;

__int128 AccrualBetween(Money balance, Date from, Date to, const RateTimeline& rates) {
  __int128 sum = 0;
  if (to <= from || balance.dong() <= 0) return 0;
  Date a = from;
  while (a < to) {
    const RateVersion* v = nullptr;
    for (const auto& r : rates)
      if (r.from <= a) v = &r;
    Date b = to;
    for (const auto& r : rates)
      if (r.from > a && r.from < b) b = r.from;
    if (v != nullptr)
      sum += static_cast<__int128>(balance.dong()) * v->rate.per_month_millionths() *
             DaysBetween(a, b);
    a = b;
  }
  return sum;
}

ledger::Posting Dimensions(const Account& account) {
  ledger::Posting p;
  p.office_id = account.office_id;
  p.borrower_id = account.borrower_id;
  return p;
}

}  // namespace

Outcome CreditInterest(Account& account, Date date, const RateTimeline& rates) {
  Outcome out;
  if (!account.opened) {
    account.opened = true;
    account.accrued_to = date;
    return out;
  }
  if (date > account.accrued_to) {
    account.accrual += AccrualBetween(account.balance, account.accrued_to, date, rates);
    account.accrued_to = date;
  }
  const Money interest = Money::Dong(DivideRoundHalfUp(account.accrual, kDenominator));
  account.accrual = 0;
  account.balance += interest;
  ledger::AddTransfer(out.postings, Dimensions(account), ledger::account::kSavingsInterestExpense,
                      ledger::account::kMemberSavings, interest);
  return out;
}

Result<Outcome> Deposit(Account& account, Money amount, Date date, const RateTimeline& rates) {
  if (amount.dong() < kMinimumDepositDong)
    return MakeError("SAVINGS_DEPOSIT_TOO_SMALL", "amount", "Số tiền gửi tối thiểu là 5.000 đ",
                     "The minimum deposit is 5,000 đồng");
  Outcome out = CreditInterest(account, date, rates);
  account.balance += amount;
  ledger::AddTransfer(out.postings, Dimensions(account), ledger::account::kCashPoint,
                      ledger::account::kMemberSavings, amount);
  return out;
}

Result<Outcome> Withdraw(Account& account, Money amount, Date date, const RateTimeline& rates) {
  if (auto bad = NonPositiveAmount(amount)) return *bad;
  const Money available = BalanceOn(account, date, rates);
  if (amount > available)
    return MakeError("SAVINGS_INSUFFICIENT", "amount",
                     "Số dư tiết kiệm " + available.ToVietnamese() + " đ không đủ để rút " +
                         amount.ToVietnamese() + " đ",
                     "The savings balance of " + available.ToVietnamese() +
                         " is not enough to withdraw " + amount.ToVietnamese());
  Outcome out = CreditInterest(account, date, rates);
  account.balance -= amount;
  ledger::AddTransfer(out.postings, Dimensions(account), ledger::account::kMemberSavings,
                      ledger::account::kCashPoint, amount);
  return out;
}

Money BalanceOn(const Account& account, Date date, const RateTimeline& rates) {
  if (!account.opened) return account.balance;
  const __int128 accrual =
      account.accrual + AccrualBetween(account.balance, account.accrued_to, date, rates);
  return account.balance + Money::Dong(DivideRoundHalfUp(accrual, kDenominator));
}

}  // namespace tdcs::savings
