-- 0007: idempotency keys belong to their actor and to the kind of request,
-- and keep the request in a canonical encoding; batch runs record where they
-- are so that a stopped run resumes.

CREATE TABLE idempotency_record (
  actor TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL,
  request TEXT NOT NULL, result TEXT NOT NULL,
  PRIMARY KEY (actor, kind, key));
-- Before this migration no face sent keys (only scenario runs, on throw-away
-- databases), so the old table holds nothing to keep.
DROP TABLE idempotency_key;

-- name → value: e.g. simulate.sessions_done = the last day whose sessions
-- were all posted.
CREATE TABLE batch_state (name TEXT PRIMARY KEY, value TEXT NOT NULL);
