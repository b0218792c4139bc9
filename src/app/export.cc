// Export: the structure in force on a date, in the import formats.
//
// An export must import into an empty database again, so every row is dated
// no earlier than what it refers to: a unit whose link changed (an office
// moved to another branch on 01/07/2025) is dated from that change, and a
// child from its parent's date at the earliest. A borrower's membership
// rides on the borrower's row when it started with the borrower; otherwise
// it goes to the memberships export as a `join` with its own date.
#include "app/export.h"

#include <algorithm>
#include <map>

#include "app/access.h"
#include "app/find.h"
#include "app/internal/access.h"
#include "app/internal/audit.h"
#include "base/csv.h"
#include "store/network_store.h"

namespace tdcs::app {
namespace {

// Codes and export dates of the units in force on a date.
struct Units {
  std::map<int64_t, std::string> branch_code, office_code, point_code, village_code, group_code;
  std::map<int64_t, Date> branch_from, office_from, point_from, village_from, group_from;
  std::map<std::string, int64_t> group_id;
};

Units UnitsOn(store::NetworkStore& store, Date on) {
  Units u;
  for (const auto& b : store.BranchesOn(on)) {
    u.branch_code[b.id] = b.code;
    u.branch_from[b.id] = b.period.from;
  }
  for (const auto& o : store.OfficesOn(on)) {
    u.office_code[o.id] = o.code;
    u.office_from[o.id] = std::max(o.period.from, u.branch_from[o.branch_id]);
  }
  for (const auto& p : store.PointsOn(on)) {
    u.point_code[p.id] = p.code;
    u.point_from[p.id] = std::max(p.period.from, u.office_from[p.office_id]);
  }
  for (const auto& v : store.VillagesOn(on)) {
    u.village_code[v.id] = v.code;
    u.village_from[v.id] = v.period.from;
  }
  for (const auto& g : store.GroupsOn(on)) {
    u.group_code[g.id] = g.code;
    u.group_id[g.code] = g.id;
    Date from = std::max(g.period.from, u.point_from[g.point_id]);
    if (g.village_id) from = std::max(from, u.village_from[*g.village_id]);
    u.group_from[g.id] = from;
  }
  return u;
}

int64_t ExportNetwork(store::NetworkStore& store, const Units& u, Date on, std::ostream& out) {
  int64_t rows = 0;
  for (const auto& b : store.BranchesOn(on)) {
    csv::WriteRow(out, {"branch", b.code, b.name, "", b.province_code, "", b.period.from.ToIso()});
    ++rows;
  }
  for (const auto& o : store.OfficesOn(on)) {
    csv::WriteRow(out, {o.kind, o.code, o.name, u.branch_code.at(o.branch_id), "", "",
                        u.office_from.at(o.id).ToIso()});
    ++rows;
  }
  for (const auto& p : store.PointsOn(on)) {
    csv::WriteRow(out, {"point", p.code, p.name, u.office_code.at(p.office_id), p.report_code,
                        std::to_string(p.session_day), u.point_from.at(p.id).ToIso()});
    ++rows;
  }
  for (const auto& v : store.VillagesOn(on)) {
    csv::WriteRow(out, {"village", v.code, v.name, "", v.commune_code, "", v.period.from.ToIso()});
    ++rows;
  }
  return rows;
}

int64_t ExportGroups(store::NetworkStore& store, const Units& u, Date on, std::ostream& out) {
  int64_t rows = 0;
  for (const auto& g : store.GroupsOn(on)) {
    csv::WriteRow(out, {g.code, g.name, u.point_code.at(g.point_id),
                        g.village_id ? u.village_code.at(*g.village_id) : "",
                        std::to_string(g.association_code), u.group_from.at(g.id).ToIso()});
    ++rows;
  }
  return rows;
}

}  // namespace

Status MayExport(const Actor& actor) {
  if (Allows(actor, Permission::kReadAudit)) return {};
  return Require(actor, Permission::kOperate);
}

namespace {

int64_t ExportRows(store::Database& db, ImportKind kind, const ExportOptions& options,
                   std::ostream& out, const ProgressFn& progress) {
  store::ReadTransaction snapshot(db);  // one moment's records
  store::NetworkStore store(db);
  const Units units = UnitsOn(store, options.on);
  csv::WriteRow(out, ImportColumns(kind));
  switch (kind) {
    case ImportKind::kNetwork:
      return ExportNetwork(store, units, options.on, out);
    case ImportKind::kGroups:
      return ExportGroups(store, units, options.on, out);
    case ImportKind::kBorrowers:
    case ImportKind::kMemberships:
      break;
    case ImportKind::kLoans:
      TDCS_CHECK_MSG(false, "loans are listed by tdcs loan list, not exported");
  }
  int64_t rows = 0;
  store.ForEachBorrowerOn(options.on, [&](const store::NetworkStore::BorrowerOn& b) {
    const auto& r = b.borrower;
    Date from = r.valid_from;
    if (r.village_id && units.village_from.count(*r.village_id))
      from = std::max(from, units.village_from.at(*r.village_id));
    // The membership rides on the borrower's row when it can start with it.
    const int64_t group_id = b.group_code.empty() ? 0 : units.group_id.at(b.group_code);
    Date joined =
        b.group_code.empty() ? from : std::max(b.membership_from, units.group_from.at(group_id));
    const bool together = !b.group_code.empty() && joined <= from;
    if (together) from = std::max(from, units.group_from.at(group_id));
    if (kind == ImportKind::kBorrowers) {
      csv::WriteRow(out, {r.code, r.name,
                          options.mask_citizen_ids ? MaskCitizenId(r.citizen_id) : r.citizen_id,
                          r.birth_date.ToIso(), r.sex, r.address, b.village_code, r.categories,
                          together ? b.group_code : "", together ? b.role : "", from.ToIso()});
    } else if (!b.group_code.empty() && !together) {
      csv::WriteRow(out, {"join", r.code, b.group_code, b.role, std::max(joined, from).ToIso()});
    } else {
      return;
    }
    ++rows;
    if (progress && rows % 100000 == 0) progress(rows, 0, "export");
  });
  return rows;
}

}  // namespace

Result<int64_t> Export(Connection& connection, const Context& context, ImportKind kind,
                       const ExportOptions& asked, std::ostream& out, const ProgressFn& progress) {
  if (auto denied = MayExport(context.actor); !denied.ok()) return denied.error();
  ExportOptions options = asked;
  if (!SeesCitizenIds(context.actor)) options.mask_citizen_ids = true;
  store::Database& db = Db(connection);
  const int64_t rows = ExportRows(db, kind, options, out, progress);
  // Only the borrowers file carries citizen IDs.
  RecordExport(db, context, ImportKindKey(kind), options.on.ToIso(), rows,
               options.mask_citizen_ids || kind != ImportKind::kBorrowers);
  return rows;
}

}  // namespace tdcs::app
