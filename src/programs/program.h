// Credit programs (RULES §3) and their effective-dated parameters. Every
// parameter is a setting with a valid_from date: a version holds from its date
// until the next version of the same program. Rate changes apply to existing
// loans from their date (the loans module reads the version in force each day).
//
// Catalog file (data/programs.csv), one row per version:
//   code              2 digits
//   valid_from        YYYY-MM-DD
//   name_vi, name_en
//   rate_percent_month    e.g. 0.55 (stored as millionths: 5500)
//   overdue_rate_percent  overdue rate as a percent of the loan rate (130)
//   max_amount_dong       the limit, per max_amount_basis:
//                         household | per_worker | per_work | per_month_of_study | project
//   max_term_months
//   channel               entrusted | direct
//   eligible_categories   ';'-separated household categories
//   fund_sources          ';'-separated: 1 central, 2 local budget
//   installment_months    the default principal installment interval
//   tranches              once | semester | year
//   note
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/csv.h"
#include "base/date.h"
#include "base/result.h"
#include "money/money.h"

namespace tdcs::programs {

struct ProgramVersion {
  std::string code;
  Date valid_from;
  std::string name_vi;
  std::string name_en;
  Rate rate;
  int overdue_rate_percent = 130;
  Money max_amount;
  std::string max_amount_basis;
  int max_term_months = 0;
  std::string channel;
  std::vector<std::string> eligible_categories;
  std::vector<int> fund_sources;
  int installment_months = 12;
  std::string tranches;
  std::string note;

  // The overdue rate, rounded half up to a whole millionth.
  Rate OverdueRate() const;
};

// ParseProgramRow's rejections.
enum class ProgramRowRejection {
  kCsvFieldCount,        // not kProgramColumns fields
  kProgramFieldInvalid,  // a field does not parse (the error names it)
};
std::string_view RejectionKey(ProgramRowRejection code);
std::span<const RejectionEntry<ProgramRowRejection>> RejectionTable(ProgramRowRejection);

// Parses one catalog row (fields in the order above); errors name the field.
Result<ProgramVersion> ParseProgramRow(const std::vector<std::string>& fields);
inline constexpr int kProgramColumns = 15;

// The version in force on `on` among `versions` of one program, if any.
const ProgramVersion* VersionOn(const std::vector<ProgramVersion>& versions, Date on);

}  // namespace tdcs::programs
