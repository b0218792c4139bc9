#include "app/access.h"

#include <algorithm>

#include "app/internal/scope.h"
#include "store/loan_store.h"
#include "store/network_store.h"

namespace tdcs::app {

// The wire string of each rejection code (docs/API.md "Error codes").
#define TDCS_ACCESS_REJECTIONS(X) X(kForbidden, "FORBIDDEN")
TDCS_DEFINE_REJECTIONS(AccessRejection, TDCS_ACCESS_REJECTIONS)
#undef TDCS_ACCESS_REJECTIONS

namespace {

using P = Permission;

struct PermissionInfo {
  Permission permission;
  std::string_view name, vi;
};
constexpr PermissionInfo kPermissions[] = {
    {P::kRead, "read", "xem sổ sách"},
    {P::kReport, "report", "xem báo cáo"},
    {P::kLend, "lend", "cho vay, thu nợ, giao dịch"},
    {P::kApprove, "approve", "phê duyệt"},
    {P::kEntrusted, "entrusted", "công việc ủy thác"},
    {P::kPlan, "plan", "giao kế hoạch"},
    {P::kSettings, "settings", "thay đổi tham số"},
    {P::kManageUsers, "manage_users", "quản lý người dùng"},
    {P::kReadAudit, "read_audit", "xem nhật ký kiểm toán"},
    {P::kOperate, "operate", "vận hành hệ thống"},
};

struct RoleRights {
  std::string_view role;
  std::initializer_list<Permission> rights;
};
// docs/RULES.md §14.2.
const RoleRights kRights[] = {
    {"officer", {P::kRead, P::kReport, P::kLend, P::kEntrusted}},
    {"director", {P::kRead, P::kReport, P::kLend, P::kApprove, P::kEntrusted}},
    {"association", {P::kRead, P::kReport, P::kEntrusted}},
    {"leader", {P::kRead}},
    {"branch", {P::kRead, P::kReport, P::kApprove, P::kPlan}},
    {"head_office", {P::kRead, P::kReport, P::kApprove, P::kPlan, P::kSettings}},
    {"board", {P::kRead, P::kReport}},
    {"auditor", {P::kRead, P::kReport, P::kReadAudit}},
    {"admin",
     {P::kRead, P::kReport, P::kLend, P::kApprove, P::kEntrusted, P::kPlan, P::kSettings,
      P::kManageUsers, P::kReadAudit, P::kOperate}},
};

const RoleRights* RightsOf(std::string_view role) {
  for (const auto& r : kRights)
    if (r.role == role) return &r;
  return nullptr;
}

}  // namespace

std::vector<std::string_view> PermissionNames(std::string_view role) {
  std::vector<std::string_view> out;
  if (const auto* r = RightsOf(role))
    for (const auto& p : kPermissions)
      if (std::find(r->rights.begin(), r->rights.end(), p.permission) != r->rights.end())
        out.push_back(p.name);
  return out;
}

bool Allows(const Actor& actor, Permission permission) {
  const auto* r = RightsOf(actor.role);
  return r != nullptr &&
         std::find(r->rights.begin(), r->rights.end(), permission) != r->rights.end();
}

bool SeesCitizenIds(const Actor& actor) {
  return actor.role == "officer" || actor.role == "director" || actor.role == "admin";
}

Status Require(const Actor& actor, Permission permission) {
  if (Allows(actor, permission)) return {};
  std::string_view vi = "", en = "";
  for (const auto& p : kPermissions)
    if (p.permission == permission) vi = p.vi, en = p.name;
  return MakeError(AccessRejection::kForbidden, "",
                   "Vai trò " + actor.role + " không được " + std::string(vi),
                   "The role " + actor.role + " may not " + std::string(en));
}

ScopeCheck::ScopeCheck(store::Database& db, const Actor& actor)
    : db_(db), scope_(actor.scope), association_(actor.association) {
  if (actor.scope == "national") return;
  const auto colon = actor.scope.find(':');
  const std::string kind = actor.scope.substr(0, colon == std::string::npos ? 0 : colon);
  const std::string code = colon == std::string::npos ? actor.scope : actor.scope.substr(colon + 1);
  kind_ = store::AreaKind::kGroup;  // an unreadable scope: nothing is in it
  for (const auto& k : kAreaKinds)
    if (kind == k.name) {
      kind_ = k.kind;
      if (auto id = store::NetworkStore(db).FindUnit(k.table, code)) unit_id_ = id->id;
    }
}

std::string ScopeCheck::AreaName() const { return scope_; }

std::optional<store::NetworkStore::SearchArea> ScopeCheck::SearchArea(Date on) const {
  if (national()) return std::nullopt;
  store::NetworkStore::SearchArea a;
  a.on = on;
  a.association = association_;
  switch (kind_) {
    case store::AreaKind::kNational:
      a.kind = 0;
      a.unit_id = 1;
      break;
    case store::AreaKind::kBranch:
      a.kind = 1;
      a.unit_id = unit_id_;
      break;
    case store::AreaKind::kOffice:
      a.kind = 2;
      a.unit_id = unit_id_;
      break;
    case store::AreaKind::kPoint:
      a.kind = 3;
      a.unit_id = unit_id_;
      break;
    case store::AreaKind::kGroup:
      a.kind = 4;
      a.unit_id = unit_id_;
      break;
  }
  return a;
}

Date ScopeDate(store::Database& db, Date asked) {
  return store::LoanStore(db).BusinessDate().value_or(asked);
}

std::optional<LoanFacts> ReadLoanFacts(store::Database& db, int64_t loan_id) {
  const auto brief = store::LoanStore(db).BriefOf(loan_id);
  if (!brief) return std::nullopt;
  return LoanFacts{brief->borrower_id, brief->office_id, brief->status, brief->approved_dong};
}

std::optional<int64_t> ScopeCheck::BranchOfOffice(int64_t office_id, Date on) {
  return store::NetworkStore(db_).OfficeBranchOn(office_id, on);
}

std::optional<int64_t> ScopeCheck::OfficeOfPoint(int64_t point_id, Date on) {
  const auto links = store::NetworkStore(db_).PointLinksOn(point_id, on);
  if (!links) return std::nullopt;
  return links->first;
}

std::optional<std::pair<int64_t, int>> ScopeCheck::PointOfGroup(int64_t group_id, Date on) {
  return store::NetworkStore(db_).GroupPointAndAssociationOn(group_id, on);
}

bool ScopeCheck::Office(int64_t office_id, Date on) {
  if (association_ != 0) return false;  // an association officer sees their groups only
  switch (kind_) {
    case store::AreaKind::kNational:
      return true;
    case store::AreaKind::kBranch:
      return BranchOfOffice(office_id, on) == unit_id_;
    case store::AreaKind::kOffice:
      return office_id == unit_id_;
    default:
      return false;
  }
}

bool ScopeCheck::Point(int64_t point_id, Date on) {
  if (association_ != 0) return false;
  if (kind_ == store::AreaKind::kPoint) return point_id == unit_id_;
  if (kind_ == store::AreaKind::kGroup) return false;
  if (kind_ == store::AreaKind::kNational) return true;
  const auto office = OfficeOfPoint(point_id, on);
  return office && Office(*office, on);
}

bool ScopeCheck::Reaches(int64_t point_id, Date on) {
  if (national() || Point(point_id, on)) return true;
  if (kind_ == store::AreaKind::kGroup) {
    const auto point = PointOfGroup(unit_id_, on);
    return point && point->first == point_id;
  }
  if (association_ == 0) return false;
  const int association = association_;
  association_ = 0;  // the point in the area; its groups are filtered after
  const bool in = Point(point_id, on);
  association_ = association;
  return in;
}

bool ScopeCheck::Group(int64_t group_id, Date on) {
  if (kind_ == store::AreaKind::kGroup) return group_id == unit_id_;
  if (kind_ == store::AreaKind::kNational && association_ == 0) return true;
  const auto [it, fresh] = groups_.try_emplace({group_id, on, association_}, false);
  if (fresh) it->second = GroupInArea(group_id, on);
  return it->second;
}

bool ScopeCheck::GroupInArea(int64_t group_id, Date on) {
  const auto point = PointOfGroup(group_id, on);
  if (!point) return false;
  if (association_ != 0 && point->second != association_) return false;
  if (kind_ == store::AreaKind::kNational) return true;
  if (kind_ == store::AreaKind::kPoint) return point->first == unit_id_;
  const auto office = OfficeOfPoint(point->first, on);
  if (!office) return false;
  if (kind_ == store::AreaKind::kOffice) return *office == unit_id_;
  return BranchOfOffice(*office, on) == unit_id_;
}

bool ScopeCheck::Borrower(int64_t borrower_id, Date on, int64_t office_id) {
  if (national()) return true;
  const auto placement = store::NetworkStore(db_).PlacementOn(borrower_id, on);
  if (placement) return Group(placement->group_id, on);
  return office_id != 0 && Office(office_id, on);
}

bool ScopeCheck::Area(const ResolvedArea& area, Date on) {
  // The unit must lie in the area; an association officer's reports are
  // further limited to their association by the report itself.
  const int association = association_;
  association_ = 0;
  const bool in = ContainsUnit(area, on);
  association_ = association;
  return in;
}

bool ScopeCheck::ContainsUnit(const ResolvedArea& area, Date on) {
  if (kind_ == store::AreaKind::kNational) return true;
  switch (area.area.kind) {
    case store::AreaKind::kNational:
      return false;
    case store::AreaKind::kBranch:
      return kind_ == store::AreaKind::kBranch && area.area.unit_id == unit_id_;
    case store::AreaKind::kOffice:
      return Office(area.area.unit_id, on);
    case store::AreaKind::kPoint:
      return Point(area.area.unit_id, on);
    case store::AreaKind::kGroup:
      return Group(area.area.unit_id, on);
  }
  return false;
}

}  // namespace tdcs::app
