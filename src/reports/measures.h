// What a journal entry of a loan changes in the reports' read model
// (docs/RULES.md §9): pure, no I/O. The store adds these changes to every
// unit the loan is reported under, on the entry's date.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/ledger.h"

namespace tdcs::reports {

// The measures. A balance is the running sum of an account's postings; a
// turnover the running sum of what a kind of transaction moved; a count the
// running sum of ±1.
inline constexpr std::string_view kBalancePrefix = "bal:";   // + account code
inline constexpr std::string_view kDisbursed = "disbursed";  // principal lent
inline constexpr std::string_view kRepaid = "repaid";        // principal collected
inline constexpr std::string_view kInterestCollected = "interest_collected";
inline constexpr std::string_view kTermPrefix = "term:";     // + s | m | l: principal by term
inline constexpr std::string_view kLoansOwing = "loans";     // loans owing principal
inline constexpr std::string_view kCustomers = "customers";  // households owing (per group)

// Short (up to 12 months), medium (up to 60) or long term.
char TermClass(int term_months);

// Where a loan is reported: fixed when it is taken on.
struct LoanPlace {
  int64_t loan_id = 0;
  int64_t group_id = 0, point_id = 0, office_id = 0;
  int association = 0;  // of the group (1 farmers, 2 women, 3 veterans, 4 youth)
  std::string program;
  int fund_source = 0;
  int term_months = 0;
};

// The loan as the journal has it so far.
struct LoanPosition {
  int64_t principal = 0;    // normal + overdue + frozen
  int64_t disbursed = 0;    // principal disbursed or taken over, net of reversals
  int64_t borrower_id = 0;  // who owes it (an heir after an inheritance)
};

struct MeasureDelta {
  std::string measure;
  std::string program;  // "" for a count of households
  int fund_source = 0;
  int64_t delta = 0;
};

// A household's count of loans owing under the loan's group changed.
struct HouseholdChange {
  int64_t borrower_id = 0;
  int change = 0;  // +1 or -1
};

struct EntryEffect {
  std::vector<MeasureDelta> deltas;
  std::vector<HouseholdChange> households;
  // +1 when the loan's first principal reaches the household (disbursed or
  // taken over), −1 when a reversal takes the last of it back: its outcomes
  // (RULES §9.9) count from then, under kOutcomePrefix + kind.
  int reached = 0;
};
inline constexpr std::string_view kOutcomePrefix = "outcome:";

// The accounts whose balances are kept: principal by state, interest
// receivable, principal and interest written off.
bool IsReportedAccount(std::string_view account);

// The effect of `entry` (of a loan placed at `place`; a reversal's `undoes`
// names the kind of transaction it takes back), and `position` moved past it.
EntryEffect LoanEntryEffect(const LoanPlace& place, LoanPosition& position,
                            const ledger::Entry& entry);

}  // namespace tdcs::reports
