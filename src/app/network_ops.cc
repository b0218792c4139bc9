#include "app/network_ops.h"

#include <map>
#include <set>

#include "app/internal/access.h"
#include "app/internal/network_units.h"
#include "network/network.h"
#include "text/text.h"

namespace tdcs::app {

// The wire string of each rejection code (docs/API.md "Error codes").
#define TDCS_REFORM_REJECTIONS(X)          \
  X(kReformDateEarly, "REFORM_DATE_EARLY") \
  X(kReformAlreadyApplied, "REFORM_ALREADY_APPLIED")
TDCS_DEFINE_REJECTIONS(ReformRejection, TDCS_REFORM_REJECTIONS)
#undef TDCS_REFORM_REJECTIONS

namespace {

std::string AreaName(const store::AdminIndex& admin, const std::string& level,
                     const std::string& era, const std::string& code) {
  if (level == "central") return "Trung ương";
  if (level == "province") {
    auto* p = admin.Province(era, code);
    return p ? p->full_name : code;
  }
  if (level == "district") {
    auto it = admin.districts.find(code);
    return it == admin.districts.end() ? code : it->second.full_name;
  }
  auto* c = admin.Commune(era, code);
  return c ? c->full_name : code;
}

std::string FoldForMatch(std::string_view s) { return text::Fold(s); }

}  // namespace

void EnsureAssociationUnits(store::NetworkStore& store, const store::AdminIndex& admin,
                            const std::string& level, const std::string& era,
                            const std::string& area_code, Date on) {
  if (store.HasAssociationUnits(level, era, area_code, on)) return;
  const std::string area = AreaName(admin, level, era, area_code);
  for (auto a : network::kAllAssociations) {
    store::AssociationUnitRow r{0,
                                static_cast<int>(a),
                                level,
                                era,
                                area_code,
                                std::string(network::AssociationNameVi(a)) + " " + area,
                                Period{on, std::nullopt}};
    store.AddAssociationUnit(r);
  }
}

void EnsureCommuneAssociationUnits(store::NetworkStore& store, const store::AdminIndex& admin,
                                   const std::string& era, const std::string& commune_code,
                                   Date on) {
  EnsureAssociationUnits(store, admin, "commune", era, commune_code, on);
  if (era == store::kLegacyEra) {
    if (auto* c = admin.Commune(era, commune_code); c && !c->district_code.empty())
      EnsureAssociationUnits(store, admin, "district", era, c->district_code, on);
  }
}

std::string ReformSummary::ToString() const {
  return "chi nhánh giữ/kept " + std::to_string(branches_kept) + ", sáp nhập/merged " +
         std::to_string(branches_merged) + ", PGD chuyển/offices moved " +
         std::to_string(offices_moved) + ", hội sở thành PGD/seats to offices " +
         std::to_string(seats_to_offices) + ", điểm giao dịch/points " + std::to_string(points) +
         ", thôn/villages " + std::to_string(villages) + ", tổ/groups " + std::to_string(groups);
}

Result<ReformSummary> ApplyReform2025(Connection& connection, const Context&,
                                      std::optional<Date> on) {
  return ApplyReform2025In(Db(connection), on);
}

Result<ReformSummary> ApplyReform2025In(store::Database& db, std::optional<Date> on_arg) {
  const store::AdminIndex admin = store::ReadAdminIndex(db);
  const Date on = on_arg.value_or(admin.reform_date);
  if (on < admin.reform_date)
    return MakeError(ReformRejection::kReformDateEarly, "date",
                     "Ngày chuyển đổi phải từ " + admin.reform_date.ToVietnamese(),
                     "The move date must be on or after " + admin.reform_date.ToIso());
  store::Transaction tx(db);
  // The reform and imports exclude each other: an import must see whether
  // the move has happened (rows after it must start on or after it).
  db.LockKey("import");
  if (store::NetworkStore(db).ReformApplied())
    return MakeError(ReformRejection::kReformAlreadyApplied, "",
                     "Mạng lưới đã được chuyển sang địa giới 2025",
                     "The network has already been moved onto the 2025 structure");
  store::NetworkStore store(db);
  const Date before = on.AddDays(-1);
  ReformSummary summary;

  // Branches: pick the continuing branch of each 2025 province.
  std::map<std::string, std::vector<store::BranchRow>> by_new_province;
  for (auto& b : store.BranchesOn(before))
    if (b.province_era == store::kLegacyEra)
      by_new_province[admin.province_map.at(b.province_code)].push_back(b);
  std::map<int64_t, int64_t> merged_into;  // branch id → continuing branch id
  std::map<int64_t, std::string> merged_province_name;
  for (auto& [new_code, branches] : by_new_province) {
    const store::BranchRow* keep = &branches.front();
    for (const auto& b : branches)
      if (b.province_code == new_code) keep = &b;
    store::BranchRow revised = *keep;
    revised.province_era = store::kNewEra;
    revised.province_code = new_code;
    revised.name = "Chi nhánh NHCSXH " + admin.Province(store::kNewEra, new_code)->full_name;
    revised.period = Period{on, std::nullopt};
    store.ReviseBranch(revised);
    ++summary.branches_kept;
    EnsureAssociationUnits(store, admin, "province", store::kNewEra, new_code, on);
    for (const auto& b : branches) {
      if (b.id == keep->id) continue;
      merged_into[b.id] = keep->id;
      merged_province_name[b.id] = admin.Province(store::kLegacyEra, b.province_code)->name;
      store.CloseBranch(b.id, on);
      ++summary.branches_merged;
    }
  }
  // Offices of merged branches move; their seats become offices.
  for (auto o : store.OfficesOn(before)) {
    auto it = merged_into.find(o.branch_id);
    if (it == merged_into.end()) continue;
    if (o.kind == "seat") {
      o.kind = "office";
      o.name = "Phòng giao dịch NHCSXH khu vực " + merged_province_name[o.branch_id];
      ++summary.seats_to_offices;
    } else {
      ++summary.offices_moved;
    }
    o.branch_id = it->second;
    o.period = Period{on, std::nullopt};
    store.ReviseOffice(o);
  }
  // Points stay at their site, reported under the 2025 commune.
  std::set<std::string> new_communes;
  for (auto p : store.PointsOn(before)) {
    if (p.report_era != store::kLegacyEra) continue;
    p.report_era = store::kNewEra;
    p.report_code = admin.NewCommuneOf(p.site_code, FoldForMatch);
    p.period = Period{on, std::nullopt};
    store.RevisePoint(p);
    new_communes.insert(p.report_code);
    ++summary.points;
  }
  for (auto v : store.VillagesOn(before)) {
    if (v.commune_era != store::kLegacyEra) continue;
    v.commune_era = store::kNewEra;
    v.commune_code = admin.NewCommuneOf(v.commune_code, FoldForMatch);
    v.period = Period{on, std::nullopt};
    store.ReviseVillage(v);
    ++summary.villages;
  }
  for (auto g : store.GroupsOn(before)) {
    if (g.commune_era != store::kLegacyEra) continue;
    g.commune_era = store::kNewEra;
    g.commune_code = admin.NewCommuneOf(g.commune_code, FoldForMatch);
    g.period = Period{on, std::nullopt};
    store.ReviseGroup(g);
    new_communes.insert(g.commune_code);
    ++summary.groups;
  }
  for (const char* level : {"province", "district", "commune"})
    store.CloseAssociationUnitsOf(level, store::kLegacyEra, on);
  for (const auto& code : new_communes)
    EnsureAssociationUnits(store, admin, "commune", store::kNewEra, code, on);

  store.RecordReform(on, summary.ToString());
  tx.Commit();
  return summary;
}

}  // namespace tdcs::app
