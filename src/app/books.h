// Use cases over the whole books: the end of day, the check of the books,
// the counts of the network on a date, an online backup. They run the batch
// work of src/batch under the locks it states; faces call these, never batch
// or store directly.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "app/connection.h"
#include "app/context.h"
#include "base/date.h"
#include "base/result.h"

namespace tdcs::app {

struct CloseSummary {
  int days = 0;
  int64_t loans = 0;    // loans brought forward
  int64_t entries = 0;  // journal entries posted
};
struct CloseRequest {
  Date to;
  std::function<void(Date day, int64_t loans)> progress;
  // Called once when another end of day is running and this one must wait.
  std::function<void()> waiting;
};

// What CloseTo answers (batch::CloseRejection).
enum class CloseRejection {
  kCloseDatePast,     // the business date cannot go back
  kLedgerUnbalanced,  // the balances do not sum to zero: the day is not closed
};
std::string_view RejectionKey(CloseRejection code);
std::span<const RejectionEntry<CloseRejection>> RejectionTable(CloseRejection);

// End of day up to `to` (batch::CloseTo): restartable; one run at a time; the
// business date only moves forward (CLOSE_DATE_PAST otherwise).
Result<CloseSummary> CloseTo(Connection& connection, const Context& context,
                             const CloseRequest& request);

struct VerifyReport {
  int64_t entries = 0, loans = 0, savings_accounts = 0;
  int64_t chain_length = 0;   // entries in the journal's hash chain
  std::string chain_head;     // the last entry's hash (hex): keep it outside the database
  int64_t audit_records = 0;  // records of the audit trail's chain
  std::string audit_head;     // the last record's hash (hex)
  std::vector<std::string> problems;
  bool ok() const { return problems.empty(); }
};
// The books' invariants (batch::Verify); `deep` also replays every loan.
VerifyReport Verify(Connection& connection, const Context& context, bool deep,
                    const std::function<void(const char*)>& phase = nullptr);

struct NetworkCounts {
  int64_t branches = 0, offices = 0, seats = 0, points = 0, villages = 0, groups = 0, borrowers = 0,
          memberships = 0, association_units = 0;
};
Result<NetworkCounts> CountNetwork(Connection& connection, const Context& context, Date on);

// What Backup answers.
enum class BackupRejection {
  kBackupTargetExists,  // the target file exists
  kBackupToolMissing,   // PostgreSQL, and no pg_basebackup on this machine
};
std::string_view RejectionKey(BackupRejection code);
std::span<const RejectionEntry<BackupRejection>> RejectionTable(BackupRejection);

// An online, consistent copy of the database to `path`, which must not exist
// (BACKUP_TARGET_EXISTS): SQLite, the file `path`; PostgreSQL, a base backup
// of the cluster into the directory `path` with pg_basebackup
// (BACKUP_TOOL_MISSING when it is not installed; docs/OPERATIONS.md "Backup").
// A failure of the copy itself is a StorageFault.
Status Backup(Connection& connection, const Context& context, const std::string& path);

}  // namespace tdcs::app
