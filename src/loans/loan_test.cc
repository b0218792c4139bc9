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

// RULES §6.1: a moved session is the month's session; the first session
// after a date is the earliest session after it, whichever month it is of.
TEST(SessionCalendarTest, AMovedSessionIsTheMonthsSession) {
  const SessionMoves moves{
      {2026, 11, D("2026-11-10")}, {2026, 12, D("2026-12-03")}, {2027, 1, D("2027-02-02")}};
  EXPECT_EQ(SessionDateIn(2026, 11, 7, moves), D("2026-11-10"));
  EXPECT_EQ(SessionDateIn(2026, 10, 7, moves), D("2026-10-07"));
  EXPECT_EQ(FirstSessionAfter(D("2026-10-22"), 7, moves), D("2026-11-10"));
  EXPECT_EQ(FirstSessionAfter(D("2026-11-07"), 7, moves), D("2026-11-10"));
  EXPECT_EQ(FirstSessionAfter(D("2026-11-10"), 7, moves), D("2026-12-03"));
  // Moved earlier: a due date between the moved and the fixed day waits
  // for the next month's session.
  EXPECT_EQ(FirstSessionAfter(D("2026-12-04"), 7, moves), D("2027-02-02"));
  // January's session held on 02/02: still before February's on 07/02.
  EXPECT_EQ(FirstSessionAfter(D("2027-01-20"), 7, moves), D("2027-02-02"));
  EXPECT_EQ(FirstSessionAfter(D("2027-02-02"), 7, moves), D("2027-02-07"));
}

TEST(SessionCalendarTest, AMoveIsDecidedAheadAndKeepsTheOrder) {
  const Date today = D("2026-10-20");
  EXPECT_TRUE(CheckSessionMove(2026, 11, 7, D("2026-11-10"), "Lễ", today, {}, false).ok());
  auto code = [&](int y, int m, Date to, const std::string& reason, Date on, bool holiday) {
    auto r = CheckSessionMove(y, m, 7, to, reason, on, {}, holiday);
    return r.ok() ? std::string("ok") : r.error().code;
  };
  EXPECT_EQ(code(2026, 10, D("2026-10-21"), "x", today, false), "SESSION_MOVE_NOT_AHEAD");
  EXPECT_EQ(code(2026, 11, D("2026-10-20"), "x", today, false), "SESSION_MOVE_NOT_AHEAD");
  EXPECT_EQ(code(2026, 11, D("2026-11-07"), "x", today, false), "SESSION_MOVE_SAME_DAY");
  EXPECT_EQ(code(2026, 11, D("2026-12-07"), "x", today, false), "SESSION_MOVE_OUT_OF_ORDER");
  EXPECT_EQ(code(2026, 11, D("2026-10-07"), "x", D("2026-09-30"), false),
            "SESSION_MOVE_OUT_OF_ORDER");
  EXPECT_EQ(code(2026, 11, D("2026-11-09"), "x", today, true), "SESSION_MOVE_ON_HOLIDAY");
  EXPECT_EQ(code(2026, 11, D("2026-11-09"), "  ", today, false), "SESSION_MOVE_REASON_MISSING");
  // The months around it as moved: December's session moved to 03/12 bounds
  // November's.
  const SessionMoves december{{2026, 12, D("2026-12-03")}};
  EXPECT_FALSE(CheckSessionMove(2026, 11, 7, D("2026-12-04"), "x", today, december, false).ok());
  EXPECT_TRUE(CheckSessionMove(2026, 11, 7, D("2026-12-02"), "x", today, december, false).ok());
  // Chained moves cannot put two sessions out of order: February's held on
  // 03/03 does not let January's go to 02/03 (past February's own day).
  const SessionMoves february{{2027, 2, D("2027-03-03"), 7}};
  EXPECT_TRUE(CheckSessionMove(2027, 2, 7, D("2027-03-03"), "x", today, {}, false).ok());
  EXPECT_EQ(code(2027, 1, D("2027-03-02"), "x", today, false), "SESSION_MOVE_OUT_OF_ORDER");
  EXPECT_FALSE(CheckSessionMove(2027, 1, 7, D("2027-03-02"), "x", today, february, false).ok());
  EXPECT_EQ(CheckSessionMove(2026, 11, 7, D("2026-11-09"), std::string(501, 'a'), today, {}, false)
                .error()
                .code,
            "SESSION_MOVE_REASON_TOO_LONG");
}

