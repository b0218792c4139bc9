// Debt reconciliation (đối chiếu nợ, list 15/TD; RULES §8.1): a campaign
// snapshots, for every household of an area's groups on a date that owes
// or has saved something, its outstanding principal, the interest it owes
// and its savings; each household confirms them or names a discrepancy (the
// group leader witnessing), and a discrepancy is resolved by the office.
// Each write is one transaction: a rejection writes nothing.
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

// The most households one campaign takes (it is opened in one transaction).
inline constexpr size_t kCampaignHouseholdsMax = 300'000;

enum class ReconcileRejection {
  kUnitUnknown,            // no branch, office, point or group with the code, or not open then
  kUnitAmbiguous,          // the code is of two kinds of unit: say which (office:CODE)
  kBusinessDateMissing,    // the database has no business date yet
  kDateAfterBusinessDate,  // a campaign of a date after the business date
  kCampaignCodeFormat,     // a campaign code not 1–40 of A–Z a–z 0–9 - _
  kCampaignCodeDuplicate,  // the campaign code exists already
  kCampaignExists,         // the unit was reconciled on that date already
  kCampaignEmpty,          // no household of the area owes or has saved anything then
  kCampaignTooLarge,       // an area of more than kCampaignHouseholdsMax households
  kCampaignUnknown,        // no such campaign
  kBorrowerUnknown,        // no such borrower
  kBorrowerNotInCampaign,  // the borrower has no line in the campaign
  kGroupNotInCampaign,     // list --group: no line of the campaign is of that group
  kAssociationUnknown,     // not 11–14 (or farmers, women, veterans, youth)
  kAlreadyAnswered,        // the household answered already
  kNoteInvalid,            // a discrepancy's note or a resolution empty, over 500 bytes, control
  kNotADiscrepancy,        // resolving a line confirmed or not answered
  kAlreadyResolved,        // resolving a discrepancy resolved already
  kProgressByInvalid,      // progress by something else than office, point, group, association
};
std::string_view RejectionKey(ReconcileRejection code);
std::span<const RejectionEntry<ReconcileRejection>> RejectionTable(ReconcileRejection);

// An association given as 11–14 or its key (farmers, women, veterans, youth).
Result<int> ParseAssociationCode(const std::string& text, const std::string& field);

// Opens a campaign for `unit` (a branch, office, commune point or group
// code, `kind:CODE` when a code is of two kinds — branch, office, point,
// group —, or `national`) as of `as_of`, on or before the business date.
// `code` empty: DC-<unit>-<YYYYMMDD>.
struct ReconcileOpenRequest {
  std::string unit;
  Date as_of;
  std::string code;
};
struct ReconcileOpened {
  std::string code, unit_kind, unit_code;
  Date as_of;
  int64_t households = 0, groups = 0;
  Money principal, interest, savings;
};
Result<ReconcileOpened> OpenReconciliation(Connection& connection, const Context& context,
                                           const ReconcileOpenRequest& request);

// A line of list 15/TD.
struct ReconcileLine {
  std::string group_code;
  int association = 0;
  std::string point_code, office_code;
  std::string borrower_code, borrower_name;
  Money principal, interest, savings;
  std::string answer;  // empty: not yet; confirmed | discrepancy
  std::string note;
  std::optional<Date> answered_on;
  std::string answered_by;
  std::string resolution;
  std::optional<Date> resolved_on;
  std::string resolved_by;
};
struct ReconcileList {
  std::string code, unit_kind, unit_code;
  Date as_of;
  std::vector<ReconcileLine> lines;  // by group code, borrower code
};
// List 15/TD of a campaign: every line, or a group's (`group_code`), or an
// association's (`association` 11–14, 0 for all).
Result<ReconcileList> ListReconciliation(Connection& connection, const Context& context,
                                         const std::string& code, const std::string& group_code,
                                         int association = 0);

// A household's answer, on the business date by the context's actor:
// confirmed, or a discrepancy with its note.
struct ReconcileAnswerRequest {
  std::string campaign, borrower_code;
  bool confirmed = true;
  std::string note;  // a discrepancy's
};
Status AnswerReconciliation(Connection& connection, const Context& context,
                            const ReconcileAnswerRequest& request);
// A discrepancy resolved, on the business date by the context's actor.
Status ResolveReconciliation(Connection& connection, const Context& context,
                             const std::string& campaign, const std::string& borrower_code,
                             const std::string& resolution);

// How far a campaign has come, per office, point, group or association.
struct ReconcileProgressRow {
  std::string unit;  // the unit's code, or the association's code and name
  int64_t households = 0, answered = 0, confirmed = 0, discrepancies = 0, resolved = 0;
  int percent = 0;
  std::string text;  // "217.978 / 254.076 hộ, 86 %"
};
struct ReconcileProgress {
  std::string code;
  Date as_of;
  std::vector<ReconcileProgressRow> rows;  // by unit
  ReconcileProgressRow total;
};
Result<ReconcileProgress> ReconciliationProgress(Connection& connection, const Context& context,
                                                 const std::string& code,
                                                 const std::string& by = "office");

}  // namespace tdcs::app
