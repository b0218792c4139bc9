// Creating a database: schema migrations, the administrative units, the
// program catalog and the central association units; on a database from
// before the journal chain, its entries are sealed into the chain. Safe to
// run again: each step only adds what is missing.
#pragma once

#include <string>
#include <vector>

#include "app/connection.h"

namespace tdcs::app {

struct InitSummary {
  std::vector<int> migrations_applied;
  int64_t admin_rows = 0;
  int programs = 0;
};

InitSummary InitDatabase(Connection& connection);

}  // namespace tdcs::app
