// Exporting the structure in force on a date as CSV, in the import formats
// (app/import.h), so that an export imports into an empty database again.
#pragma once

#include <ostream>

#include "app/connection.h"
#include "app/context.h"
#include "app/import.h"
#include "base/date.h"
#include "base/result.h"

namespace tdcs::app {

struct ExportOptions {
  Date on;
  bool mask_citizen_ids = false;
};

// Who may export the whole bank's records (RULES §14.2): batch work
// (Permission::kOperate) and auditors (kReadAudit); FORBIDDEN for anyone
// else. Citizen IDs are masked for a role that does not work with them
// (SeesCitizenIds), whatever the options say.
Status MayExport(const Actor& actor);

// `kind` is one of the network kinds (not kLoans: ExportLoans, app/reports.h).
// Returns the number of data rows written.
Result<int64_t> Export(Connection& connection, const Context& context, ImportKind kind,
                       const ExportOptions& options, std::ostream& out,
                       const ProgressFn& progress = nullptr);

}  // namespace tdcs::app
