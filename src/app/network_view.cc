#include "app/network_view.h"

#include <algorithm>

#include "app/access.h"
#include "app/internal/access.h"
#include "app/internal/area.h"
#include "app/internal/scope.h"
#include "store/network_store.h"

namespace tdcs::app {

#define TDCS_NETWORK_VIEW_REJECTIONS(X) \
  X(kUnitUnknown, "UNIT_UNKNOWN")       \
  X(kUnitAmbiguous, "UNIT_AMBIGUOUS")
TDCS_DEFINE_REJECTIONS(NetworkViewRejection, TDCS_NETWORK_VIEW_REJECTIONS)
#undef TDCS_NETWORK_VIEW_REJECTIONS

namespace {

NetworkNode Node(const store::OfficeRow& o) {
  return {o.kind == "seat" ? "seat" : "office", o.code, o.name};
}
NetworkNode Node(const store::PointRow& p) {
  NetworkNode n{"point", p.code, p.name};
  n.session_day = p.session_day;
  n.commune = p.report_code;
  return n;
}
NetworkNode Node(const store::GroupRow& g) {
  NetworkNode n{"group", g.code, g.name};
  n.association = g.association_code;
  n.commune = g.commune_code;
  return n;
}

template <typename Row>
std::optional<Row> FindById(std::vector<Row> rows, int64_t id) {
  for (auto& r : rows)
    if (r.id == id) return std::move(r);
  return std::nullopt;
}

}  // namespace

Result<NetworkLevel> ShowNetwork(Connection& connection, const Context& context,
                                 const std::string& unit, Date on) {
  if (auto denied = Require(context.actor, Permission::kRead); !denied.ok()) return denied.error();
  store::Database& db = Db(connection);
  store::ReadTransaction snapshot(db);  // one level of one moment
  ScopeCheck scope(db, context.actor);
  const std::string asked = unit.empty() ? scope.AreaName() : unit;
  // A point is seen by whoever has one of its groups; a group by whoever
  // has it (an association officer: of their association).
  const auto in_area = [&](const ResolvedArea& u) {
    const int64_t id = u.area.unit_id;
    return u.area.kind == store::AreaKind::kPoint   ? scope.Reaches(id, on)
           : u.area.kind == store::AreaKind::kGroup ? scope.Group(id, on)
                                                    : scope.Area(u, on);
  };
  auto resolved = ResolveArea(db, asked, on, NetworkViewRejection::kUnitUnknown,
                              NetworkViewRejection::kUnitAmbiguous, "unit", in_area);
  if (!resolved.ok()) return resolved.error();
  const ResolvedArea& area = resolved.value();
  const auto unknown = [&] {
    return MakeError(NetworkViewRejection::kUnitUnknown, "unit",
                     "Không có đơn vị '" + asked + "' hoạt động ngày " + on.ToVietnamese(),
                     "No unit '" + asked + "' open on " + on.ToIso());
  };
  if (!in_area(area)) return unknown();
  store::NetworkStore network(db);
  NetworkLevel level;
  level.on = on;
  const int64_t id = area.area.unit_id;
  switch (area.area.kind) {
    case store::AreaKind::kNational:
      level.unit = {"national", "national", "Toàn quốc / Whole bank"};
      for (const auto& b : network.BranchesOn(on))
        level.children.push_back({"branch", b.code, b.name});
      break;
    case store::AreaKind::kBranch: {
      auto b = FindById(network.BranchesOn(on), id);
      if (!b) return unknown();
      level.unit = {"branch", b->code, b->name};
      for (const auto& o : network.OfficesOn(on, id)) level.children.push_back(Node(o));
      break;
    }
    case store::AreaKind::kOffice: {
      const auto branch = network.OfficeBranchOn(id, on);
      auto o = branch ? FindById(network.OfficesOn(on, *branch), id) : std::nullopt;
      if (!o) return unknown();
      level.unit = Node(*o);
      for (const auto& p : network.PointsOn(on, id))
        if (scope.Reaches(p.id, on)) level.children.push_back(Node(p));
      break;
    }
    case store::AreaKind::kPoint: {
      const auto links = network.PointLinksOn(id, on);
      auto p = links ? FindById(network.PointsOn(on, links->first), id) : std::nullopt;
      if (!p) return unknown();
      level.unit = Node(*p);
      for (const auto& g : network.GroupsOn(on, id))
        if (scope.WholePoints() || scope.Group(g.id, on)) level.children.push_back(Node(g));
      break;
    }
    case store::AreaKind::kGroup: {
      const auto point = network.GroupPointOn(id, on);
      auto g = point ? FindById(network.GroupsOn(on, *point), id) : std::nullopt;
      if (!g) return unknown();
      level.unit = Node(*g);
      for (const auto& m : network.MembershipsOfGroup(id)) {
        if (!m.period.Contains(on)) continue;
        auto b = network.LoadBorrower(m.borrower_id, on);
        if (!b) b = network.LoadBorrower(m.borrower_id);
        if (!b) continue;
        NetworkNode n{"member", b->code, b->name};
        n.role = m.role;
        level.children.push_back(std::move(n));
      }
      std::sort(level.children.begin(), level.children.end(),
                [](const NetworkNode& a, const NetworkNode& b) { return a.code < b.code; });
      break;
    }
  }
  return level;
}

}  // namespace tdcs::app
