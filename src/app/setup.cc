#include "app/setup.h"

#include "app/internal/access.h"
#include "app/internal/network_units.h"
#include "app/network_ops.h"
#include "base/check.h"
#include "base/embedded.h"
#include "store/admin_units.h"
#include "store/calendar_store.h"
#include "store/journal_chain.h"
#include "store/migrate.h"
#include "store/network_store.h"
#include "store/program_store.h"

namespace tdcs::app {

InitSummary InitDatabase(Connection& connection) {
  store::Database& db = Db(connection);
  InitSummary out;
  out.migrations_applied = store::Migrate(db);
  // Entries written before the journal chain existed join it now, once.
  store::SealUnchainedEntries(db);

  out.admin_rows = store::LoadAdminUnits(db);
  std::vector<RowError> errors;
  auto catalog = store::ParseProgramCatalog(EmbeddedData("programs.csv"), errors);
  TDCS_CHECK_MSG(catalog.ok(), "the embedded program catalog does not parse");
  store::Transaction tx(db);
  store::SaveProgramVersions(db, catalog.value());
  store::LoadChartOfAccounts(db);
  store::LoadHolidays(db);
  out.programs = static_cast<int>(store::ReadPrograms(db).size());
  store::NetworkStore network(db);
  const store::AdminIndex admin = store::ReadAdminIndex(db);
  EnsureAssociationUnits(network, admin, "central", "", "", *Date::FromCivil(1995, 10, 4));
  tx.Commit();
  return out;
}

}  // namespace tdcs::app
