#include "entrusted/fees.h"

#include "entrusted/rating.h"

namespace tdcs::entrusted {

std::string_view QualityKey(Quality q) {
  switch (q) {
    case Quality::kFull:
      return "full";
    case Quality::kReduced:
      return "reduced";
    case Quality::kWithheld:
      return "withheld";
  }
  return "";
}

std::string_view QualityVi(Quality q) {
  switch (q) {
    case Quality::kFull:
      return "đủ";
    case Quality::kReduced:
      return "giảm";
    case Quality::kWithheld:
      return "không trả";
  }
  return "";
}

Payable Assess(const QualityRule& rule, Money interest_collected, int64_t overdue_ratio_bp,
               int64_t collection_ratio_bp) {
  Payable p;
  const int64_t collected = std::max<int64_t>(0, interest_collected.dong());
  p.full = Money::Dong(DivideRoundHalfUp(static_cast<__int128>(collected) * rule.rate_bp, 10'000));
  if (overdue_ratio_bp <= rule.full_overdue_max_bp &&
      collection_ratio_bp >= rule.full_collection_min_bp) {
    p.quality = Quality::kFull;
    p.percent = 100;
  } else if (overdue_ratio_bp <= rule.paid_overdue_max_bp &&
             collection_ratio_bp >= rule.paid_collection_min_bp) {
    p.quality = Quality::kReduced;
    p.percent = rule.reduced_share_percent;
  } else {
    p.quality = Quality::kWithheld;
    p.percent = 0;
  }
  p.amount = Money::Dong(DivideRoundHalfUp(static_cast<__int128>(p.full.dong()) * p.percent, 100));
  return p;
}

std::string_view LevelKey(Level l) {
  switch (l) {
    case Level::kCentral:
      return "central";
    case Level::kProvince:
      return "province";
    case Level::kDistrict:
      return "district";
    case Level::kCommune:
      return "commune";
  }
  return "";
}

std::string_view LevelVi(Level l) {
  switch (l) {
    case Level::kCentral:
      return "Trung ương";
    case Level::kProvince:
      return "Tỉnh";
    case Level::kDistrict:
      return "Huyện";
    case Level::kCommune:
      return "Xã";
  }
  return "";
}

std::vector<FeePart> SplitFee(Money fee, const LevelShares& shares, bool district_in_force) {
  auto part = [&](int percent) {
    return Money::Dong(DivideRoundDown(static_cast<__int128>(fee.dong()) * percent, 100));
  };
  std::vector<FeePart> out;
  Money left = fee;
  auto add = [&](Level level, int percent) {
    const Money m = part(percent);
    out.push_back({level, m});
    left -= m;
  };
  add(Level::kCentral, shares.central);
  add(Level::kProvince, shares.province);
  if (district_in_force) add(Level::kDistrict, shares.district);
  out.push_back({Level::kCommune, left});
  return out;
}

std::optional<Error> CheckShares(const LevelShares& s, bool district_in_force,
                                 const std::string& when) {
  const bool negative = s.central < 0 || s.province < 0 || s.district < 0 || s.commune < 0;
  if (negative || s.central + s.province + s.district + s.commune != 100)
    return MakeError(
        EntrustedSettingRejection::kSettingInvalid, "fee.share",
        "Tỷ lệ chia phí giữa các cấp hội ngày " + when + " phải không âm và cộng lại 100 %",
        "The fee shares between association levels on " + when +
            " must be 0 or more and add up to 100 %");
  if (!district_in_force && s.district != 0)
    return MakeError(
        EntrustedSettingRejection::kSettingInvalid, "fee.share.district_percent",
        "Ngày " + when + " không còn cấp huyện: tỷ lệ phí cấp huyện phải là 0",
        "There is no district level on " + when + ": the district's fee share must be 0");
  return std::nullopt;
}

}  // namespace tdcs::entrusted
