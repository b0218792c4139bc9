#include "entrusted/rating.h"

#include <charconv>
#include <cstdio>

#include "money/money.h"

namespace tdcs::entrusted {

#define TDCS_ENTRUSTED_SETTING_REJECTIONS(X) X(kSettingInvalid, "SETTING_INVALID")
TDCS_DEFINE_REJECTIONS(EntrustedSettingRejection, TDCS_ENTRUSTED_SETTING_REJECTIONS)
#undef TDCS_ENTRUSTED_SETTING_REJECTIONS

int MaxPoints(Criterion c) {
  switch (c) {
    case Criterion::kSessionShare:
      return 20;
    case Criterion::kOverdueRatio:
      return 30;
    case Criterion::kPrincipalRepaid:
      return 15;
    case Criterion::kInterestCollected:
      return 20;
    case Criterion::kSaversShare:
      return 5;
    case Criterion::kSavingsGrowth:
      return 10;
  }
  return 0;
}

std::string_view Key(Criterion c) {
  switch (c) {
    case Criterion::kSessionShare:
      return "session_share";
    case Criterion::kOverdueRatio:
      return "overdue_ratio";
    case Criterion::kPrincipalRepaid:
      return "principal_repaid";
    case Criterion::kInterestCollected:
      return "interest_collected";
    case Criterion::kSaversShare:
      return "savers_share";
    case Criterion::kSavingsGrowth:
      return "savings_growth";
  }
  return "";
}

std::string_view NameVi(Criterion c) {
  switch (c) {
    case Criterion::kSessionShare:
      return "Giao dịch tại điểm giao dịch xã";
    case Criterion::kOverdueRatio:
      return "Tỷ lệ nợ quá hạn";
    case Criterion::kPrincipalRepaid:
      return "Thu nợ gốc đến hạn";
    case Criterion::kInterestCollected:
      return "Tỷ lệ thu lãi";
    case Criterion::kSaversShare:
      return "Tỷ lệ tổ viên có tiền gửi";
    case Criterion::kSavingsGrowth:
      return "Tăng trưởng tiền gửi";
  }
  return "";
}

bool LowerIsBetter(Criterion c) { return c == Criterion::kOverdueRatio; }

namespace {

Error Invalid(std::string_view name, std::string_view text, const std::string& vi,
              const std::string& en) {
  return MakeError(
      EntrustedSettingRejection::kSettingInvalid, std::string(name),
      "Thiết lập " + std::string(name) + " = '" + std::string(text) + "' không hợp lệ: " + vi,
      "Setting " + std::string(name) + " = '" + std::string(text) + "' is invalid: " + en);
}

// A percent with up to 2 decimals, maybe negative, in basis points.
std::optional<int64_t> ParseBp(std::string_view t) {
  bool negative = !t.empty() && t.front() == '-';
  if (negative) t.remove_prefix(1);
  auto rate = Rate::ParsePercent(t);  // millionths of the whole: 1 % = 10,000
  if (!rate || rate->per_month_millionths() % 100 != 0) return std::nullopt;
  const int64_t bp = rate->per_month_millionths() / 100;
  return negative ? -bp : bp;
}

std::vector<std::pair<std::string_view, std::string_view>> Pairs(std::string_view text) {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    const size_t colon = item.find(':');
    if (colon == std::string_view::npos) return {};
    out.emplace_back(item.substr(0, colon), item.substr(colon + 1));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
    if (text.empty()) return {};  // a comma with no step after it
  }
  return out;
}

std::optional<int> ParseInt(std::string_view t) {
  int v = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || end != t.data() + t.size()) return std::nullopt;
  return v;
}

}  // namespace

