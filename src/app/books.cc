#include "app/books.h"

#include <filesystem>

#include "app/access.h"
#include "app/internal/access.h"
#include "app/internal/scope.h"
#include "batch/close.h"
#include "batch/verify.h"
#include "store/network_store.h"
#include "store/pg_tools.h"

namespace tdcs::app {

// The wire string of each rejection code (docs/API.md "Error codes").
#define TDCS_CLOSE_REJECTIONS(X)       \
  X(kCloseDatePast, "CLOSE_DATE_PAST") \
  X(kLedgerUnbalanced, "LEDGER_UNBALANCED")
TDCS_DEFINE_REJECTIONS(CloseRejection, TDCS_CLOSE_REJECTIONS)
#undef TDCS_CLOSE_REJECTIONS

#define TDCS_BACKUP_REJECTIONS(X)                \
  X(kBackupTargetExists, "BACKUP_TARGET_EXISTS") \
  X(kBackupToolMissing, "BACKUP_TOOL_MISSING")
TDCS_DEFINE_REJECTIONS(BackupRejection, TDCS_BACKUP_REJECTIONS)
#undef TDCS_BACKUP_REJECTIONS

Result<CloseSummary> CloseTo(Connection& connection, const Context&, const CloseRequest& request) {
  auto result = batch::CloseTo(Db(connection), request.to, request.progress, batch::kCloseBatch,
                               request.waiting);
  if (!result.ok()) return result.error();
  const auto& s = result.value();
  return CloseSummary{s.days, s.loans, s.entries};
}

VerifyReport Verify(Connection& connection, const Context&, bool deep,
                    const std::function<void(const char*)>& phase) {
  auto report = batch::Verify(Db(connection), deep, phase);
  VerifyReport out;
  out.entries = report.entries;
  out.loans = report.loans;
  out.savings_accounts = report.savings_accounts;
  out.chain_length = report.chain_length;
  out.chain_head = report.chain_head;
  out.audit_records = report.audit_records;
  out.audit_head = report.audit_head;
  out.problems = std::move(report.problems);
  return out;
}

Result<NetworkCounts> CountNetwork(Connection& connection, const Context& context, Date on) {
  // The whole network's counts: for those who work nationally.
  if (!ScopeCheck(Db(connection), context.actor).national())
    return MakeError(AccessRejection::kForbidden, "",
                     "Chỉ người làm việc toàn quốc mới xem được số liệu toàn mạng lưới",
                     "Only national users may see the counts of the whole network");
  const auto c = store::NetworkStore(Db(connection)).CountsOn(on);
  return NetworkCounts{c.branches, c.offices,   c.seats,       c.points,           c.villages,
                       c.groups,   c.borrowers, c.memberships, c.association_units};
}

Status Backup(Connection& connection, const Context&, const std::string& path) {
  if (std::filesystem::exists(path))
    return MakeError(BackupRejection::kBackupTargetExists, "to", "Tệp đã tồn tại: " + path,
                     "The file exists: " + path);
  store::Database& db = Db(connection);
  if (db.engine() == store::Engine::kPostgres && store::FindPostgresTool("pg_basebackup").empty())
    return MakeError(BackupRejection::kBackupToolMissing, "db",
                     "Không tìm thấy pg_basebackup để sao lưu PostgreSQL: hãy cài gói "
                     "postgresql-client (apt-get install postgresql-client)",
                     "pg_basebackup, which backs up PostgreSQL, is not installed: install the "
                     "postgresql-client package (apt-get install postgresql-client)");
  db.BackupTo(path);
  return Status::Ok();
}

}  // namespace tdcs::app
