// The associations' inspections (kiểm tra, form 06/TD; RULES §8.2): every
// group once a year on a plan spread over the months, every new loan within
// 30 days of its disbursement, and every loan with no transaction for 3
// months (frozen loans and students' loans, program 02, left out). Lists
// can be narrowed to one association (11–14, 0 for all).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "app/connection.h"
#include "app/context.h"
#include "base/date.h"
#include "base/result.h"
#include "money/money.h"

namespace tdcs::app {

enum class InspectionRejection {
  kOfficeUnknown,          // no such office
  kUnitUnknown,            // no branch, office, point or group with the code, or not open then
  kUnitAmbiguous,          // the code is of two kinds of unit: say which (office:CODE)
  kBusinessDateMissing,    // the database has no business date yet
  kDateAfterBusinessDate,  // a list or an inspection dated after the business date
  kYearInvalid,            // a plan for a year before the business date's or after the next
  kLoanUnknown,            // no such loan
  kGroupUnknown,           // no such group, or not open on the date
  kSubjectRequired,        // record: not exactly one of a loan and a group
  kResultInvalid,          // record: a result other than ok or issue
  kNoteInvalid,            // over 500 bytes, or control characters
  kBeforeDisbursement,     // a loan inspected before it was disbursed
  kAssociationUnknown,     // not 11–14
  kIdempotencyKeyReused,   // record: the key came with another inspection (409)
};
std::string_view RejectionKey(InspectionRejection code);
std::span<const RejectionEntry<InspectionRejection>> RejectionTable(InspectionRejection);

// New loans of an office to inspect on `on`: first disbursed from on − 30
// days to `on` (their deadline, disbursed + 30 days, not passed), by
// association, group, loan.
struct NewLoanToInspect {
  int association = 0;  // of the borrower's group on `on` (0: in none)
  std::string group_code, loan_code, borrower_code, program;
  Date disbursed_on, deadline;
  int days_left = 0;                 // to the deadline
  std::optional<Date> inspected_on;  // the first inspection since disbursement
};
Result<std::vector<NewLoanToInspect>> NewLoansToInspect(Connection& connection,
                                                        const Context& context,
                                                        const std::string& office_code, Date on,
                                                        int association = 0);

// Loans of an office with no transaction in the 3 months up to `on`
// (from on − 3 months to on), disbursed before that, active on `on`, not
// frozen then and not students' loans; by association, group, loan.
struct DormantLoan {
  int association = 0;
  std::string group_code, loan_code, borrower_code, program;
  Date disbursed_on;
  std::optional<Date> last_transaction;
  Money principal;
  std::optional<Date> inspected_on;  // an inspection in those 3 months
};
Result<std::vector<DormantLoan>> DormantLoans(Connection& connection, const Context& context,
                                              const std::string& office_code, Date on,
                                              int association = 0);

// The yearly plan of an area (RULES §8.2): every group in force in the area
// (on the business date in the year, else on 1 January) not yet in the
// year's plan is given a month, in turn by association then group code,
// continuing round the year from the groups planned before.
struct PlanRequest {
  std::string unit;
  int year = 0;
};
struct PlanEntry {
  int month = 1, association = 0;
  std::string group_code, group_name;
  std::optional<Date> done_on;  // the group's first inspection that year
};
struct PlanResult {
  int64_t added = 0, already = 0;  // groups of the area added now, and planned before
  std::vector<PlanEntry> entries;  // the ones added
};
Result<PlanResult> PlanInspections(Connection& connection, const Context& context,
                                   const PlanRequest& request);
// A year's plan, by association, month, group code.
Result<std::vector<PlanEntry>> InspectionPlan(Connection& connection, const Context& context,
                                              int year, int association = 0);

// An inspection recorded by the context's actor: of a loan or of a group
// (exactly one), on `date` (not after the business date), ok or issue.
struct InspectionRecordRequest {
  std::string loan_code, group_code;
  Date date;
  std::string result;  // ok | issue
  std::string note;
};
Result<int64_t> RecordInspection(Connection& connection, const Context& context,
                                 const InspectionRecordRequest& request);

}  // namespace tdcs::app
