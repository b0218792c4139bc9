#include "savings/savings.h"

#include "base/check.h"

namespace tdcs::savings {

// The wire string of each rejection code (docs/API.md "Error codes").
#define TDCS_SAVINGS_REJECTIONS(X)                        \
  X(kAmountInvalid, "AMOUNT_INVALID")                     \
  X(kSavingsDepositTooSmall, "SAVINGS_DEPOSIT_TOO_SMALL") \
  X(kSavingsInsufficient, "SAVINGS_INSUFFICIENT")
TDCS_DEFINE_REJECTIONS(SavingsRejection, TDCS_SAVINGS_REJECTIONS)
#undef TDCS_SAVINGS_REJECTIONS

namespace {

namespace account = ledger::account;

Date FirstOfNextMonth(Date d) { return Date::MonthDayClamped(d.year(), d.month(), 1).AddMonths(1); }

// Exact interest numerator of [from, to) on a constant balance, split where
// the rate changes; days before the first rate earn nothing.
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

void AccrueTo(Account& a, Date to, const RateTimeline& rates) {
  if (to <= a.accrued_to) return;
  a.accrual += AccrualBetween(a.balance, a.accrued_to, to, rates);
  a.accrued_to = to;
}

Money Accrued(const Account& a) {
  return Money::Dong(DivideRoundHalfUp(a.accrual, kAccrualDenominator));
}

ledger::Posting Dimensions(const Account& a) {
  ledger::Posting p;
  p.office_id = a.office_id;
  p.borrower_id = a.borrower_id;
  return p;
}

// Credits the accrued interest, rounded half up; the remainder is dropped.
void Credit(Account& a, Outcome& out) {
  const Money interest = Accrued(a);
  a.accrual = 0;
  a.balance += interest;
  ledger::AddTransfer(out.postings, Dimensions(a), account::kSavingsInterestExpense,
                      account::kMemberSavings, interest);
}

// Money leaving the account: at most the credited balance, or exactly the
// whole balance with its accrued interest (which closes the account).
// `to_cash`: a withdrawal (the cash leg is posted here); otherwise a repayment.
Result<Outcome> Take(Account& account, Money amount, Date date, const RateTimeline& rates,
                     bool to_cash) {
  if (auto bad = CheckAmount(amount)) return *bad;
  Account next = account;
  Outcome out = Advance(next, date, rates);
  const Money whole = next.balance + Accrued(next);
  if (amount == whole) {
    Credit(next, out);  // closing: the interest accrued so far is credited
  } else if (amount > next.balance) {
    return MakeError(SavingsRejection::kSavingsInsufficient, "amount",
                     "Số dư tiết kiệm đã ghi có " + next.balance.ToVietnamese() +
                         " đ không đủ cho " + amount.ToVietnamese() + " đ (lấy toàn bộ " +
                         whole.ToVietnamese() + " đ, gồm cả lãi dự thu, thì tất toán tài khoản)",
                     "The credited savings balance of " + next.balance.ToVietnamese() +
                         " is not enough for " + amount.ToVietnamese() + " (taking the whole " +
                         whole.ToVietnamese() + ", accrued interest included, closes the account)");
  }
  next.balance -= amount;
  if (to_cash)
    ledger::AddTransfer(out.postings, Dimensions(next), account::kMemberSavings,
                        account::kCashPoint, amount);
  account = next;
  return out;
}

}  // namespace

std::optional<Date> NextCreditDate(const Account& a) {
  if (a.IsEmpty()) return std::nullopt;
  return FirstOfNextMonth(a.accrued_to);
}

Outcome Advance(Account& a, Date to, const RateTimeline& rates) {
  Outcome out;
  while (true) {
    if (a.IsEmpty()) {
      // Nothing earns: the account simply catches up.
      if (to > a.accrued_to) a.accrued_to = to;
      return out;
    }
    const Date next = FirstOfNextMonth(a.accrued_to);
    if (next > to) break;
    AccrueTo(a, next, rates);
    Credit(a, out);
  }
  AccrueTo(a, to, rates);
  return out;
}

Money CreditedOn(const Account& a, Date date, const RateTimeline& rates) {
  Account copy = a;
  Advance(copy, date, rates);
  return copy.balance;
}

Money BalanceOn(const Account& a, Date date, const RateTimeline& rates) {
  Account copy = a;
  Advance(copy, date, rates);
  return copy.balance + Accrued(copy);
}

Result<Outcome> Deposit(Account& account, Money amount, Date date, const RateTimeline& rates) {
  if (amount.dong() < kMinimumDepositDong)
    return MakeError(SavingsRejection::kSavingsDepositTooSmall, "amount",
                     "Số tiền gửi tối thiểu là 5.000 đ", "The minimum deposit is 5,000 đồng");
  Account next = account;
  Outcome out = Advance(next, date, rates);
  next.balance += amount;
  ledger::AddTransfer(out.postings, Dimensions(next), account::kCashPoint, account::kMemberSavings,
                      amount);
  account = next;
  return out;
}

Result<Outcome> Withdraw(Account& account, Money amount, Date date, const RateTimeline& rates) {
  return Take(account, amount, date, rates, true);
}

Result<Outcome> Repay(Account& account, Money amount, Date date, const RateTimeline& rates) {
  return Take(account, amount, date, rates, false);
}

Result<Outcome> ApplyMovement(Account& account, const Movement& m, const RateTimeline& rates) {
  if (m.kind == "deposit") return Deposit(account, m.amount, m.date, rates);
  if (m.kind == "withdraw") return Withdraw(account, m.amount, m.date, rates);
  if (m.kind == "repay") return Repay(account, m.amount, m.date, rates);
  TDCS_CHECK_MSG(false, "unknown savings movement kind");
  return Outcome{};
}

Result<Outcome> Replay(Account& account, const std::vector<Movement>& movements, Date to,
                       const RateTimeline& rates) {
  Account fresh;
  fresh.id = account.id;
  fresh.borrower_id = account.borrower_id;
  fresh.office_id = account.office_id;
  Outcome all;
  for (const auto& m : movements) {
    auto r = ApplyMovement(fresh, m, rates);
    if (!r.ok()) return r.error();
    for (auto& p : r.value().postings) all.postings.push_back(p);
  }
  for (auto& p : Advance(fresh, to, rates).postings) all.postings.push_back(p);
  account = fresh;
  return all;
}

}  // namespace tdcs::savings
