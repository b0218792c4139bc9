-- 0016: the commune session as a record (RULES §6.2). A session is opened
-- (by its first posting, or on its own), its groups' batches are posted, one
-- atomic batch per group under one idempotency key, and it is closed.
CREATE TABLE commune_session (
  point_id BIGINT NOT NULL REFERENCES commune_point(id),
  session_date DATE NOT NULL,
  status TEXT NOT NULL,          -- open | closed
  opened_on DATE NOT NULL,       -- the business date
  opened_by TEXT NOT NULL,
  PRIMARY KEY (point_id, session_date));

-- A group's batch as posted: its key (the file's key and the group's code),
-- the hash of what it posted (the same key with other lines is refused), and
-- what it came to.
CREATE TABLE session_batch (
  idempotency_key TEXT NOT NULL,
  group_code TEXT NOT NULL,
  point_id BIGINT NOT NULL,
  session_date DATE NOT NULL,
  request_hash TEXT NOT NULL,
  lines BIGINT NOT NULL,
  amount_dong BIGINT NOT NULL,
  flagged BIGINT NOT NULL,
  posted_by TEXT NOT NULL,
  PRIMARY KEY (idempotency_key, group_code),
  FOREIGN KEY (point_id, session_date) REFERENCES commune_session (point_id, session_date));
