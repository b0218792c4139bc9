// The store of the session's cash, the group ratings and the commission and
// entrustment fees (migration 0017; docs/RULES.md §6.3, §6.4, §7).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/date.h"
#include "money/money.h"
#include "store/db.h"

namespace tdcs::store {

// A commune session as recorded.
struct SessionRecord {
  std::string status;  // open | closed
  Date opened_on;
  std::string opened_by;
  std::optional<int64_t> expected_dong, counted_dong;
  std::string difference_reason;
  std::optional<Date> closed_on;
  std::string closed_by;
};
std::optional<SessionRecord> ReadSession(Database& db, int64_t point_id, Date date);
void CloseSession(Database& db, int64_t point_id, Date date, int64_t expected, int64_t counted,
                  const std::string& reason, Date on, const std::string& by);

// The cash that came in (positive) and went out at a point on a date by the
// books: the CASH_POINT postings of the loans served at the point and of the
// savings of its groups' members that day, and the commission and fees paid
// out at its session.
struct SessionCash {
  Money customers_in, customers_out;  // payments and deposits; disbursements and withdrawals
  Money fees_paid;                    // commission and commune fee shares paid out
  Money Net() const { return customers_in - customers_out - fees_paid; }
};
SessionCash SessionCashOf(Database& db, int64_t point_id, Date date);

// What a group did in a month, for its rating and its fees.
struct GroupMonth {
  int64_t group_id = 0;
  std::string group_code;
  int64_t point_id = 0, office_id = 0;
  int session_day = 1;
  int association_code = 0;
  std::string commune_era, commune_code, district_code, province_code;
  int64_t members = 0, savers = 0;    // at the month's end; savers: a balance above 0
  Money savings_end, savings_before;  // at the month's end and the month before's
  Money outstanding, overdue;         // principal at the month's end
  Money interest_collected;           // in the month (payments less their reversals)
  // Payments and deposits by day, of the month and the month's edges
  // (a session moved across one).
  std::map<Date, int64_t> transactions;
  // From the batches of the month's session (as moved).
  bool posted_at_session = false;
  Money interest_due, interest_paid, principal_due, principal_paid;
};
std::vector<GroupMonth> ReadGroupMonths(Database& db, Date first, Date last);
// How far around a month its session may have moved: the transactions read.
inline constexpr int kSessionMoveReachDays = 31;

// A group's rating of a month as stored.
struct GroupRatingRow {
  int64_t group_id = 0, point_id = 0;
  int64_t office_id = 0;  // read back: the point's office on the day rated
  int association_code = 0;
  std::string commune_era, commune_code;
  int64_t figure_bp[6] = {0, 0, 0, 0, 0, 0};
  int points[6] = {0, 0, 0, 0, 0, 0};
  int total = 0;
  std::string class_key;
};
// Replaces a month's ratings, and their counts by class in the reports'
// read model (WriteRatingCounts).
void ReplaceGroupRatings(Database& db, const std::string& month, Date rated_on,
                         const std::vector<GroupRatingRow>& rows);

std::vector<GroupRatingRow> ReadGroupRatings(Database& db, const std::string& month);
std::map<int64_t, std::string> GroupCodes(Database& db, const std::vector<int64_t>& ids);

// A month's commission and fee lines.
struct FeeLineRow {
  std::string month, kind;  // commission | fee
  int64_t group_id = 0;
  std::string level;  // '' for commission; central | province | district | commune
  int association_code = 0;
  std::string area_era, area_code;
  int64_t office_id = 0, point_id = 0;
  int64_t interest_collected_dong = 0, rate_bp = 0, overdue_ratio_bp = 0, collection_ratio_bp = 0;
  std::string quality;
  int64_t percent = 0, amount_dong = 0;
  std::optional<Date> paid_on;
  int64_t paid_point_id = 0;
};
bool FeeRunExists(Database& db, const std::string& month);
void RecordFeeRun(Database& db, const std::string& month, Date on, const std::string& by,
                  int64_t commission, int64_t fee, const std::vector<FeeLineRow>& lines);
std::vector<FeeLineRow> ReadFeeLines(Database& db, const std::string& month);
// The commission and commune fee shares of a point not paid yet, and
// marking those lines (by their keys) paid at its session on `date`.
std::vector<FeeLineRow> UnpaidAtPoint(Database& db, int64_t point_id);
void MarkPaidAtSession(Database& db, const std::vector<FeeLineRow>& lines, Date date);

}  // namespace tdcs::store
