// Oversight of the entrusted lending, as pure rules (RULES §8): how far a
// debt reconciliation has come, which loans are due an inspection, and how a
// yearly inspection plan spreads an area's groups over the months.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/date.h"

namespace tdcs::network {

// A new loan is inspected within this many days of its disbursement (06/TD).
inline constexpr int kNewLoanInspectionDays = 30;
// A loan with no transaction for this many months is inspected.
inline constexpr int kDormantMonths = 3;
// Students' loans are not inspected for want of transactions.
inline constexpr const char* kStudentProgram = "02";

// The last day a loan disbursed on `disbursed` is to be inspected by.
inline Date NewLoanDeadline(Date disbursed) { return disbursed.AddDays(kNewLoanInspectionDays); }
// The first disbursement date on the new-loan list of `on`: the loans whose
// deadline is `on` or later (disbursed from on − 30 days to on).
inline Date NewLoanWindowStart(Date on) { return on.AddDays(-kNewLoanInspectionDays); }
// A loan is dormant on `on` when it has no transaction dated from this day
// to `on` (three months before, the day of the month kept) and was
// disbursed before it.
inline Date DormantCutoff(Date on) { return on.AddMonths(-kDormantMonths); }

// A count in Vietnamese digit groups: 217978 → "217.978".
std::string GroupDigits(int64_t value);
// `part` of `whole` in whole percent, rounded half up, but never 100 while
// something is left nor 0 once something is done: 217,978 of 254,076 → 86.
// 0 when `whole` is 0.
int PercentRounded(int64_t part, int64_t whole);
// "217.978 / 254.076 hộ, 86 %".
std::string HouseholdProgress(int64_t answered, int64_t total);

// The months (1–12) of `count` groups added to a yearly plan that holds
// `already` groups: the next in turn, round the year, so that every month
// gets as many groups as another, give or take one — over the whole plan
// and over each run of groups added together.
std::vector<int> SpreadOverMonths(size_t count, size_t already);

// A note (a discrepancy's, a resolution, an inspection's) fits: at most
// kNoteMaxBytes, no control character but a tab.
inline constexpr size_t kNoteMaxBytes = 500;
bool NoteFits(const std::string& note);

}  // namespace tdcs::network
