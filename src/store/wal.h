// SQLite's write-ahead log, for a writer that leaves checkpoints to another
// connection (app::LogCheckpoints). Nothing of it applies to PostgreSQL.
#pragma once

#include <cstdint>

#include "store/db.h"

namespace tdcs::store {

// No checkpoint taken at this connection's own commits.
void TakeNoCheckpoints(Database& db);
// Checkpoints taken at this connection's commits again (SQLite's default:
// past 1,000 frames).
void TakeCheckpointsAgain(Database& db);
// A passive checkpoint, which waits for no writer; the frames in the log.
int64_t CheckpointPassively(Database& db);
// The log restarted from its start (waiting for the readers still on it).
void RestartLog(Database& db);

}  // namespace tdcs::store
