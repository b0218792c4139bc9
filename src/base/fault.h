// Infrastructure faults: the database is unreachable, the disk is full, a
// constraint the code relies on was violated. They are exceptions (not
// Results), thrown by the store's adapters and caught at a face's boundary
// (the command line exits 3, the server answers 500 / 503).
//
// The message (`what()`) says what failed in words a user may be shown; the
// SQL statement that failed, when there is one, is kept apart (`statement()`)
// so that no face prints SQL to a user by accident (the command line shows it
// only with TDCS_DEBUG=1).
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

namespace tdcs {

class StorageFault : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  StorageFault(const std::string& message, std::string statement)
      : std::runtime_error(message),
        statement_(std::make_shared<const std::string>(std::move(statement))) {}

  // The SQL text that failed, or empty. For logs and debugging only.
  const std::string& statement() const {
    static const std::string kNone;
    return statement_ ? *statement_ : kNone;
  }

 private:
  // Shared, so that copying the exception cannot throw.
  std::shared_ptr<const std::string> statement_;
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
