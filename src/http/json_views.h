// JSON views of use-case results, shared by the API and the command line's
// --format json, so both speak the same field names (amounts in whole đồng
// as integers, fields ending in _dong; dates ISO).
#pragma once

#include <string>

#include "app/loans.h"
#include "app/reports.h"

namespace tdcs::http {

// {"code","status","borrower_code","on","program","fund_source","approved_dong",
//  "disbursed_dong","principal_dong","overdue_dong","frozen_dong","principal_due_dong",
//  "interest_due_dong","interest_unpaid_dong","term_months","every_months","grace_months",
//  "session_day","disbursed_on","maturity","next_due","schedule":[…],"transactions":[…]}
std::string LoanDetailsJson(const app::LoanDetails& details);

// The headline report (docs/API.md "Reports"): {"report":"headline","unit",
//  "unit_kind","unit_name","at","from","structure_on","outstanding_dong",
//  "overdue_dong","frozen_dong","customers","groups","by_association":
//  {"farmers","women","veterans","youth"},"by_program":{code: đồng}, …}
std::string HeadlineJson(const app::HeadlineReport& report);

// BCDHTD 01.1 / 01.2: {"report":"by-commune"|"by-program","unit","unit_kind",
//  "unit_name","at","from","structure_on","filters","rows":[{"code","name",
//  "outstanding_before_dong","lent_dong","collected_dong","interest_collected_dong",
//  "outstanding_dong","overdue_dong","frozen_dong","overdue_ratio_bp","loans",
//  "customers"}],"total":{…}}
std::string BreakdownJson(const app::BreakdownReport& report);
// BC0437 (`tdcs report ratings --format json`): the month, the groups by
// class, by commune, and a row per group with its criteria (figure in basis
// points and points, by the criterion's key), total and class.
std::string RatingsJson(const app::RatingsReport& report);

}  // namespace tdcs::http
