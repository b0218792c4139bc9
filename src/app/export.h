// Exporting the structure in force on a date as CSV, in the import formats
// (app/import.h), so that an export imports into an empty database again.
#pragma once

#include <ostream>

#include "app/connection.h"
#include "app/context.h"
#include "app/import.h"
#include "base/date.h"

namespace tdcs::app {

struct ExportOptions {
  Date on;
  bool mask_citizen_ids = false;
};

// `kind` is one of the network kinds (not kLoans: loans are listed by
// ListLoans and shown by ShowLoan). Returns the number of data rows written.
int64_t Export(Connection& connection, const Context& context, ImportKind kind,
               const ExportOptions& options, std::ostream& out,
               const ProgressFn& progress = nullptr);

}  // namespace tdcs::app
