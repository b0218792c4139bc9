// PostgreSQL's own programs, run by TDCS for the operations they do best: a
// base backup (pg_basebackup). Only the store knows them, like it alone
// knows libpq.
#pragma once

#include <string>

namespace tdcs::store {

// The full path of PostgreSQL client program `name` ("pg_basebackup"): the
// first on PATH, else the newest under /usr/lib/postgresql/*/bin (Debian's
// layout); empty when there is none.
std::string FindPostgresTool(const std::string& name);

// A base backup of the cluster that the connection string `uri` reaches,
// into `dir` (which must not exist): pg_basebackup in plain format with the
// WAL it needs streamed alongside (-X stream), after a fast checkpoint, and
// its backup_manifest (check it with pg_verifybackup). The password, if the
// URI holds one, reaches pg_basebackup through its environment, never its
// command line. The role needs the REPLICATION attribute and a replication
// line in pg_hba.conf. Throws StorageFault with what pg_basebackup said when
// it fails (its last lines, the password hidden), and removes a half-written
// `dir`.
void PostgresBaseBackup(const std::string& uri, const std::string& dir);

}  // namespace tdcs::store
