#include "programs/program.h"

#include <algorithm>

namespace tdcs::programs {

// The wire string of each rejection code (docs/API.md "Error codes").
#define TDCS_PROGRAM_ROW_REJECTIONS(X) \
  X(kCsvFieldCount, "CSV_FIELD_COUNT") \
  X(kProgramFieldInvalid, "PROGRAM_FIELD_INVALID")
TDCS_DEFINE_REJECTIONS(ProgramRowRejection, TDCS_PROGRAM_ROW_REJECTIONS)
#undef TDCS_PROGRAM_ROW_REJECTIONS

namespace {

std::vector<std::string> Split(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(';', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

Error FieldError(const std::string& field, const std::string& value) {
  return MakeError(ProgramRowRejection::kProgramFieldInvalid, field,
                   "Giá trị không hợp lệ '" + value + "'", "Invalid value '" + value + "'");
}

std::optional<int> ParseInt(const std::string& s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace

Rate ProgramVersion::OverdueRate() const {
  return Rate::PerMonthMillionths(DivideRoundHalfUp(
      static_cast<__int128>(rate.per_month_millionths()) * overdue_rate_percent, 100));
}

Result<ProgramVersion> ParseProgramRow(const std::vector<std::string>& f) {
  if (static_cast<int>(f.size()) != kProgramColumns)
    return MakeError(ProgramRowRejection::kCsvFieldCount, "", "Số cột không đúng",
                     "Wrong number of columns");
  ProgramVersion v;
  if (f[0].size() != 2 || !ParseInt(f[0])) return FieldError("code", f[0]);
  v.code = f[0];
  auto from = Date::Parse(f[1]);
  if (!from) return FieldError("valid_from", f[1]);
  v.valid_from = *from;
  if (f[2].empty()) return FieldError("name_vi", f[2]);
  v.name_vi = f[2];
  v.name_en = f[3];
  auto rate = Rate::ParsePercent(f[4]);
  if (!rate) return FieldError("rate_percent_month", f[4]);
  v.rate = *rate;
  auto overdue = ParseInt(f[5]);
  if (!overdue || *overdue < 100) return FieldError("overdue_rate_percent", f[5]);
  v.overdue_rate_percent = *overdue;
  auto max = Money::Parse(f[6]);
  if (!max || max->dong() <= 0) return FieldError("max_amount_dong", f[6]);
  v.max_amount = *max;
  static const char* kBases[] = {"household", "per_worker", "per_work", "per_month_of_study",
                                 "project"};
  if (std::find(std::begin(kBases), std::end(kBases), f[7]) == std::end(kBases))
    return FieldError("max_amount_basis", f[7]);
  v.max_amount_basis = f[7];
  auto term = ParseInt(f[8]);
  if (!term || *term <= 0) return FieldError("max_term_months", f[8]);
  v.max_term_months = *term;
  if (f[9] != "entrusted" && f[9] != "direct") return FieldError("channel", f[9]);
  v.channel = f[9];
  v.eligible_categories = Split(f[10]);
  for (const auto& s : Split(f[11])) {
    if (s != "1" && s != "2") return FieldError("fund_sources", f[11]);
    v.fund_sources.push_back(s[0] - '0');
  }
  if (v.fund_sources.empty()) return FieldError("fund_sources", f[11]);
  auto installment = ParseInt(f[12]);
  if (!installment || *installment <= 0) return FieldError("installment_months", f[12]);
  v.installment_months = *installment;
  if (f[13] != "once" && f[13] != "semester" && f[13] != "year")
    return FieldError("tranches", f[13]);
  v.tranches = f[13];
  v.note = f[14];
  return v;
}

const ProgramVersion* VersionOn(const std::vector<ProgramVersion>& versions, Date on) {
  const ProgramVersion* best = nullptr;
  for (const auto& v : versions)
    if (v.valid_from <= on && (best == nullptr || best->valid_from < v.valid_from)) best = &v;
  return best;
}

}  // namespace tdcs::programs
