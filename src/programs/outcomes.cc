#include "programs/outcomes.h"

#include <algorithm>

namespace tdcs::programs {

std::string_view OutcomeNameVi(std::string_view kind) {
  if (kind == "jobs") return "việc làm";
  if (kind == "water_works") return "công trình nước sạch và vệ sinh";
  if (kind == "students") return "học sinh, sinh viên";
  if (kind == "houses") return "căn nhà";
  if (kind == "released_prisoners") return "người chấp hành xong án phạt tù";
  return "";
}

std::string OwnOutcome(const ProgramVersion& v) {
  if (v.max_amount_basis == "per_worker") return "jobs";
  if (v.max_amount_basis == "per_work") return "water_works";
  if (v.max_amount_basis == "per_month_of_study") return "students";
  const auto has = [&](const char* category) {
    return std::find(v.eligible_categories.begin(), v.eligible_categories.end(), category) !=
           v.eligible_categories.end();
  };
  if (has("social_housing")) return "houses";
  if (has("released_prisoner")) return "released_prisoners";
  return "";
}

OutcomeCounts DefaultOutcomes(const ProgramVersion& version) {
  const std::string own = OwnOutcome(version);
  if (own.empty()) return {};
  return {{own, 1}};
}

std::optional<std::pair<std::string, std::string>> OutcomeProblem(const ProgramVersion& version,
                                                                  const std::string& kind,
                                                                  int count) {
  if (std::find(kOutcomeKinds.begin(), kOutcomeKinds.end(), kind) == kOutcomeKinds.end())
    return std::pair<std::string, std::string>{
        "kết quả '" + kind + "' không có (jobs, water_works, students, houses, released_prisoners)",
        "no outcome '" + kind + "' (jobs, water_works, students, houses, released_prisoners)"};
  const std::string own = OwnOutcome(version);
  if (kind != "jobs" && kind != own)
    return std::pair<std::string, std::string>{
        "chương trình " + version.code + " không ghi kết quả '" + kind + "'" +
            (own.empty() ? "" : " (chỉ jobs hoặc " + own + ")"),
        "program " + version.code + " records no '" + kind + "'" +
            (own.empty() ? " (only jobs)" : " (only jobs or " + own + ")")};
  // A household's loan builds at most 2 water works (the program's rule),
  // finances its students (10 at most), builds its house and helps its own
  // member released from prison; a job-creation loan may employ many.
  const int most = kind == "water_works" ? 2 : kind == "students" ? 10 : kind == "jobs" ? 1'000 : 1;
  if (count < 1 || count > most)
    return std::pair<std::string, std::string>{
        "số " + kind + " phải từ 1 đến " + std::to_string(most),
        "the number of " + kind + " must be 1 to " + std::to_string(most)};
  return std::nullopt;
}

}  // namespace tdcs::programs
