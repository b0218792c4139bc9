#include "app/calibrate.h"

#include <algorithm>
#include <numeric>
#include <set>

#include "base/csv.h"
#include "money/money.h"
#include "network/network.h"

namespace tdcs::app {

namespace {

Error Invalid(const std::string& name, int line, const std::string& vi, const std::string& en) {
  return MakeError(GenerateRejection::kCalibrationInvalid, "calibrate",
                   name + ", dòng " + std::to_string(line) + ": " + vi,
                   name + ", line " + std::to_string(line) + ": " + en);
}

Error Infeasible(const std::string& vi, const std::string& en) {
  return MakeError(GenerateRejection::kCalibrationInfeasible, "calibrate", vi, en);
}

std::string Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return std::string(text);
}

bool EndsWith(const std::string& text, std::string_view tail) {
  return text.size() >= tail.size() &&
         text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
}

// Whole đồng ("438213000000", "438.213.000.000"), or millions / billions
// with a decimal comma ("438.213 triệu", "5,171 tỷ", "5.171 tỷ đồng").
std::optional<int64_t> ParseDong(std::string text) {
  if (EndsWith(text, " đồng"))
    text = Trim(text.substr(0, text.size() - std::string(" đồng").size()));
  if (EndsWith(text, "đ")) text = Trim(text.substr(0, text.size() - std::string("đ").size()));
  int64_t unit = 1;
  for (const auto& [word, value] : {std::pair<std::string_view, int64_t>{"triệu", 1'000'000},
                                    std::pair<std::string_view, int64_t>{"tỷ", 1'000'000'000}})
    if (EndsWith(text, word)) {
      text = Trim(text.substr(0, text.size() - word.size()));
      unit = value;
    }
  std::string whole = text, fraction;
  if (const auto comma = text.find(','); comma != std::string::npos) {
    if (unit == 1) return std::nullopt;
    whole = text.substr(0, comma);
    fraction = text.substr(comma + 1);
    if (fraction.empty() || fraction.size() > 9 ||
        !std::all_of(fraction.begin(), fraction.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return std::nullopt;
  }
  auto w = Money::Parse(whole);
  if (!w || w->IsNegative()) return std::nullopt;
  int64_t scale = 1, f = 0;
  for (char c : fraction) {
    scale *= 10;
    f = f * 10 + (c - '0');
  }
  if (unit % scale != 0 && f * unit % scale != 0) return std::nullopt;  // not whole đồng
  const __int128 dong =
      static_cast<__int128>(w->dong()) * unit + static_cast<__int128>(f) * unit / scale;
  if (dong > INT64_MAX / 4) return std::nullopt;
  return static_cast<int64_t>(dong);
}

std::optional<int64_t> ParseCount(const std::string& text) {
  auto v = Money::ParseAmount(text);  // digits, or groups of three behind dots: "8.425"
  if (!v) return std::nullopt;
  return v->dong();
}

// A percent ("0,1 %", "0.1%", "0,1"): parts per million.
std::optional<int64_t> ParseRatio(std::string text) {
  if (EndsWith(text, "%")) text = Trim(text.substr(0, text.size() - 1));
  auto rate = Rate::ParsePercent(text);
  if (!rate) return std::nullopt;
  return rate->per_month_millionths();
}

int64_t RoundToStep(int64_t dong) {
  return (dong + kCalibrationStep / 2) / kCalibrationStep * kCalibrationStep;
}

int64_t OfPpm(int64_t whole, int64_t ppm) {
  return static_cast<int64_t>(static_cast<__int128>(whole) * ppm / 1'000'000);
}

// Picks `count` loans for a state: those drawn in it first, then others at random.
std::vector<size_t> Pick(const std::vector<size_t>& drawn, std::vector<size_t> others, size_t count,
                         Random& random) {
  std::vector<size_t> out;
  for (size_t i : drawn)
    if (out.size() < count) out.push_back(i);
  for (size_t k = others.size(); k > 1; --k) std::swap(others[k - 1], others[random.Below(k)]);
  for (size_t i : others)
    if (out.size() < count) out.push_back(i);
  return out;
}

}  // namespace

Result<CalibrationTargets> ReadCalibration(std::istream& in, const std::string& name) {
  csv::Reader reader(in);
  csv::Row row;
  if (!reader.Next(row))
    return Invalid(
        name, 1, reader.error().empty() ? "tệp trống" : "tệp CSV sai dạng: " + reader.error(),
        reader.error().empty() ? "the file is empty" : "malformed CSV: " + reader.error());
  const std::vector<std::string> header = {"unit", "at", "indicator", "value"};
  std::vector<std::string> got;
  for (const auto& f : row.fields) got.push_back(Trim(f));
  if (got != header)
    return Invalid(name, row.line, "tiêu đề phải là unit,at,indicator,value",
                   "the header must be unit,at,indicator,value");
  CalibrationTargets targets;
  std::set<std::string> seen;
  bool any = false;
  while (reader.Next(row)) {
    if (row.fields.size() == 1 && Trim(row.fields[0]).empty()) continue;
    if (row.fields.size() != 4)
      return Invalid(name, row.line, "cần 4 cột, có " + std::to_string(row.fields.size()),
                     "4 fields are needed, found " + std::to_string(row.fields.size()));
    const std::string unit = Trim(row.fields[0]), at_text = Trim(row.fields[1]),
                      indicator = Trim(row.fields[2]), value = Trim(row.fields[3]);
    auto at = Date::Parse(at_text);
    if (!at)
      return Invalid(name, row.line, "ngày '" + at_text + "' không hợp lệ (YYYY-MM-DD)",
                     "the date '" + at_text + "' is not a date (YYYY-MM-DD)");
    if (unit.empty()) return Invalid(name, row.line, "thiếu đơn vị (unit)", "the unit is missing");
    if (!any) {
      targets.at = *at;
      targets.unit = unit;
      any = true;
    } else if (*at != targets.at || unit != targets.unit) {
      return Invalid(name, row.line,
                     "mọi chỉ tiêu phải cùng đơn vị và ngày (" + targets.unit + ", " +
                         targets.at.ToVietnamese() + ")",
                     "every figure must be of the same unit and date (" + targets.unit + ", " +
                         targets.at.ToIso() + ")");
    }
    if (!seen.insert(indicator).second)
      return Invalid(name, row.line, "chỉ tiêu '" + indicator + "' lặp lại",
                     "the indicator '" + indicator + "' is given twice");
    const auto bad_value = [&](std::string_view what_vi, std::string_view what_en) {
      return Invalid(
          name, row.line,
          "giá trị '" + value + "' của " + indicator + " không phải " + std::string(what_vi),
          "the value '" + value + "' of " + indicator + " is not " + std::string(what_en));
    };
    const auto dong = [&](std::optional<int64_t>& slot) -> std::optional<Error> {
      auto v = ParseDong(value);
      if (!v)
        return bad_value("số tiền (đồng, hoặc «438.213 triệu»)",
                         "an amount (đồng, or «438.213 triệu»)");
      slot = *v;
      return std::nullopt;
    };
    const auto ratio = [&](std::optional<int64_t>& slot) -> std::optional<Error> {
      auto v = ParseRatio(value);
      if (!v) return bad_value("tỷ lệ phần trăm («0,1 %»)", "a percent («0.1%»)");
      slot = *v;
      return std::nullopt;
    };
    const auto count = [&](std::optional<int64_t>& slot) -> std::optional<Error> {
      auto v = ParseCount(value);
      if (!v || *v <= 0) return bad_value("số đếm dương", "a positive count");
      slot = *v;
      return std::nullopt;
    };
    std::optional<Error> bad;
    const std::string prefix = "by_association.";
    if (indicator == "outstanding_dong")
      bad = dong(targets.outstanding);
    else if (indicator == "overdue_dong")
      bad = dong(targets.overdue);
    else if (indicator == "frozen_dong")
      bad = dong(targets.frozen);
    else if (indicator == "overdue_ratio")
      bad = ratio(targets.overdue_ppm);
    else if (indicator == "frozen_ratio")
      bad = ratio(targets.frozen_ppm);
    else if (indicator == "groups")
      bad = count(targets.groups);
    else if (indicator == "households" || indicator == "customers") {
      if (seen.count(indicator == "households" ? "customers" : "households"))
        return Invalid(name, row.line,
                       "households và customers là một chỉ tiêu (mỗi hộ một khoản vay)",
                       "households and customers are one figure here (a loan per household)");
      bad = count(targets.households);
    } else if (indicator.rfind(prefix, 0) == 0) {
      const auto association = network::ParseAssociation(indicator.substr(prefix.size()));
      if (!association)
        return Invalid(name, row.line,
                       "hội '" + indicator.substr(prefix.size()) +
                           "' không có (farmers, women, veterans, youth)",
                       "no association '" + indicator.substr(prefix.size()) +
                           "' (farmers, women, veterans, youth)");
      std::optional<int64_t> v;
      bad = dong(v);
      if (!bad) targets.by_association[static_cast<int>(*association)] = *v;
    } else {
      return Invalid(name, row.line,
                     "chỉ tiêu '" + indicator +
                         "' không có (outstanding_dong, overdue_dong, overdue_ratio, frozen_dong, "
                         "frozen_ratio, groups, households, by_association.HỘI)",
                     "no indicator '" + indicator +
                         "' (outstanding_dong, overdue_dong, overdue_ratio, frozen_dong, "
                         "frozen_ratio, groups, households, by_association.ASSOCIATION)");
    }
    if (bad) return *bad;
    if ((targets.overdue && targets.overdue_ppm) || (targets.frozen && targets.frozen_ppm))
      return Invalid(name, row.line, "số tiền và tỷ lệ của cùng một chỉ tiêu, chỉ cho một",
                     "an amount and a ratio of the same figure: give one");
  }
  if (!reader.error().empty())
    return Invalid(name, reader.line(), "tệp CSV sai dạng: " + reader.error(),
                   "malformed CSV: " + reader.error());
  if (!any) return Invalid(name, 2, "tệp không có chỉ tiêu nào", "the file holds no figure");
  return targets;
}

std::vector<int64_t> SplitInSteps(const std::vector<int64_t>& weights, int64_t target,
                                  int64_t step) {
  const size_t n = weights.size();
  std::vector<int64_t> out(n, step);
  if (n == 0) return out;
  const int64_t units = target / step - static_cast<int64_t>(n);  // beyond one step each
  __int128 sum = 0;
  for (auto w : weights) sum += w;
  std::vector<std::pair<__int128, size_t>> remainders;
  int64_t given = 0;
  for (size_t i = 0; i < n; ++i) {
    const __int128 exact = sum > 0 ? static_cast<__int128>(units) * weights[i] : units;
    const __int128 divisor = sum > 0 ? sum : static_cast<__int128>(n);
    const int64_t whole = static_cast<int64_t>(exact / divisor);
    out[i] += whole * step;
    given += whole;
    remainders.emplace_back(exact % divisor, i);
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (int64_t k = 0; k < units - given; ++k)
    out[remainders[static_cast<size_t>(k) % n].second] += step;
  return out;
}

std::optional<Error> FitCalibration(std::vector<CalibrationLoan>& loans,
                                    const CalibrationTargets& targets, Random& random) {
  const int64_t step = kCalibrationStep;
  if (loans.empty()) return Infeasible("không có khoản vay nào", "there is no loan");
  int64_t drawn = 0, drawn_overdue = 0, drawn_frozen = 0;
  std::map<int, int64_t> drawn_by_association;
  for (const auto& l : loans) {
    drawn += l.dong;
    if (l.overdue) drawn_overdue += l.dong;
    if (l.frozen) drawn_frozen += l.dong;
    drawn_by_association[l.association] += l.dong;
  }
  // The outstanding, and each association's part of it.
  int64_t given = 0;
  for (const auto& [a, v] : targets.by_association) given += RoundToStep(v);
  const bool all_given =
      targets.by_association.size() == drawn_by_association.size() &&
      std::all_of(drawn_by_association.begin(), drawn_by_association.end(),
                  [&](const auto& e) { return targets.by_association.count(e.first); });
  const int64_t total = targets.outstanding ? RoundToStep(*targets.outstanding)
                        : all_given         ? given
                        : targets.by_association.empty()
                            ? drawn
                            : given + (drawn - [&] {
                                int64_t d = 0;
                                for (const auto& [a, v] : targets.by_association)
                                  d += drawn_by_association.count(a) ? drawn_by_association[a] : 0;
                                return d;
                              }());
  for (const auto& [a, v] : targets.by_association)
    if (!drawn_by_association.count(a))
      return Infeasible(
          "hội " + std::string(network::AssociationNameVi(static_cast<network::Association>(a))) +
              " không quản lý tổ nào trong dữ liệu sinh ra",
          "the " + std::string(network::AssociationKey(static_cast<network::Association>(a))) +
              " association runs no group in the generated data");
  if (given > total || (all_given && given != total))
    return Infeasible("dư nợ các hội cộng lại " + Money::Dong(given).ToVietnamese() +
                          " đ, khác tổng dư nợ " + Money::Dong(total).ToVietnamese() + " đ",
                      "the associations' outstanding adds up to " +
                          Money::Dong(given).ToVietnamese() + ", not the outstanding " +
                          Money::Dong(total).ToVietnamese());
  std::map<int, int64_t> part;  // association → outstanding
  {
    std::vector<int> rest;
    std::vector<int64_t> weights;
    for (const auto& [a, d] : drawn_by_association)
      if (targets.by_association.count(a))
        part[a] = RoundToStep(targets.by_association.at(a));
      else {
        rest.push_back(a);
        weights.push_back(d);
      }
    if (!rest.empty()) {
      if (total - given < step * static_cast<int64_t>(rest.size()))
        return Infeasible(
            "phần dư nợ còn lại cho các hội khác quá nhỏ",
            "what is left of the outstanding for the other associations is too small");
      const auto split = SplitInSteps(weights, total - given, step);
      for (size_t k = 0; k < rest.size(); ++k) part[rest[k]] = split[k];
    }
  }
  // Overdue and frozen: amounts, ratios, or the drawn proportion.
  const auto share = [&](const std::optional<int64_t>& amount, const std::optional<int64_t>& ppm,
                         int64_t drawn_part) {
    if (amount) return RoundToStep(*amount);
    if (ppm) return RoundToStep(OfPpm(total, *ppm));
    return RoundToStep(static_cast<int64_t>(static_cast<__int128>(drawn_part) * total /
                                            std::max<int64_t>(drawn, 1)));
  };
  const int64_t overdue = share(targets.overdue, targets.overdue_ppm, drawn_overdue);
  const int64_t frozen = share(targets.frozen, targets.frozen_ppm, drawn_frozen);
  if (overdue + frozen > total)
    return Infeasible("nợ quá hạn và nợ khoanh lớn hơn tổng dư nợ",
                      "overdue and frozen exceed the outstanding");
  // How many loans each takes: as many as the drawn ones' mean amount gives.
  const auto how_many = [&](int64_t amount, int64_t drawn_amount, size_t drawn_count) -> size_t {
    if (amount <= 0) return 0;
    const int64_t mean = drawn_count > 0 ? drawn_amount / static_cast<int64_t>(drawn_count)
                                         : drawn / static_cast<int64_t>(loans.size()) / 4;
    const int64_t k = std::max<int64_t>(
        1, (amount + std::max<int64_t>(mean, step) / 2) / std::max<int64_t>(mean, step));
    return static_cast<size_t>(std::min(k, amount / step));
  };
  std::vector<size_t> drawn_overdue_loans, drawn_frozen_loans, could_fall, could_freeze;
  for (size_t i = 0; i < loans.size(); ++i) {
    if (loans[i].overdue)
      drawn_overdue_loans.push_back(i);
    else if (loans[i].may_fall_overdue)
      could_fall.push_back(i);
  }
  const size_t overdue_count = how_many(overdue, drawn_overdue, drawn_overdue_loans.size());
  if (overdue_count > drawn_overdue_loans.size() + could_fall.size())
    return Infeasible("không đủ khoản vay có thể quá hạn để đạt nợ quá hạn",
                      "too few loans can be overdue to reach the overdue figure");
  const auto now_overdue = Pick(drawn_overdue_loans, could_fall, overdue_count, random);
  for (auto& l : loans) l.overdue = false;
  for (size_t i : now_overdue) {
    loans[i].overdue = true;
    loans[i].frozen = false;
  }
  for (size_t i = 0; i < loans.size(); ++i)
    if (loans[i].overdue)
      continue;
    else if (loans[i].frozen)
      drawn_frozen_loans.push_back(i);
    else
      could_freeze.push_back(i);
  int64_t drawn_frozen_now = 0;
  for (size_t i : drawn_frozen_loans) drawn_frozen_now += loans[i].dong;
  const size_t frozen_count = how_many(frozen, drawn_frozen_now, drawn_frozen_loans.size());
  if (frozen_count > drawn_frozen_loans.size() + could_freeze.size())
    return Infeasible("không đủ khoản vay để đạt nợ khoanh",
                      "too few loans to reach the frozen figure");
  const auto now_frozen = Pick(drawn_frozen_loans, could_freeze, frozen_count, random);
  for (auto& l : loans)
    if (!l.overdue) l.frozen = false;
  for (size_t i : now_frozen) loans[i].frozen = true;
  // The amounts: overdue, then frozen, then each association's other loans.
  const auto fit = [&](const std::vector<size_t>& which, int64_t amount) {
    std::vector<int64_t> weights;
    for (size_t i : which) weights.push_back(loans[i].dong);
    const auto split = SplitInSteps(weights, amount, step);
    for (size_t k = 0; k < which.size(); ++k) loans[which[k]].dong = split[k];
  };
  fit(now_overdue, overdue);
  fit(now_frozen, frozen);
  std::map<int, int64_t> fixed;
  std::map<int, std::vector<size_t>> free;
  for (size_t i = 0; i < loans.size(); ++i)
    if (loans[i].overdue || loans[i].frozen)
      fixed[loans[i].association] += loans[i].dong;
    else
      free[loans[i].association].push_back(i);
  for (const auto& [a, amount] : part) {
    const int64_t left = amount - fixed[a];
    const auto& which = free[a];
    if (left < step * static_cast<int64_t>(which.size()) || (which.empty() && left != 0))
      return Infeasible(
          "dư nợ của hội " +
              std::string(network::AssociationNameVi(static_cast<network::Association>(a))) +
              " không đủ cho " + std::to_string(which.size()) +
              " khoản vay còn lại (tối thiểu 100.000 đ mỗi khoản)",
          "the " + std::string(network::AssociationKey(static_cast<network::Association>(a))) +
              " association's outstanding is too small for its " + std::to_string(which.size()) +
              " other loans (100,000 đ each at least)");
    fit(which, left);
  }
  return std::nullopt;
}

}  // namespace tdcs::app