Result<Mapping> ParseMapping(Criterion c, std::string_view text) {
  const std::string name = "rating." + std::string(Key(c));
  Mapping m{c, {}};
  for (auto [threshold, points] : Pairs(text)) {
    auto bp = ParseBp(threshold);
    auto p = ParseInt(points);
    if (!bp || !p)
      return Invalid(name, text, "mỗi bậc là ngưỡng:điểm, ví dụ 95:20",
                     "each step is threshold:points, e.g. 95:20");
    if (*p < 0 || *p > MaxPoints(c))
      return Invalid(name, text, "điểm từ 0 đến " + std::to_string(MaxPoints(c)),
                     "points from 0 to " + std::to_string(MaxPoints(c)));
    if (!m.steps.empty()) {
      const Step& last = m.steps.back();
      const bool ordered = LowerIsBetter(c) ? *bp > last.threshold_bp : *bp < last.threshold_bp;
      if (!ordered || *p > last.points)
        return Invalid(name, text, "các bậc xếp từ tốt nhất, điểm không tăng",
                       "steps go from the best, points never rising");
    }
    m.steps.push_back({*bp, *p});
  }
  if (m.steps.empty())
    return Invalid(name, text, "cần ít nhất một bậc", "at least one step is needed");
  const int64_t floor = LowerIsBetter(c) ? 10'000 : c == Criterion::kSavingsGrowth ? -10'000 : 0;
  const bool catches = LowerIsBetter(c) ? m.steps.back().threshold_bp >= floor
                                        : m.steps.back().threshold_bp <= floor;
  if (!catches)
    return Invalid(
        name, text, "bậc cuối phải bắt mọi số liệu (ngưỡng " + PercentVi(floor) + ")",
        "the last step must catch every figure (threshold " + std::to_string(floor / 100) + " %)");
  return m;
}

int PointsFor(const Mapping& mapping, int64_t figure_bp) {
  for (const Step& s : mapping.steps) {
    if (LowerIsBetter(mapping.criterion) ? figure_bp <= s.threshold_bp
                                         : figure_bp >= s.threshold_bp)
      return s.points;
  }
  return 0;
}

std::string_view ClassKey(RatingClass c) {
  switch (c) {
    case RatingClass::kGood:
      return "tot";
    case RatingClass::kFair:
      return "kha";
    case RatingClass::kAverage:
      return "trung_binh";
    case RatingClass::kWeak:
      return "yeu";
  }
  return "";
}
std::string_view ClassVi(RatingClass c) {
  switch (c) {
    case RatingClass::kGood:
      return "Tốt";
    case RatingClass::kFair:
      return "Khá";
    case RatingClass::kAverage:
      return "Trung bình";
    case RatingClass::kWeak:
      return "Yếu";
  }
  return "";
}
std::string_view ClassEn(RatingClass c) {
  switch (c) {
    case RatingClass::kGood:
      return "good";
    case RatingClass::kFair:
      return "fair";
    case RatingClass::kAverage:
      return "average";
    case RatingClass::kWeak:
      return "weak";
  }
  return "";
}

Result<ClassSteps> ParseClassSteps(std::string_view text) {
  ClassSteps steps;
  const auto pairs = Pairs(text);
  const char* keys[] = {"tot", "kha", "trung_binh", "yeu"};
  int values[4] = {0, 0, 0, 0};
  bool ok = pairs.size() == 4;
  for (size_t i = 0; ok && i < 4; ++i) {
    auto v = ParseInt(pairs[i].first);
    ok = v && pairs[i].second == keys[i] && *v >= 0 && *v <= 100 && (i == 0 || *v < values[i - 1]);
    if (ok) values[i] = *v;
  }
  if (!ok || values[3] != 0)
    return Invalid("rating.classes", text,
                   "bốn bậc điểm:hạng giảm dần, ví dụ 85:tot,70:kha,50:trung_binh,0:yeu",
                   "four falling steps points:class, e.g. 85:tot,70:kha,50:trung_binh,0:yeu");
  steps.good = values[0];
  steps.fair = values[1];
  steps.average = values[2];
  return steps;
}

RatingClass ClassOf(const ClassSteps& steps, int total) {
  if (total >= steps.good) return RatingClass::kGood;
  if (total >= steps.fair) return RatingClass::kFair;
  if (total >= steps.average) return RatingClass::kAverage;
  return RatingClass::kWeak;
}

int64_t ShareBp(int64_t num, int64_t den, int64_t if_none) {
  if (den <= 0) return if_none;
  return DivideRoundHalfUp(static_cast<__int128>(num) * 10'000, den);
}

int64_t GrowthBp(int64_t before, int64_t after) {
  if (before <= 0) return after > 0 ? 10'000 : 0;
  return DivideRoundHalfUp(static_cast<__int128>(after - before) * 10'000, before);
}

std::string PercentVi(int64_t bp) {
  const bool negative = bp < 0;
  const int64_t a = negative ? -bp : bp;
  std::string out = (negative ? "-" : "") + std::to_string(a / 100);
  if (a % 100 != 0) {
    char frac[4];
    std::snprintf(frac, sizeof frac, "%02d", static_cast<int>(a % 100));
    std::string f = frac;
    if (f.back() == '0') f.pop_back();
    out += "," + f;
  }
  return out + " %";
}

}  // namespace tdcs::entrusted
