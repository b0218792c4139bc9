#include "app/export.h"

#include <map>

#include "app/find.h"
#include "base/csv.h"
#include "store/network_store.h"

namespace tdcs::app {
namespace {

int64_t ExportNetwork(store::NetworkStore& store, Date on, std::ostream& out) {
  int64_t rows = 0;
  std::map<int64_t, std::string> branch_codes, office_codes;
  for (const auto& b : store.BranchesOn(on)) {
    branch_codes[b.id] = b.code;
    csv::WriteRow(out, {"branch", b.code, b.name, "", b.province_code, "", b.period.from.ToIso()});
    ++rows;
  }
  for (const auto& o : store.OfficesOn(on)) {
    office_codes[o.id] = o.code;
    csv::WriteRow(out, {o.kind, o.code, o.name, branch_codes[o.branch_id], "", "",
                        o.period.from.ToIso()});
    ++rows;
  }
  for (const auto& p : store.PointsOn(on)) {
    csv::WriteRow(out, {"point", p.code, p.name, office_codes[p.office_id], p.report_code,
                        std::to_string(p.session_day), p.period.from.ToIso()});
    ++rows;
  }
  for (const auto& v : store.VillagesOn(on)) {
    csv::WriteRow(out, {"village", v.code, v.name, "", v.commune_code, "", v.period.from.ToIso()});
    ++rows;
  }
  return rows;
}

int64_t ExportGroups(store::NetworkStore& store, Date on, std::ostream& out) {
  std::map<int64_t, std::string> point_codes, village_codes;
  for (const auto& p : store.PointsOn(on)) point_codes[p.id] = p.code;
  for (const auto& v : store.VillagesOn(on)) village_codes[v.id] = v.code;
  int64_t rows = 0;
  for (const auto& g : store.GroupsOn(on)) {
    csv::WriteRow(out, {g.code, g.name, point_codes[g.point_id],
                        g.village_id ? village_codes[*g.village_id] : "",
                        std::to_string(g.association_code), g.period.from.ToIso()});
    ++rows;
  }
  return rows;
}

}  // namespace

int64_t Export(store::Database& db, ImportKind kind, const ExportOptions& options,
               std::ostream& out, const ProgressFn& progress) {
  store::NetworkStore store(db);
  csv::WriteRow(out, ImportColumns(kind));
  switch (kind) {
    case ImportKind::kNetwork: return ExportNetwork(store, options.on, out);
    case ImportKind::kGroups: return ExportGroups(store, options.on, out);
    case ImportKind::kBorrowers:
    case ImportKind::kMemberships: break;
  }
  int64_t rows = 0;
  store.ForEachBorrowerOn(options.on, [&](const store::NetworkStore::BorrowerOn& b) {
    const auto& r = b.borrower;
    if (kind == ImportKind::kBorrowers) {
      csv::WriteRow(out, {r.code, r.name,
                          options.mask_citizen_ids ? MaskCitizenId(r.citizen_id) : r.citizen_id,
                          r.birth_date.ToIso(), r.sex, r.address, b.village_code, r.categories,
                          b.group_code, b.group_code.empty() ? "" : b.role,
                          r.valid_from.ToIso()});
    } else if (!b.group_code.empty()) {
      csv::WriteRow(out, {"join", r.code, b.group_code, b.role, b.membership_from.ToIso()});
    } else {
      return;
    }
    ++rows;
    if (progress && rows % 100000 == 0) progress(rows, 0, "export");
  });
  return rows;
}

}  // namespace tdcs::app
