#include "loans/loan.h"

#include <gtest/gtest.h>

namespace tdcs::loans {
namespace {

Date D(const char* s) { return *Date::Parse(s); }

RateTimeline Poor() { return {{D("2015-01-01"), Rate::PerMonthMillionths(5500), 130}}; }

Loan NewLoan(Money amount, int term, int every, int session_day = 7) {
  Loan l;
  l.terms.loan_id = 1;
  l.terms.borrower_id = 1;
  l.terms.program = "01";
  l.terms.approved = amount;
  l.terms.term_months = term;
  l.terms.every_months = every;
  l.terms.session_day = session_day;
  return l;
}

TEST(LoanTest, InterestOfTheDomainExample) {
  // RULES §4.4: 50,000,000 disbursed 22/03/2024 at 0.55 %/month; on 07/04/2024
  // the interest due is 50,000,000 × 16 × 0.0055 / 30 = 146,666.67 → 146,667.
  Loan l = NewLoan(Money::Dong(50'000'000), 36, 6);
  ASSERT_TRUE(Disburse(l, Money::Dong(50'000'000), D("2024-03-22"), Poor()).ok());
  EXPECT_EQ(InterestDue(l, D("2024-04-07"), Poor()).dong(), 146'667);
  auto paid = Pay(l, Money::Dong(146'667), D("2024-04-07"), Poor());
  ASSERT_TRUE(paid.ok());
  EXPECT_EQ(l.interest_unpaid.dong(), 0);
  EXPECT_EQ(l.Principal().dong(), 50'000'000);
}

TEST(LoanTest, InstallmentsFollowTheFormula) {
  // 72,000,000 in 6 installments: 12,000,000 each; moving the first puts
  // 24,000,000 on the second date.
  Loan l = NewLoan(Money::Dong(72'000'000), 36, 6);
  ASSERT_TRUE(Disburse(l, Money::Dong(72'000'000), D("2024-01-31"), Poor()).ok());
  ASSERT_EQ(l.installments.size(), 6u);
  EXPECT_EQ(l.installments[0].due, D("2024-07-31"));
  EXPECT_EQ(l.installments[5].due, D("2027-01-31"));
  Loan moved = l;
  ASSERT_TRUE(Reschedule(moved, D("2024-07-01"), HolidayCalendar()).ok());
  Advance(l, D("2024-07-31"), Poor());
  EXPECT_EQ(PrincipalDue(l).dong(), 12'000'000);
  Advance(moved, D("2025-01-31"), Poor());
  EXPECT_EQ(PrincipalDue(moved).dong(), 24'000'000);
}

TEST(LoanTest, OverdueAtTheFirstSessionStrictlyAfterTheDueDate) {
  // Disbursed from 1 March 2026: per installment. Due 22/10, session day 7 → overdue 07/11.
  Loan l = NewLoan(Money::Dong(20'000'000), 24, 12, 7);
  ASSERT_TRUE(Disburse(l, Money::Dong(20'000'000), D("2026-04-22"), Poor()).ok());
  EXPECT_EQ(l.rule, OverdueRule::kPerInstallment);
  EXPECT_EQ(FirstSessionAfter(D("2026-10-22"), 7), D("2026-11-07"));
  EXPECT_EQ(FirstSessionAfter(D("2026-11-07"), 7), D("2026-12-07"));
  EXPECT_EQ(FirstSessionAfter(D("2026-01-30"), 31), D("2026-01-31"));
  EXPECT_EQ(FirstSessionAfter(D("2026-01-31"), 31), D("2026-02-28"));
  Advance(l, D("2027-05-06"), Poor());
  EXPECT_EQ(l.overdue.dong(), 0);
  EXPECT_EQ(PrincipalDue(l).dong(), 10'000'000);
  Advance(l, D("2027-05-07"), Poor());
  EXPECT_EQ(l.overdue.dong(), 10'000'000);
}

TEST(LoanTest, AdvanceIsComposable) {
  Loan a = NewLoan(Money::Dong(30'000'000), 24, 6);
  ASSERT_TRUE(Disburse(a, Money::Dong(30'000'000), D("2024-02-29"), Poor()).ok());
  Loan b = a;
  Advance(a, D("2026-06-30"), Poor());
  for (Date d = D("2024-03-01"); d <= D("2026-06-30"); d = d.AddDays(17)) Advance(b, d, Poor());
  Advance(b, D("2026-06-30"), Poor());
  EXPECT_EQ(a.overdue, b.overdue);
  EXPECT_EQ(a.accrual, b.accrual);
  EXPECT_EQ(InterestDue(a, D("2026-07-01"), Poor()), InterestDue(b, D("2026-07-01"), Poor()));
}

TEST(LoanTest, MonthEndChargeIsAnEventOfTheFirstDayOfTheNextMonth) {
  // Charged at month end: the charge for February 2024 (29 days, 29/02
  // included) is made by the events of 01/03, at the start of that day.
  Loan l = NewLoan(Money::Dong(20'000'000), 12, 12);
  l.terms.charge_at_month_end = true;
  ASSERT_TRUE(Disburse(l, Money::Dong(20'000'000), D("2024-01-31"), Poor()).ok());
  Advance(l, D("2024-02-01"), Poor());
  EXPECT_EQ(l.interest_unpaid.dong(), 3'667);  // 31/01 alone: 3,666.67
  const Outcome february_end = Advance(l, D("2024-02-29"), Poor());
  EXPECT_TRUE(february_end.postings.empty());
  EXPECT_EQ(l.interest_unpaid.dong(), 3'667);
  const Outcome march_first = Advance(l, D("2024-03-01"), Poor());
  EXPECT_EQ(l.interest_unpaid.dong(), 3'667 + 106'333);  // 29 × 3,666.67 = 106,333.33
  EXPECT_EQ(l.accrual, 0);
  EXPECT_EQ(l.accrued_to, D("2024-03-01"));
  ASSERT_EQ(march_first.postings.size(), 2u);
  EXPECT_EQ(march_first.postings[0].account, ledger::account::kInterestReceivable);
  EXPECT_EQ(march_first.postings[0].amount.dong(), 106'333);
}

TEST(LoanTest, WorkingDays) {
  // Monday 2024-07-01 to Monday 2024-07-08: Tue, Wed, Thu, Fri, Mon.
  const HolidayCalendar none;
  EXPECT_EQ(none.WorkingDaysBetween(D("2024-07-01"), D("2024-07-08"), D("2024-07-01")), 5);
  EXPECT_EQ(none.WorkingDaysBetween(D("2024-07-05"), D("2024-07-08"), D("2024-07-05")), 1);
}

TEST(LoanTest, RescheduleCountsWorkingDaysWithoutHolidays) {
  // Tết Ất Tỵ: Monday 27/01/2025 to Friday 31/01/2025 are holidays. A reschedule
  // filed on Friday 24/01/2025 for an installment of Tuesday 04/02 has two
  // working days left (03/02, 04/02): too late.
  std::vector<Holiday> tet;
  for (int k = 0; k < 5; ++k)
    tet.push_back({D("2025-01-27").AddDays(k), D("2021-01-01"), std::nullopt, "Tết", "Tết", ""});
  const HolidayCalendar calendar(tet);
  Loan l = NewLoan(Money::Dong(20'000'000), 24, 6);
  ASSERT_TRUE(Disburse(l, Money::Dong(20'000'000), D("2024-08-04"), Poor()).ok());
  Advance(l, D("2025-01-24"), Poor());
  Loan without_holidays = l;
  EXPECT_EQ(Reschedule(l, D("2025-01-24"), calendar).error().code, "RESCHEDULE_TOO_LATE");
  EXPECT_TRUE(Reschedule(without_holidays, D("2025-01-24"), HolidayCalendar()).ok());
}

}  // namespace
}  // namespace tdcs::loans
