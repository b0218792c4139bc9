// Private to the app library: association units kept in step with the units
// they serve (used by the reform, imports, generation and scenarios).
#pragma once

#include <string>

#include "app/network_ops.h"
#include "base/date.h"
#include "base/result.h"
#include "store/admin_units.h"
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

// The reform inside the caller's connection (and its transaction, if any).
Result<ReformSummary> ApplyReform2025In(store::Database& db, std::optional<Date> on);

}  // namespace tdcs::app
