#include "ledger/ledger.h"

#include <gtest/gtest.h>

namespace tdcs::ledger {
namespace {

TEST(LedgerTest, BuildEntryMergesAndDropsZeros) {
  Posting dims;
  dims.program = "01";
  dims.fund_source = 1;
  dims.loan_id = 7;
  std::vector<Posting> postings;
  AddTransfer(postings, dims, account::kCashPoint, account::kInterestReceivable, Money::Dong(100));
  AddTransfer(postings, dims, account::kCashPoint, account::kLoanNormal, Money::Dong(900));
  AddTransfer(postings, dims, account::kCashPoint, account::kLoanOverdue, Money::Zero());
  const Entry e = BuildEntry(*Date::Parse("2024-04-07"), "pay", postings);
  ASSERT_EQ(e.postings.size(), 3u);
  Money cash;
  for (const auto& p : e.postings)
    if (p.account == account::kCashPoint) cash += p.amount;
  EXPECT_EQ(cash.dong(), 1000);
}

TEST(LedgerTest, UnbalancedEntryIsABug) {
  std::vector<Posting> postings(2);
  postings[0].account = account::kCashPoint;
  postings[0].amount = Money::Dong(10);
  postings[1].account = account::kLoanNormal;
  postings[1].amount = Money::Dong(-9);
  EXPECT_DEATH(BuildEntry(*Date::Parse("2024-04-07"), "pay", postings), "does not balance");
  postings[1].account = "NO_SUCH_ACCOUNT";
  postings[1].amount = Money::Dong(-10);
  EXPECT_DEATH(BuildEntry(*Date::Parse("2024-04-07"), "pay", postings), "not in the chart");
}

TEST(LedgerTest, EveryAccountTheDomainPostsToIsInTheChart) {
  for (const char* code :
       {account::kLoanNormal, account::kLoanOverdue, account::kLoanFrozen,
        account::kInterestReceivable, account::kInterestIncome, account::kCashPoint,
        account::kMemberSavings, account::kSavingsInterestExpense, account::kWriteOffPrincipal,
        account::kWriteOffInterest, account::kOpeningBalance, account::kMemoRescheduled,
        account::kMemoExtended, account::kMemoInherited, account::kMemoContra})
    EXPECT_TRUE(IsKnownAccount(code)) << code;
  EXPECT_FALSE(IsKnownAccount("NO_SUCH_ACCOUNT"));
}

}  // namespace
}  // namespace tdcs::ledger