// A move is of the session day it moves: a loan that keeps another day (its
// point's day changed since) keeps its own sessions.
TEST(SessionCalendarTest, AMoveIsOfItsSessionDay) {
  const SessionMoves moves{{2026, 11, D("2026-11-18"), 15}};
  EXPECT_EQ(SessionDateIn(2026, 11, 15, moves), D("2026-11-18"));
  EXPECT_EQ(SessionDateIn(2026, 11, 7, moves), D("2026-11-07"));
  EXPECT_EQ(FirstSessionAfter(D("2026-11-01"), 7, moves), D("2026-11-07"));
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

TEST(LoanTest, HugeMonthsAndAmountsAreRejectionsNotAborts) {
  Loan l = NewLoan(Money::Dong(20'000'000), 24, 12);
  ASSERT_TRUE(Disburse(l, Money::Dong(10'000'000), D("2024-01-15"), Poor()).ok());
  auto extended = Extend(l, D("2024-02-01"), 1'073'741'824);
  ASSERT_FALSE(extended.ok());
  EXPECT_EQ(extended.error().code, "EXTENSION_LIMIT");
  auto tranche = Disburse(l, Money::Dong(INT64_MAX), D("2024-02-01"), Poor());
  ASSERT_FALSE(tranche.ok());
  EXPECT_EQ(tranche.error().code, "AMOUNT_ABOVE_CEILING");
  auto paid = Pay(l, Money::Dong(kAmountMaxDong + 1), D("2024-02-01"), Poor());
  ASSERT_FALSE(paid.ok());
  EXPECT_EQ(paid.error().code, "AMOUNT_ABOVE_CEILING");
  EXPECT_EQ(l.disbursed.dong(), 10'000'000);
}

// Opening balances (RULES §4.13): a loan taken over from another system.
Money Sum(const Outcome& o, const char* account) {
  Money m;
  for (const auto& p : o.postings)
    if (p.account == account) m += p.amount;
  return m;
}

TEST(OpeningBalanceTest, TakesOverPrincipalByStateAndInterestOwed) {
  // 60,000,000 over 36 months, yearly installments, disbursed 10/01/2024
  // (overdue only at maturity). On 15/06/2025 the old system holds
  // 30,000,000 normal and 10,000,000 overdue (the first installment of
  // 20,000,000 half paid), 400,000 of interest owed.
  Loan l = NewLoan(Money::Dong(60'000'000), 36, 12);
  OpeningBalance b;
  b.on = D("2025-06-15");
  b.disbursed_on = D("2024-01-10");
  b.disbursed = Money::Dong(60'000'000);
  b.normal = Money::Dong(40'000'000);
  b.overdue = Money::Dong(10'000'000);
  b.interest_owed = Money::Dong(400'000);
  auto opened = OpenBalance(l, b);
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  EXPECT_EQ(Sum(opened.value(), ledger::account::kOpeningBalance).dong(), -50'400'000);
  EXPECT_EQ(Sum(opened.value(), ledger::account::kLoanOverdue).dong(), 10'000'000);
  EXPECT_EQ(Sum(opened.value(), ledger::account::kInterestReceivable).dong(), 400'000);
  EXPECT_EQ(l.status, LoanStatus::kActive);
  ASSERT_EQ(l.installments.size(), 3u);
  EXPECT_EQ(l.installments[0].state, InstallmentState::kOverdue);
  EXPECT_EQ(l.installments[0].amount.dong(), 20'000'000);
  EXPECT_EQ(l.installments[0].paid.dong(), 10'000'000);
  // Interest accrues from the balance date on normal and overdue principal:
  // 40,000,000 × 0.55 % + 10,000,000 × 0.55 % × 130 % over 30 days.
  EXPECT_EQ(InterestDue(l, D("2025-07-15"), Poor()).dong(), 400'000 + 220'000 + 71'500);
  // A payment settles the interest, then the overdue principal.
  ASSERT_TRUE(Pay(l, Money::Dong(5'691'500), D("2025-07-15"), Poor()).ok());
  EXPECT_EQ(l.interest_unpaid.dong(), 0);
  EXPECT_EQ(l.overdue.dong(), 5'000'000);
  // The next installment (10/01/2026) takes half of what is not yet due.
  Advance(l, D("2026-01-10"), Poor());
  EXPECT_EQ(PrincipalDue(l).dong(), 20'000'000);
}

TEST(OpeningBalanceTest, SchedulePositionReschedulesOntoTheNextDate) {
  // Six half-yearly installments from 01/03/2024; the old system moved the
  // one of 01/03/2025 onto 01/09/2025.
  Loan l = NewLoan(Money::Dong(36'000'000), 36, 6);
  OpeningBalance b;
  b.on = D("2025-01-20");
  b.disbursed_on = D("2024-03-01");
  b.disbursed = Money::Dong(36'000'000);
  b.normal = Money::Dong(30'000'000);
  b.next_due = D("2025-09-01");
  ASSERT_TRUE(OpenBalance(l, b).ok());
  EXPECT_EQ(NextDueDate(l), D("2025-09-01"));
  Advance(l, D("2025-09-01"), Poor());
  // 30,000,000 × 2 shares of 5 not yet due.
  EXPECT_EQ(PrincipalDue(l).dong(), 12'000'000);
  Loan bad = NewLoan(Money::Dong(36'000'000), 36, 6);
  b.next_due = D("2025-08-31");
  auto r = OpenBalance(bad, b);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "OPENING_NEXT_DUE_INVALID");
  EXPECT_EQ(bad.status, LoanStatus::kApproved);
}

TEST(OpeningBalanceTest, FrozenLoanResumesWhenTheFreezeEnds) {
  Loan l = NewLoan(Money::Dong(40'000'000), 48, 12);
  OpeningBalance b;
  b.on = D("2025-05-01");
  b.disbursed_on = D("2023-02-10");
  b.disbursed = Money::Dong(40'000'000);
  b.frozen = Money::Dong(30'000'000);
  b.frozen_from = D("2024-12-01");
  b.frozen_until = D("2025-12-01");
  ASSERT_TRUE(OpenBalance(l, b).ok());
  EXPECT_TRUE(l.IsFrozen());
  EXPECT_EQ(l.frozen_months, 12);
  EXPECT_EQ(InterestDue(l, D("2025-11-30"), Poor()).dong(), 0);  // frozen accrues nothing
  // The installment of 10/02/2025 fell in the freeze: it moves 12 months on.
  EXPECT_EQ(NextDueDate(l), D("2026-02-10"));
  Advance(l, D("2025-12-01"), Poor());
  EXPECT_FALSE(l.IsFrozen());
  EXPECT_EQ(l.normal.dong(), 30'000'000);
  b.normal = Money::Dong(1);
  Loan bad = NewLoan(Money::Dong(40'000'000), 48, 12);
  auto r = OpenBalance(bad, b);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "frozen_dong");
}

TEST(OpeningBalanceTest, FrozenOverduePrincipalReturnsOverdue) {
  Loan l = NewLoan(Money::Dong(40'000'000), 48, 12);
  OpeningBalance b;
  b.on = D("2025-05-01");
  b.disbursed_on = D("2023-02-10");
  b.disbursed = Money::Dong(40'000'000);
  b.frozen = Money::Dong(30'000'000);
  b.frozen_overdue = Money::Dong(10'000'000);  // the installment of 10/02/2024, half paid
  b.frozen_from = D("2024-12-01");
  b.frozen_until = D("2025-12-01");
  ASSERT_TRUE(OpenBalance(l, b).ok());
  Advance(l, D("2025-12-01"), Poor());
  EXPECT_EQ(l.overdue.dong(), 10'000'000);
  EXPECT_EQ(l.normal.dong(), 20'000'000);
  // A freeze renewed from a month end ends on an earlier day: 31/01 + 2 months = 28/03.
  Loan renewed = NewLoan(Money::Dong(40'000'000), 48, 12);
  b.frozen_overdue = Money::Zero();
  b.frozen_from = D("2025-01-31");
  b.frozen_until = D("2025-03-28");
  b.on = D("2025-03-01");
  auto r = OpenBalance(renewed, b);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(renewed.frozen_months, 2);
}

TEST(OpeningBalanceTest, ExtendedLoanKeepsItsExtendedDateAndLimit) {
  // 20,000,000 over 24 months from 15/01/2023; the last installment
  // (15/01/2025) was extended by 6 months to 15/07/2025.
  Loan l = NewLoan(Money::Dong(20'000'000), 24, 12, 7);
  OpeningBalance b;
  b.on = D("2025-03-01");
  b.disbursed_on = D("2023-01-15");
  b.disbursed = Money::Dong(20'000'000);
  b.normal = Money::Dong(10'000'000);
  b.extension_months = 6;
  b.next_due = D("2025-07-15");
  auto opened = OpenBalance(l, b);
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  EXPECT_EQ(NextDueDate(l), D("2025-07-15"));
  EXPECT_EQ(l.extension_months, 6);
  Advance(l, D("2025-07-15"), Poor());
  EXPECT_EQ(PrincipalDue(l).dong(), 10'000'000);
  auto more = Extend(l, D("2025-07-15"), 7);  // 6 + 7 months > half of 24
  ASSERT_FALSE(more.ok());
  EXPECT_EQ(more.error().code, "EXTENSION_LIMIT");
  Loan late = NewLoan(Money::Dong(20'000'000), 24, 12, 7);
  b.next_due = D("2025-08-15");  // beyond the months of extension
  EXPECT_FALSE(OpenBalance(late, b).ok());
}

TEST(OpeningBalanceTest, PastMaturityAllPrincipalHasFallenDue) {
  Loan l = NewLoan(Money::Dong(20'000'000), 24, 12, 7);
  OpeningBalance b;
  b.on = D("2025-03-01");
  b.disbursed_on = D("2023-01-15");
  b.disbursed = Money::Dong(20'000'000);
  b.overdue = Money::Dong(8'000'000);
  auto ok = OpenBalance(l, b);
  ASSERT_TRUE(ok.ok()) << ok.error().ToString();
  EXPECT_EQ(l.overdue.dong(), 8'000'000);
  EXPECT_FALSE(NextDueDate(l).has_value());
  // Normal principal past maturity must be stated as due.
  Loan bad = NewLoan(Money::Dong(20'000'000), 24, 12, 7);
  b.normal = Money::Dong(2'000'000);
  auto r = OpenBalance(bad, b);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "principal_due_dong");
  b.principal_due = Money::Dong(2'000'000);
  ASSERT_TRUE(OpenBalance(bad, b).ok());
  // The due principal turns overdue at the next session (07/03/2025).
  Advance(bad, D("2025-03-07"), Poor());
  EXPECT_EQ(bad.overdue.dong(), 10'000'000);
}

TEST(OpeningBalanceTest, RejectsBalancesThatCannotBe) {
  auto reject = [](OpeningBalance b) {
    Loan l = NewLoan(Money::Dong(30'000'000), 36, 12);
    auto r = OpenBalance(l, b);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(l.status, LoanStatus::kApproved);
    return r.ok() ? std::string() : r.error().field;
  };
  OpeningBalance b;
  b.on = D("2025-01-01");
  b.disbursed_on = D("2024-06-01");
  b.disbursed = Money::Dong(30'000'000);
  b.normal = Money::Dong(31'000'000);
  EXPECT_EQ(reject(b), "normal_dong");  // more than disbursed
  b.normal = Money::Dong(10'000'000);
  b.disbursed = Money::Dong(40'000'000);
  EXPECT_EQ(reject(b), "disbursed_dong");  // more than approved
  b.disbursed = Money::Dong(30'000'000);
  b.overdue = Money::Dong(1'000'000);
  EXPECT_EQ(reject(b), "overdue_dong");  // nothing has fallen due yet
  b.overdue = Money::Zero();
  b.interest_owed = Money::Dong(-1);
  EXPECT_EQ(reject(b), "interest_owed_dong");
  b.interest_owed = Money::Zero();
  b.disbursed_on = D("2025-02-01");
  EXPECT_EQ(reject(b), "disbursed_on");
}

}  // namespace
}  // namespace tdcs::loans
