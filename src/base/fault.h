// Infrastructure faults: the database is unreachable, the disk is full, a
// constraint the code relies on was violated. They are exceptions (not
// Results), thrown by the store's adapters and caught at a face's boundary
// (the command line exits 3, the server answers 500 / 503).
#pragma once

#include <stdexcept>

namespace tdcs {

class StorageFault : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A conflict with a concurrent transaction (a PostgreSQL deadlock or
// serialization failure, SQLite busy past the configured wait): running the
// whole transaction again is safe, and the use cases do so a bounded number
// of times before letting it through.
class RetryableFault : public StorageFault {
 public:
  using StorageFault::StorageFault;
};

}  // namespace tdcs
