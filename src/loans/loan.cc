#include "loans/loan.h"

#include <algorithm>

#include "base/check.h"

namespace tdcs::loans {

// The wire string of each rejection code (docs/API.md "Error codes").
#define TDCS_LOAN_REJECTIONS(X)                                \
  X(kLoanNotActive, "LOAN_NOT_ACTIVE")                         \
  X(kLoanFrozen, "LOAN_FROZEN")                                \
  X(kAmountInvalid, "AMOUNT_INVALID")                          \
  X(kDisbursementOverApproved, "DISBURSEMENT_OVER_APPROVED")   \
  X(kDisbursementAfterMaturity, "DISBURSEMENT_AFTER_MATURITY") \
  X(kPaymentExceedsDebt, "PAYMENT_EXCEEDS_DEBT")               \
  X(kRescheduleTooLate, "RESCHEDULE_TOO_LATE")                 \
  X(kRescheduleNothingDue, "RESCHEDULE_NOTHING_DUE")           \
  X(kRescheduleLastInstallment, "RESCHEDULE_LAST_INSTALLMENT") \
  X(kExtensionMonthsInvalid, "EXTENSION_MONTHS_INVALID")       \
  X(kExtensionLimit, "EXTENSION_LIMIT")                        \
  X(kExtensionNothingDue, "EXTENSION_NOTHING_DUE")             \
  X(kFreezePeriodInvalid, "FREEZE_PERIOD_INVALID")             \
  X(kHeirIsBorrower, "HEIR_IS_BORROWER")                       \
  X(kOpeningBalanceInvalid, "OPENING_BALANCE_INVALID")         \
  X(kOpeningNextDueInvalid, "OPENING_NEXT_DUE_INVALID")
TDCS_DEFINE_REJECTIONS(LoanRejection, TDCS_LOAN_REJECTIONS)
#undef TDCS_LOAN_REJECTIONS

namespace {

using ledger::AddTransfer;
namespace account = ledger::account;

Error Reject(LoanRejection code, const char* field, std::string vi, std::string en) {
  return MakeError(code, field, std::move(vi), std::move(en));
}

// `months` later than `due`, on the disbursement's day of the month (a day the
// month lacks becomes its last day), so moved installments stay on the schedule's day.
Date ShiftMonths(const Loan& loan, Date due, int months) {
  const Date month = Date::MonthDayClamped(due.year(), due.month(), 1).AddMonths(months);
  const int anchor = loan.disbursed_on ? loan.disbursed_on->day() : due.day();
  return Date::MonthDayClamped(month.year(), month.month(), anchor);
}

const RateVersion* VersionOn(const RateTimeline& rates, Date on) {
  const RateVersion* best = nullptr;
  for (const auto& v : rates)
    if (v.from <= on) best = &v;
  return best;
}

// Exact interest numerator for [from, to) at constant balances, split where
// the rate changes.
__int128 AccrualBetween(const Loan& loan, Date from, Date to, const RateTimeline& rates) {
  __int128 sum = 0;
  if (to <= from || (loan.normal.IsZero() && loan.overdue.IsZero())) return 0;
  Date a = from;
  while (a < to) {
    const RateVersion* v = VersionOn(rates, a);
    TDCS_CHECK_MSG(v != nullptr, "no rate in force for a loan's program");
    Date b = to;
    for (const auto& next : rates)
      if (next.from > a && next.from < b) b = next.from;
    const __int128 days = DaysBetween(a, b);
    const __int128 rate = v->rate.per_month_millionths();
    sum += static_cast<__int128>(loan.normal.dong()) * rate * 100 * days;
    sum += static_cast<__int128>(loan.overdue.dong()) * rate * v->overdue_percent * days;
    a = b;
  }
  return sum;
}

void AccrueTo(Loan& loan, Date to, const RateTimeline& rates) {
  if (to <= loan.accrued_to) return;
  loan.accrual += AccrualBetween(loan, loan.accrued_to, to, rates);
  loan.accrued_to = to;
}

// Charges accrued interest up to `date` (exclusive).
void ChargeInterest(Loan& loan, Date date, const RateTimeline& rates, Outcome& out) {
  AccrueTo(loan, date, rates);
  const Money charge = Money::Dong(DivideRoundHalfUp(loan.accrual, kAccrualDenominator));
  loan.accrual = 0;
  loan.interest_unpaid += charge;
  AddTransfer(out.postings, LoanDimensions(loan), account::kInterestReceivable,
              account::kInterestIncome, charge);
}

int SharesNotYetDue(const Loan& loan) {
  int shares = 0;
  for (const auto& i : loan.installments)
    if (i.state == InstallmentState::kFuture) shares += i.shares;
  return shares;
}

Money UnpaidFallenDue(const Loan& loan) {
  Money sum;
  for (const auto& i : loan.installments)
    if (i.state == InstallmentState::kDue || i.state == InstallmentState::kOverdue)
      sum += i.Unpaid();
  return sum;
}

const Installment* Final(const Loan& loan) {
  const Installment* last = nullptr;
  for (const auto& i : loan.installments)
    if (i.shares > 0 && (last == nullptr || last->due <= i.due)) last = &i;
  return last;
}

void FallDue(Loan& loan, Installment& inst) {
  const int shares_left = SharesNotYetDue(loan);
  const Money base = loan.normal + loan.overdue - UnpaidFallenDue(loan);
  Money amount;
  if (inst.shares == shares_left) {
    amount = base;  // the final installment takes the rest
  } else {
    amount =
        Money::Dong(DivideRoundDown(static_cast<__int128>(base.dong()) * inst.shares, shares_left))
            .RoundDownTo(kInstallmentRoundingDong);
  }
  if (amount.IsNegative()) amount = Money::Zero();
  inst.amount = amount;
  inst.paid = Money::Zero();
  inst.state = amount.IsZero() ? InstallmentState::kPaid : InstallmentState::kDue;
}

// When a due installment turns overdue, or nullopt if it does not (yet).
std::optional<Date> OverdueDate(const Loan& loan, const Installment& inst) {
  if (inst.state != InstallmentState::kDue) return std::nullopt;
  if (loan.rule == OverdueRule::kPerInstallment)
    return FirstSessionAfter(inst.due, loan.terms.session_day, loan.terms.session_moves);
  const Installment* last = Final(loan);
  if (last == nullptr || last->state == InstallmentState::kFuture) return std::nullopt;
  return FirstSessionAfter(last->due, loan.terms.session_day, loan.terms.session_moves);
}

void TransferToOverdue(Loan& loan, Installment& inst, Outcome& out) {
  const Money unpaid = inst.Unpaid();
  inst.state = InstallmentState::kOverdue;
  loan.normal -= unpaid;
  loan.overdue += unpaid;
  AddTransfer(out.postings, LoanDimensions(loan), account::kLoanOverdue, account::kLoanNormal,
              unpaid);
}

void EndFreeze(Loan& loan, Outcome& out) {
  // The loan resumes where it stopped: installments not yet due move later by
  // the months frozen; principal returns to the state it was in.
  for (auto& i : loan.installments)
    if (i.state == InstallmentState::kFuture) i.due = ShiftMonths(loan, i.due, loan.frozen_months);
  Money overdue;
  for (const auto& i : loan.installments)
    if (i.state == InstallmentState::kOverdue) overdue += i.Unpaid();
  overdue = std::min(overdue, loan.frozen);
  const Money normal = loan.frozen - overdue;
  const ledger::Posting dims = LoanDimensions(loan);
  AddTransfer(out.postings, dims, account::kLoanOverdue, account::kLoanFrozen, overdue);
  AddTransfer(out.postings, dims, account::kLoanNormal, account::kLoanFrozen, normal);
  loan.overdue += overdue;
  loan.normal += normal;
  loan.frozen = Money::Zero();
  loan.frozen_from.reset();
  loan.frozen_until.reset();
  loan.frozen_months = 0;
}

bool Open(const Loan& loan) { return loan.status == LoanStatus::kActive; }

Date FirstOfNextMonth(Date d) { return Date::MonthDayClamped(d.year(), d.month(), 1).AddMonths(1); }

Error NotActive(const Loan& loan) {
  return Reject(
      LoanRejection::kLoanNotActive, "loan",
      "Khoản vay không ở trạng thái đang vay (" + std::string(LoanStatusKey(loan.status)) + ")",
      "The loan is not active (" + std::string(LoanStatusKey(loan.status)) + ")");
}

Error Frozen() {
  return Reject(LoanRejection::kLoanFrozen, "loan", "Khoản vay đang được khoanh nợ",
                "The loan is frozen");
}

}  // namespace

Date PerInstallmentRuleFrom() { return *Date::FromCivil(2026, 3, 1); }

std::string_view LoanStatusKey(LoanStatus s) {
  switch (s) {
    case LoanStatus::kApplied:
      return "applied";
    case LoanStatus::kApproved:
      return "approved";
    case LoanStatus::kActive:
      return "active";
    case LoanStatus::kSettled:
      return "settled";
    case LoanStatus::kWrittenOff:
      return "written_off";
    case LoanStatus::kRejected:
      return "rejected";
  }
  return "";
}

std::optional<LoanStatus> ParseLoanStatus(std::string_view s) {
  for (auto v : {LoanStatus::kApplied, LoanStatus::kApproved, LoanStatus::kActive,
                 LoanStatus::kSettled, LoanStatus::kWrittenOff, LoanStatus::kRejected})
    if (LoanStatusKey(v) == s) return v;
  return std::nullopt;
}

Date Loan::Maturity() const {
  const Installment* last = Final(*this);
  return last ? last->due : (disbursed_on ? disbursed_on->AddMonths(terms.term_months) : Date());
}

ledger::Posting LoanDimensions(const Loan& loan) {
  ledger::Posting p;
  p.program = loan.terms.program;
  p.fund_source = loan.terms.fund_source;
  p.office_id = loan.terms.office_id;
  p.loan_id = loan.terms.loan_id;
  p.borrower_id = loan.terms.borrower_id;
  return p;
}

std::optional<Date> NextEventDate(const Loan& loan) {
  if (!Open(loan)) return std::nullopt;
  if (loan.IsFrozen()) return loan.frozen_until;
  std::optional<Date> next;
  auto consider = [&](Date d) {
    if (!next || d < *next) next = d;
  };
  for (const auto& i : loan.installments) {
    if (i.shares > 0 && i.state == InstallmentState::kFuture) consider(i.due);
    if (auto o = OverdueDate(loan, i)) consider(*o);
  }
  if (loan.terms.charge_at_month_end) consider(FirstOfNextMonth(loan.processed_to));
  // An event whose date has passed (after a freeze ended) happens at once.
  if (next && *next <= loan.processed_to) next = loan.processed_to.AddDays(1);
  return next;
}

Outcome Advance(Loan& loan, Date to, const RateTimeline& rates) {
  Outcome out;
  while (true) {
    const auto next = NextEventDate(loan);
    if (!next || *next > to) break;
    const Date day = *next;
    AccrueTo(loan, day, rates);
    if (loan.frozen_until && *loan.frozen_until <= day) EndFreeze(loan, out);
    // On the day a freeze ends the loan's other events of that day (an overdue
    // transfer whose session passed during the freeze) take effect too.
    if (!loan.IsFrozen()) {
      // Installments fall due before the overdue transfers of the same day.
      std::stable_sort(loan.installments.begin(), loan.installments.end(),
                       [](const Installment& a, const Installment& b) { return a.due < b.due; });
      for (auto& i : loan.installments)
        if (i.shares > 0 && i.state == InstallmentState::kFuture && i.due <= day) FallDue(loan, i);
      for (auto& i : loan.installments)
        if (auto o = OverdueDate(loan, i); o && *o <= day) TransferToOverdue(loan, i, out);
      if (loan.terms.charge_at_month_end && day.day() == 1) ChargeInterest(loan, day, rates, out);
    }
    loan.processed_to = day;
    if (loan.Principal().IsZero() && loan.interest_unpaid.IsZero() && loan.accrual == 0 &&
        loan.disbursed == loan.terms.approved && SharesNotYetDue(loan) == 0)
      loan.status = LoanStatus::kSettled;
  }
  if (to > loan.processed_to) loan.processed_to = to;
  return out;
}

Money InterestDue(const Loan& loan, Date on, const RateTimeline& rates) {
  const __int128 accrual = loan.accrual + AccrualBetween(loan, loan.accrued_to, on, rates);
  return loan.interest_unpaid + Money::Dong(DivideRoundHalfUp(accrual, kAccrualDenominator));
}

Money PrincipalDue(const Loan& loan) {
  Money sum;
  for (const auto& i : loan.installments)
    if (i.state == InstallmentState::kDue) sum += i.Unpaid();
  return sum;
}

std::optional<Date> NextDueDate(const Loan& loan) {
  if (!Open(loan)) return std::nullopt;
  std::optional<Date> next;
  for (const auto& i : loan.installments) {
    if (i.shares == 0 || i.state != InstallmentState::kFuture) continue;
    const Date due = loan.IsFrozen() ? ShiftMonths(loan, i.due, loan.frozen_months) : i.due;
    if (!next || due < *next) next = due;
  }
  return next;
}

Money TotalOwed(const Loan& loan, Date on, const RateTimeline& rates) {
  return InterestDue(loan, on, rates) + loan.Principal();
}

Result<Outcome> Disburse(Loan& loan, Money amount, Date date, const RateTimeline& rates) {
  if (loan.status != LoanStatus::kApproved && loan.status != LoanStatus::kActive)
    return NotActive(loan);
  if (auto bad = CheckAmount(amount)) return *bad;
  if (loan.disbursed + amount > loan.terms.approved)
    return Reject(LoanRejection::kDisbursementOverApproved, "amount",
                  "Giải ngân vượt số tiền được duyệt (" + loan.terms.approved.ToVietnamese() +
                      " đ, đã giải ngân " + loan.disbursed.ToVietnamese() + " đ)",
                  "Disbursement exceeds the approved amount (" +
                      loan.terms.approved.ToVietnamese() + ", disbursed " +
                      loan.disbursed.ToVietnamese() + ")");
  if (loan.IsFrozen()) return Frozen();
  Outcome out;
  if (!loan.disbursed_on) {
    loan.disbursed_on = date;
    loan.rule =
        date >= PerInstallmentRuleFrom() ? OverdueRule::kPerInstallment : OverdueRule::kAtMaturity;
    const int span = loan.terms.term_months - loan.terms.grace_months;
    const int count = std::max(1, (span + loan.terms.every_months - 1) / loan.terms.every_months);
    loan.installments.clear();
    for (int k = 1; k <= count; ++k) {
      Installment i;
      i.due = k == count ? date.AddMonths(loan.terms.term_months)
                         : date.AddMonths(loan.terms.grace_months + k * loan.terms.every_months);
      loan.installments.push_back(i);
    }
    loan.accrued_to = date;
    loan.processed_to = date;
  } else {
    // A tranche is repaid through the installments still to come; once the
    // last has fallen due there is none to carry it.
    if (SharesNotYetDue(loan) == 0)
      return Reject(LoanRejection::kDisbursementAfterMaturity, "date",
                    "Không giải ngân được: kỳ trả nợ cuối cùng đã đến hạn",
                    "Cannot disburse: the last installment has already fallen due");
    AccrueTo(loan, date, rates);
  }
  loan.status = LoanStatus::kActive;
  loan.disbursed += amount;
  loan.normal += amount;
  AddTransfer(out.postings, LoanDimensions(loan), ledger::account::kLoanNormal,
              ledger::account::kCashPoint, amount);
  return out;
}

Result<Outcome> Pay(Loan& loan, Money amount, Date date, const RateTimeline& rates,
                    bool from_savings) {
  if (!Open(loan)) return NotActive(loan);
  if (auto bad = CheckAmount(amount)) return *bad;
  const Money owed = TotalOwed(loan, date, rates);
  if (amount > owed)
    return Reject(LoanRejection::kPaymentExceedsDebt, "amount",
                  "Số tiền trả " + amount.ToVietnamese() + " đ lớn hơn toàn bộ số nợ " +
                      owed.ToVietnamese() + " đ",
                  "The payment of " + amount.ToVietnamese() + " exceeds everything owed (" +
                      owed.ToVietnamese() + ")");
  Outcome out;
  ChargeInterest(loan, date, rates, out);
  const ledger::Posting dims = LoanDimensions(loan);
  const char* source = from_savings ? account::kMemberSavings : account::kCashPoint;
  Money left = amount;
  auto settle = [&](Money& balance, const char* credit, Money cap) {
    const Money part = std::min(left, std::min(balance, cap));
    if (part.dong() <= 0) return Money::Zero();
    balance -= part;
    left -= part;
    AddTransfer(out.postings, dims, source, credit, part);
    return part;
  };
  settle(loan.interest_unpaid, account::kInterestReceivable, loan.interest_unpaid);
  auto pay_installments = [&](InstallmentState state, Money& balance, const char* credit) {
    for (auto& i : loan.installments) {
      if (i.state != state) continue;
      const Money part = settle(balance, credit, i.Unpaid());
      i.paid += part;
      if (i.Unpaid().IsZero()) i.state = InstallmentState::kPaid;
    }
  };
  if (!loan.IsFrozen()) {
    pay_installments(InstallmentState::kOverdue, loan.overdue, account::kLoanOverdue);
    pay_installments(InstallmentState::kDue, loan.normal, account::kLoanNormal);
    settle(loan.normal, account::kLoanNormal, loan.normal);  // ahead of schedule
  } else {
    // Frozen principal: the oldest installments first, then the rest.
    for (auto state : {InstallmentState::kOverdue, InstallmentState::kDue})
      for (auto& i : loan.installments) {
        if (i.state != state) continue;
        const Money part = settle(loan.frozen, account::kLoanFrozen, i.Unpaid());
        i.paid += part;
        if (i.Unpaid().IsZero()) i.state = InstallmentState::kPaid;
      }
    settle(loan.frozen, account::kLoanFrozen, loan.frozen);
  }
  TDCS_CHECK(left.IsZero());
  // Settled when nothing is owed — and nothing is left to disburse (a student
  // who repaid the first tranche early still has the next ones coming).
  if (loan.Principal().IsZero() && loan.interest_unpaid.IsZero() &&
      loan.disbursed == loan.terms.approved) {
    loan.status = LoanStatus::kSettled;
    loan.frozen_until.reset();
    loan.frozen_from.reset();
    for (auto& i : loan.installments)
      if (i.state != InstallmentState::kPaid && i.shares > 0) i.state = InstallmentState::kPaid;
  }
  // Savings are the member's, not the program's: that leg carries no program.
  if (from_savings)
    for (auto& p : out.postings)
      if (p.account == account::kMemberSavings) p.program.clear(), p.fund_source = 0;
  return out;
}

Result<Outcome> Reschedule(Loan& loan, Date date, const HolidayCalendar& calendar) {
  if (!Open(loan)) return NotActive(loan);
  if (loan.IsFrozen()) return Frozen();
  std::stable_sort(loan.installments.begin(), loan.installments.end(),
                   [](const Installment& a, const Installment& b) { return a.due < b.due; });
  for (const auto& i : loan.installments)
    if (i.state == InstallmentState::kDue || i.state == InstallmentState::kOverdue)
      return Reject(LoanRejection::kRescheduleTooLate, "date",
                    "Kỳ trả nợ ngày " + i.due.ToVietnamese() +
                        " đã đến hạn mà chưa trả: không điều chỉnh kỳ hạn được nữa",
                    "The installment of " + i.due.ToIso() +
                        " has fallen due unpaid: it can no longer be rescheduled");
  Installment* current = nullptr;
  Installment* following = nullptr;
  for (auto& i : loan.installments) {
    if (i.shares == 0 || i.state != InstallmentState::kFuture) continue;
    if (current == nullptr) {
      current = &i;
    } else {
      following = &i;
      break;
    }
  }
  if (current == nullptr)
    return Reject(LoanRejection::kRescheduleNothingDue, "loan",
                  "Không còn kỳ trả nợ nào để điều chỉnh", "No installment is left to reschedule");
  if (following == nullptr)
    return Reject(
        LoanRejection::kRescheduleLastInstallment, "loan",
        "Không được điều chỉnh kỳ hạn trả nợ cuối cùng (ngày đáo hạn " +
            current->due.ToVietnamese() + ")",
        "The last installment (final maturity " + current->due.ToIso() + ") cannot be rescheduled");
  if (calendar.WorkingDaysBetween(date, current->due, date) < kRescheduleWorkingDaysMin)
    return Reject(LoanRejection::kRescheduleTooLate, "date",
                  "Đề nghị điều chỉnh phải nộp trước kỳ trả nợ " + current->due.ToVietnamese() +
                      " ít nhất 5 ngày làm việc (không kể thứ Bảy, Chủ nhật, ngày lễ, Tết)",
                  "A reschedule must be filed at least 5 working days (not Saturdays, Sundays or "
                  "public holidays) before the installment of " +
                      current->due.ToIso());
  const int shares_left = SharesNotYetDue(loan);
  const Money moved = Money::Dong(DivideRoundDown(
      static_cast<__int128>((loan.normal - PrincipalDue(loan)).dong()) * current->shares,
      shares_left));
  following->shares += current->shares;
  current->shares = 0;
  Outcome out;
  AddTransfer(out.postings, LoanDimensions(loan), account::kMemoRescheduled, account::kMemoContra,
              moved);
  return out;
}

Result<Outcome> Extend(Loan& loan, Date date, int months) {
  if (!Open(loan)) return NotActive(loan);
  if (loan.IsFrozen()) return Frozen();
  if (months < 1)
    return Reject(LoanRejection::kExtensionMonthsInvalid, "months", "Số tháng gia hạn phải từ 1",
                  "Extension months must be at least 1");
  // In 64 bits: a month count near INT_MAX must not wrap past the limit.
  if (2 * (static_cast<int64_t>(loan.extension_months) + months) > loan.terms.term_months)
    return Reject(LoanRejection::kExtensionLimit, "months",
                  "Tổng thời gian gia hạn vượt quá 1/2 thời hạn cho vay (" +
                      std::to_string(loan.terms.term_months) + " tháng)",
                  "Extensions in all would exceed half of the original term (" +
                      std::to_string(loan.terms.term_months) + " months)");
  std::stable_sort(loan.installments.begin(), loan.installments.end(),
                   [](const Installment& a, const Installment& b) { return a.due < b.due; });
  Installment* target = nullptr;
  for (auto& i : loan.installments)
    if (i.shares > 0 && (i.state == InstallmentState::kFuture ||
                         (i.state == InstallmentState::kDue && i.paid.IsZero()))) {
      target = &i;
      break;
    }
  if (target == nullptr)
    return Reject(LoanRejection::kExtensionNothingDue, "loan",
                  "Không có kỳ trả nợ nào (chưa quá hạn, chưa trả) để gia hạn",
                  "No unpaid, not overdue installment to extend");
  const Money amount =
      target->state == InstallmentState::kDue
          ? target->amount
          : Money::Dong(DivideRoundDown(
                static_cast<__int128>((loan.normal - PrincipalDue(loan)).dong()) * target->shares,
                std::max(1, SharesNotYetDue(loan))));
  target->state = InstallmentState::kFuture;
  target->amount = Money::Zero();
  target->due = ShiftMonths(loan, target->due, months);
  loan.extension_months += months;
  std::stable_sort(loan.installments.begin(), loan.installments.end(),
                   [](const Installment& a, const Installment& b) { return a.due < b.due; });
  Outcome out;
  AddTransfer(out.postings, LoanDimensions(loan), account::kMemoExtended, account::kMemoContra,
              amount);
  return out;
}

Result<Outcome> Freeze(Loan& loan, Date date, int months, const RateTimeline& rates) {
  if (!Open(loan)) return NotActive(loan);
  if (months < 1 || months > kFreezeMonthsMax)
    return Reject(LoanRejection::kFreezePeriodInvalid, "months",
                  "Thời gian khoanh nợ từ 1 đến 36 tháng", "A freeze lasts 1 to 36 months");
  Outcome out;
  if (loan.IsFrozen()) {
    // Renewal: a further period from the current end.
    loan.frozen_until = loan.frozen_until->AddMonths(months);
    loan.frozen_months += months;
    return out;
  }
  ChargeInterest(loan, date, rates, out);  // interest charged before the freeze is still owed
  const ledger::Posting dims = LoanDimensions(loan);
  AddTransfer(out.postings, dims, account::kLoanFrozen, account::kLoanNormal, loan.normal);
  AddTransfer(out.postings, dims, account::kLoanFrozen, account::kLoanOverdue, loan.overdue);
  loan.frozen += loan.normal + loan.overdue;
  loan.normal = Money::Zero();
  loan.overdue = Money::Zero();
  loan.frozen_from = date;
  loan.frozen_until = date.AddMonths(months);
  loan.frozen_months = months;
  return out;
}

Result<Outcome> WriteOff(Loan& loan, Date date, const RateTimeline& rates) {
  if (!Open(loan)) return NotActive(loan);
  Outcome out;
  ChargeInterest(loan, date, rates, out);
  const ledger::Posting dims = LoanDimensions(loan);
  AddTransfer(out.postings, dims, account::kWriteOffPrincipal, account::kLoanNormal, loan.normal);
  AddTransfer(out.postings, dims, account::kWriteOffPrincipal, account::kLoanOverdue, loan.overdue);
  AddTransfer(out.postings, dims, account::kWriteOffPrincipal, account::kLoanFrozen, loan.frozen);
  AddTransfer(out.postings, dims, account::kWriteOffInterest, account::kInterestReceivable,
              loan.interest_unpaid);
  loan.normal = loan.overdue = loan.frozen = loan.interest_unpaid = Money::Zero();
  loan.frozen_until.reset();
  loan.frozen_from.reset();
  loan.status = LoanStatus::kWrittenOff;
  return out;
}

Result<Outcome> Inherit(Loan& loan, Date date, int64_t heir_borrower_id) {
  if (!Open(loan) && loan.status != LoanStatus::kApproved) return NotActive(loan);
  if (heir_borrower_id == loan.terms.borrower_id)
    return Reject(LoanRejection::kHeirIsBorrower, "heir", "Người thừa kế trùng với người vay",
                  "The heir is the borrower already");
  Outcome out;
  ledger::Posting dims = LoanDimensions(loan);
  dims.borrower_id = heir_borrower_id;
  AddTransfer(out.postings, dims, account::kMemoInherited, account::kMemoContra,
              loan.Principal() + loan.interest_unpaid);
  loan.terms.borrower_id = heir_borrower_id;
  return out;
}

namespace {

Error InvalidOpening(const char* field, std::string vi, std::string en) {
  return Reject(LoanRejection::kOpeningBalanceInvalid, field,
                "Số dư chuyển sang không hợp lệ: " + vi, "Invalid opening balance: " + en);
}

// The balance's own rules, before the schedule is looked at.
std::optional<Error> CheckOpening(const Loan& loan, const OpeningBalance& b) {
  if (b.disbursed.dong() <= 0 || b.disbursed > loan.terms.approved)
    return InvalidOpening("disbursed_dong",
                          "số tiền đã giải ngân phải lớn hơn 0 và không vượt số tiền được duyệt (" +
                              loan.terms.approved.ToVietnamese() + " đ)",
                          "the amount disbursed must be above 0 and at most the approved amount (" +
                              loan.terms.approved.ToVietnamese() + ")");
  for (const auto& [amount, field] :
       {std::pair{b.normal, "normal_dong"}, std::pair{b.overdue, "overdue_dong"},
        std::pair{b.frozen, "frozen_dong"}, std::pair{b.principal_due, "principal_due_dong"},
        std::pair{b.interest_owed, "interest_owed_dong"}})
    if (amount.IsNegative())
      return InvalidOpening(field, "số dư không được âm", "a balance cannot be negative");
  const Money outstanding = b.normal + b.overdue + b.frozen;
  if (outstanding.dong() <= 0)
    return InvalidOpening("normal_dong", "khoản vay không còn dư nợ gốc",
                          "nothing is outstanding in principal");
  if (outstanding > b.disbursed)
    return InvalidOpening("normal_dong",
                          "dư nợ gốc " + outstanding.ToVietnamese() +
                              " đ lớn hơn số tiền đã giải ngân " + b.disbursed.ToVietnamese() +
                              " đ",
                          "the principal outstanding " + outstanding.ToVietnamese() +
                              " exceeds the amount disbursed " + b.disbursed.ToVietnamese());
  if (b.principal_due > b.normal)
    return InvalidOpening("principal_due_dong", "nợ đến hạn là một phần của dư nợ trong hạn",
                          "principal due is part of normal principal");
  if (b.disbursed_on > b.on)
    return InvalidOpening("disbursed_on", "ngày giải ngân sau ngày nhận số dư",
                          "the disbursement is dated after the balance date");
  const bool frozen = b.frozen.dong() > 0;
  if (b.extension_months < 0 ||
      2 * static_cast<int64_t>(b.extension_months) > loan.terms.term_months)
    return InvalidOpening("extension_months", "số tháng đã gia hạn từ 0 đến 1/2 thời hạn cho vay",
                          "the months extended are 0 to half of the term");
  if (b.frozen_overdue.IsNegative() || b.frozen_overdue > b.frozen)
    return InvalidOpening("frozen_overdue_dong", "nợ quá hạn đã khoanh là một phần của nợ khoanh",
                          "frozen overdue principal is part of the frozen principal");
  if (!frozen && (b.frozen_from || b.frozen_until))
    return InvalidOpening("frozen_until", "chỉ khoản vay có nợ khoanh mới có thời gian khoanh",
                          "only a loan with frozen principal has a freeze period");
  if (frozen) {
    if (!b.normal.IsZero() || !b.overdue.IsZero() || !b.principal_due.IsZero())
      return InvalidOpening("frozen_dong",
                            "khoản vay đang khoanh nợ thì toàn bộ dư nợ gốc là nợ khoanh",
                            "a frozen loan holds all its principal frozen");
    if (!b.frozen_from || !b.frozen_until)
      return InvalidOpening("frozen_until",
                            "khoản vay có nợ khoanh cần ngày bắt đầu và kết thúc khoanh",
                            "a frozen loan needs the freeze's start and end dates");
    if (*b.frozen_from < b.disbursed_on || *b.frozen_from > b.on || *b.frozen_until <= b.on)
      return InvalidOpening("frozen_from",
                            "thời gian khoanh phải bắt đầu từ ngày giải ngân đến ngày nhận số dư "
                            "và kết thúc sau ngày nhận số dư",
                            "the freeze must start between the disbursement and the balance date "
                            "and end after the balance date");
    if (b.next_due)
      return InvalidOpening("next_due", "khoản vay đang khoanh không ghi kỳ trả nợ kế tiếp",
                            "a frozen loan takes no next installment date");
  }
  return std::nullopt;
}

// Whole months from `from` to `until`, or 0 when they are not a whole number apart.
// Whole months from `from` to `until` (a freeze renewed from a month end may
// end on an earlier day of the month: 31/01 + 1 + 1 is 28/03), or 0.
int WholeMonths(Date from, Date until) {
  for (int m = 1; m <= 10 * kFreezeMonthsMax; ++m) {
    const Date d = from.AddMonths(m);
    if (d == until) return m;
    if (d.year() == until.year() && d.month() == until.month() && until.day() < from.day())
      return m;
    if (d > until) break;
  }
  return 0;
}

}  // namespace

Result<Outcome> OpenBalance(Loan& loan, const OpeningBalance& b) {
  if (loan.status != LoanStatus::kApproved) return NotActive(loan);
  if (auto bad = CheckOpening(loan, b)) return *bad;
  const bool frozen = b.frozen.dong() > 0;
  int frozen_months = 0;
  if (frozen) {
    frozen_months = WholeMonths(*b.frozen_from, *b.frozen_until);
    if (frozen_months == 0)
      return Reject(LoanRejection::kFreezePeriodInvalid, "frozen_until",
                    "Thời gian khoanh nợ phải là số tháng tròn",
                    "A freeze lasts a whole number of months");
  }
  Loan draft = loan;
  RateTimeline none;
  auto disbursed_outcome = Disburse(draft, b.disbursed, b.disbursed_on, none);
  TDCS_CHECK(disbursed_outcome.ok());
  auto& schedule = draft.installments;
  std::stable_sort(schedule.begin(), schedule.end(),
                   [](const Installment& x, const Installment& y) { return x.due < y.due; });
  // Installments due by the cut-off fell due in the old system (a frozen
  // loan's stopped falling due when the freeze began).
  const Date cutoff = frozen ? *b.frozen_from : b.on;
  if (b.next_due && b.extension_months > 0 &&
      std::none_of(schedule.begin(), schedule.end(),
                   [&](const Installment& i) { return i.due == *b.next_due; })) {
    // An extended loan: its next installment (or, past the final maturity,
    // the last) was moved to next_due, at most the months of extension later.
    Installment* moved = nullptr;
    for (auto& i : schedule)
      if (i.due > cutoff) {
        moved = &i;
        break;
      }
    if (moved == nullptr) moved = &schedule.back();
    if (*b.next_due <= b.on || *b.next_due > moved->due.AddMonths(b.extension_months))
      return Reject(LoanRejection::kOpeningNextDueInvalid, "next_due",
                    "Ngày đến hạn sau gia hạn phải sau ngày nhận số dư và không quá số tháng "
                    "gia hạn kể từ kỳ trả nợ " +
                        moved->due.ToVietnamese(),
                    "The extended due date must be after the balance date and within the months "
                    "of extension of the installment of " +
                        moved->due.ToIso());
    moved->due = *b.next_due;
    std::stable_sort(schedule.begin(), schedule.end(),
                     [](const Installment& x, const Installment& y) { return x.due < y.due; });
  } else if (b.next_due) {
    Installment* target = nullptr;
    for (auto& i : schedule)
      if (i.due > b.on && i.due == *b.next_due) target = &i;
    if (target == nullptr)
      return Reject(LoanRejection::kOpeningNextDueInvalid, "next_due",
                    "Ngày " + b.next_due->ToVietnamese() +
                        " không phải một kỳ trả nợ của khoản vay sau ngày nhận số dư",
                    b.next_due->ToIso() +
                        " is not one of the loan's installment dates after the balance date");
    for (auto& i : schedule)
      if (i.due > b.on && i.due < *b.next_due) {
        target->shares += i.shares;  // rescheduled onto the next installment
        i.shares = 0;
      }
  }
  std::vector<Installment*> past;
  int future_shares = 0;
  for (auto& i : schedule) {
    if (i.due <= cutoff)
      past.push_back(&i);
    else
      future_shares += i.shares;
  }
  // Principal fallen due and unpaid sits on the latest installments fallen
  // due: first what is due, then before it what is overdue.
  Money due_part = b.principal_due, overdue_part = frozen ? b.frozen_overdue : b.overdue;
  if (future_shares == 0) {
    if (frozen) {
      overdue_part = b.frozen;  // returns overdue when the freeze ends
    } else if (b.principal_due != b.normal) {
      return InvalidOpening("principal_due_dong",
                            "mọi kỳ trả nợ đã đến hạn nên toàn bộ dư nợ trong hạn là nợ đến hạn",
                            "every installment has fallen due, so all normal principal is due");
    }
  }
  const int needed = (due_part.dong() > 0) + (overdue_part.dong() > 0);
  if (needed > static_cast<int>(past.size()))
    return InvalidOpening(due_part.dong() > 0 ? "principal_due_dong" : "overdue_dong",
                          "số kỳ trả nợ đã đến hạn vào ngày nhận số dư không đủ cho nợ đến hạn "
                          "và nợ quá hạn",
                          "too few installments have fallen due by the balance date to hold the "
                          "principal due and overdue");
  size_t ordinary = past.size();
  Installment* first_unpaid = nullptr;
  auto carry = [&](Money amount, InstallmentState state) {
    Installment& i = *past[--ordinary];
    i.amount = amount;
    i.paid = Money::Zero();
    i.state = state;
    first_unpaid = &i;
  };
  if (due_part.dong() > 0) carry(due_part, InstallmentState::kDue);
  if (overdue_part.dong() > 0) carry(overdue_part, InstallmentState::kOverdue);
  // The principal repaid is spread over the other installments fallen due
  // (or, when there is none, paid on the first unpaid one).
  const Money repaid_due = b.disbursed - (b.normal + b.overdue + b.frozen);
  if (ordinary == 0 && first_unpaid != nullptr) {
    first_unpaid->amount += repaid_due;
    first_unpaid->paid = repaid_due;
  }
  const int64_t n = static_cast<int64_t>(ordinary);
  for (size_t k = 0; k < ordinary; ++k) {
    Installment& i = *past[k];
    i.amount = k + 1 == ordinary ? repaid_due - Money::Dong(repaid_due.dong() / n * (n - 1))
                                 : Money::Dong(repaid_due.dong() / n);
    i.paid = i.amount;
    i.state = InstallmentState::kPaid;
  }
  draft.normal = b.normal;
  draft.overdue = b.overdue;
  draft.frozen = b.frozen;
  draft.interest_unpaid = b.interest_owed;
  draft.accrual = 0;
  draft.accrued_to = b.on;
  draft.processed_to = b.on;
  if (frozen) {
    draft.frozen_from = b.frozen_from;
    draft.frozen_until = b.frozen_until;
    draft.frozen_months = frozen_months;
  }
  draft.extension_months = b.extension_months;
  loan = draft;
  Outcome out;
  const ledger::Posting dims = LoanDimensions(loan);
  AddTransfer(out.postings, dims, account::kLoanNormal, account::kOpeningBalance, b.normal);
  AddTransfer(out.postings, dims, account::kLoanOverdue, account::kOpeningBalance, b.overdue);
  AddTransfer(out.postings, dims, account::kLoanFrozen, account::kOpeningBalance, b.frozen);
  AddTransfer(out.postings, dims, account::kInterestReceivable, account::kOpeningBalance,
              b.interest_owed);
  return out;
}

Result<Outcome> OpenBalance(Loan& loan, Date date, Date disbursed_on, Money disbursed,
                            Money outstanding) {
  OpeningBalance b;
  b.on = date;
  b.disbursed_on = disbursed_on;
  b.disbursed = disbursed;
  b.normal = outstanding;
  return OpenBalance(loan, b);
}

Result<Outcome> ApplyAction(Loan& loan, const RecordedAction& a, const RateTimeline& rates,
                            const HolidayCalendar& calendar) {
  if (a.kind == "disburse") return Disburse(loan, a.amount, a.date, rates);
  if (a.kind == "pay") return Pay(loan, a.amount, a.date, rates);
  if (a.kind == "pay_savings") return Pay(loan, a.amount, a.date, rates, true);
  if (a.kind == "reschedule") return Reschedule(loan, a.date, calendar);
  if (a.kind == "extend") return Extend(loan, a.date, a.months);
  if (a.kind == "freeze") return Freeze(loan, a.date, a.months, rates);
  if (a.kind == "writeoff") return WriteOff(loan, a.date, rates);
  if (a.kind == "inherit") return Inherit(loan, a.date, a.party_id);
  if (a.kind == "open")
    return a.opening ? OpenBalance(loan, *a.opening)
                     : OpenBalance(loan, a.date, Date::FromDays(static_cast<int32_t>(a.party_id)),
                                   loan.terms.approved, a.amount);
  TDCS_CHECK_MSG(false, "unknown loan action kind");
  return Outcome{};
}

Result<Outcome> Replay(Loan& loan, const std::vector<RecordedAction>& actions, Date to,
                       const RateTimeline& rates, const HolidayCalendar& calendar,
                       const ReplayStep& each) {
  Outcome all;
  auto append = [&](std::vector<ledger::Posting>&& more) {
    for (auto& p : more) all.postings.push_back(std::move(p));
  };
  for (size_t i = 0; i < actions.size(); ++i) {
    const auto& a = actions[i];
    if (loan.disbursed_on) append(Advance(loan, a.date, rates).postings);
    auto r = ApplyAction(loan, a, rates, calendar);
    if (!r.ok()) return r.error();
    if (each && !each(i, r.value())) return all;
    append(std::move(r).value().postings);
  }
  if (loan.disbursed_on) append(Advance(loan, to, rates).postings);
  return all;
}

}  // namespace tdcs::loans
