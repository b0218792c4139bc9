// The associations' entrusted work in the database (migration 0018): debt
// reconciliation campaigns and their lines (list 15/TD), the yearly
// inspection plan and the inspections recorded (06/TD); and the reads of
// the network and the loans they are drawn from.
//
// Writes do not check business rules (app/reconcile.cc and app/inspect.cc
// do); they run inside the caller's Transaction. Faults are StorageFault.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/date.h"
#include "money/money.h"
#include "store/db.h"

namespace tdcs::store {

// An area of the network: the whole bank, a branch, an office, a commune
// point or a group (`unit_id` unused for the whole bank).
enum class AreaKind { kNational, kBranch, kOffice, kPoint, kGroup };
struct Area {
  AreaKind kind = AreaKind::kNational;
  int64_t unit_id = 0;
};

// A member of one of the area's groups on a date (the group, its point and
// office in force then), by group code then borrower code.
struct AreaMember {
  int64_t borrower_id = 0;
  std::string borrower_code, borrower_name;
  int64_t group_id = 0;
  std::string group_code;
  int association = 0;
  int64_t point_id = 0, office_id = 0;
};
std::vector<AreaMember> MembersInArea(Database& db, const Area& area, Date on);

// A group in force in the area on a date, by association then code.
struct AreaGroup {
  int64_t group_id = 0;
  std::string group_code, group_name;
  int association = 0;
  std::string point_code, office_code;
};
std::vector<AreaGroup> GroupsInArea(Database& db, const Area& area, Date on);

// The group a borrower is a member of on a date: id, code, association.
struct GroupOfBorrower {
  int64_t group_id = 0;
  std::string group_code;
  int association = 0;
};
std::optional<GroupOfBorrower> GroupOfBorrowerOn(Database& db, int64_t borrower_id, Date on);

// The loans disbursed by `disbursed_by` that a borrower holds or was approved
// for (an heir's and the deceased's), by code.
std::vector<std::string> LoanCodesOfBorrower(Database& db, int64_t borrower_id, Date disbursed_by);

// Reconciliation campaigns.
struct CampaignRow {
  int64_t id = 0;
  std::string code, unit_kind, unit_code;
  Date as_of, opened_on;
  std::string opened_by, status = "open";
};
std::optional<CampaignRow> FindCampaign(Database& db, const std::string& code);
std::optional<CampaignRow> FindCampaignOf(Database& db, const std::string& unit_kind,
                                          const std::string& unit_code, Date as_of);
// Inserts the campaign, its id reserved here.
void AddCampaign(Database& db, CampaignRow& row);

struct ReconcileLineRow {
  int64_t campaign_id = 0, borrower_id = 0;
  int64_t group_id = 0;
  int association = 0;
  int64_t point_id = 0, office_id = 0;
  Money principal, interest, savings;
  std::string answer;  // empty (not yet), confirmed, discrepancy
  std::string note;
  std::optional<Date> answered_on;
  std::string answered_by;
  std::string resolution;
  std::optional<Date> resolved_on;
  std::string resolved_by;
  // Read with the lines (not written): the codes and the name.
  std::string borrower_code, borrower_name, group_code, point_code, office_code;
};
void AddReconcileLines(Database& db, const std::vector<ReconcileLineRow>& lines);
// A campaign's lines, by group code then borrower code.
std::vector<ReconcileLineRow> ReconcileLines(Database& db, int64_t campaign_id);
std::optional<ReconcileLineRow> ReconcileLine(Database& db, int64_t campaign_id,
                                              int64_t borrower_id);
// A borrower's lines in every campaign, with the campaign's code and date,
// the latest first.
struct BorrowerReconcileRow {
  std::string campaign_code;
  Date as_of, opened_on;
  ReconcileLineRow line;
};
std::vector<BorrowerReconcileRow> ReconcileLinesOfBorrower(Database& db, int64_t borrower_id);
void SaveReconcileAnswer(Database& db, int64_t campaign_id, int64_t borrower_id,
                         const std::string& answer, const std::string& note, Date on,
                         const std::string& by);
void SaveReconcileResolution(Database& db, int64_t campaign_id, int64_t borrower_id,
                             const std::string& resolution, Date on, const std::string& by);

// Loans of an office for inspection, with their borrower.
struct InspectionLoanRow {
  int64_t loan_id = 0;
  std::string loan_code, program, status;
  int64_t borrower_id = 0;
  std::string borrower_code;
  Date disbursed_on;
};
// Loans first disbursed from `from` to `to` (both included), by code.
std::vector<InspectionLoanRow> LoansDisbursedBetween(Database& db, int64_t office_id, Date from,
                                                     Date to);
// Loans disbursed before `cutoff`, not of `program_left_out`, with no
// transaction dated from `cutoff` to `on` (both included), by code.
std::vector<InspectionLoanRow> LoansWithoutTransactions(Database& db, int64_t office_id,
                                                        Date cutoff, Date on,
                                                        const std::string& program_left_out);
// The date of a loan's latest transaction dated on or before `on`, if any.
std::optional<Date> LastLoanTxnOn(Database& db, int64_t loan_id, Date on);
// The first inspection of a loan dated from `from` to `to`, if any.
std::optional<Date> LoanInspectedBetween(Database& db, int64_t loan_id, Date from, Date to);

// The yearly inspection plan.
struct PlanEntryRow {
  int year = 0;
  int64_t group_id = 0;
  int month = 1;
  int association = 0;
  Date planned_on;
  std::string planned_by;
  // Read with the plan: the group's codes, and its first inspection that year.
  std::string group_code, group_name;
  std::optional<Date> done_on;
};
// How many groups the year's plan holds, and whether a group is in it.
int64_t PlanSize(Database& db, int year);
bool InPlan(Database& db, int year, int64_t group_id);
void AddPlanEntries(Database& db, const std::vector<PlanEntryRow>& entries);
// The year's plan, by month, association, group code.
std::vector<PlanEntryRow> PlanOf(Database& db, int year);

struct InspectionRow {
  int64_t id = 0;
  std::string subject;  // loan | group
  int64_t loan_id = 0, group_id = 0;
  Date inspected_on;
  std::string result;  // ok | issue
  std::string note, inspector;
  Date recorded_on;
};
// Inserts the inspection, its id reserved here.
void AddInspection(Database& db, InspectionRow& row);
// The date the loan was first disbursed, if it was.
std::optional<Date> LoanDisbursedOn(Database& db, int64_t loan_id);

}  // namespace tdcs::store
