// Dated operations on the network: association units kept in step with the
// units they serve, and the move onto the 2025 administrative structure.
#pragma once

#include <string>

#include "base/date.h"
#include "base/result.h"
#include "store/admin_units.h"
#include "store/db.h"
#include "store/network_store.h"

namespace tdcs::app {

// Makes sure the four associations have units of `level` for an area, open
// on `on` (province: a province code; district: a district code; commune: a
// commune code; central: empty).
void EnsureAssociationUnits(store::NetworkStore& store, const store::AdminIndex& admin,
                            const std::string& level, const std::string& era,
                            const std::string& area_code, Date on);
// Commune level, and for the legacy structure the commune's district too.
void EnsureCommuneAssociationUnits(store::NetworkStore& store, const store::AdminIndex& admin,
                                   const std::string& era, const std::string& commune_code,
                                   Date on);

// The move of 1 July 2025 (RULES §2.3), applied once, dated `on` (the reform
// date by default), keeping all history:
//  * branches merge as their provinces did: for each 2025 province one branch
//    continues (the one of the province that kept its code, else the lowest
//    code) under the new province; the others close, and their seats become
//    offices ("PGD khu vực …") of the continuing branch, their offices move to it;
//  * offices are kept;
//  * commune points stay at their old commune building (site) and are
//    reported under the 2025 commune that took it in (report);
//  * villages and groups follow their commune into the 2025 structure;
//  * association units: legacy province, district and commune units close,
//    2025 province and commune units open.
struct ReformSummary {
  int branches_kept = 0, branches_merged = 0, offices_moved = 0, seats_to_offices = 0, points = 0,
      villages = 0, groups = 0;
  std::string ToString() const;
};
Result<ReformSummary> ApplyReform2025(store::Database& db, std::optional<Date> on = std::nullopt);

}  // namespace tdcs::app
