-- 0023: the audit trail (docs/RULES.md §15): every write, from the command
-- line or over HTTP — who, when, from where, what, the state before and
-- after — append-only. Each record holds its position (seq: 1, 2, … in
-- commit order, without gaps), the previous record's hash and its own:
-- BLAKE2b-256 of a canonical encoding of the record and the previous hash
-- (src/store/audit_store.h), as 64 lowercase hex digits. The head row is
-- locked and rewritten at the commit of each transaction that writes
-- records, so writers append one after the other; `tdcs verify` walks the
-- chain and names the first record that does not fit it.
CREATE TABLE audit_record (
  seq BIGINT PRIMARY KEY, at_micros BIGINT NOT NULL, actor TEXT NOT NULL, role TEXT NOT NULL,
  scope TEXT NOT NULL, origin TEXT NOT NULL, request_id TEXT NOT NULL, action TEXT NOT NULL,
  subject TEXT NOT NULL, before_state TEXT NOT NULL, after_state TEXT NOT NULL,
  prev_hash TEXT NOT NULL, record_hash TEXT NOT NULL);
CREATE INDEX audit_record_actor ON audit_record (actor, seq);
CREATE INDEX audit_record_subject ON audit_record (subject, seq);
CREATE TABLE audit_head (
  id BIGINT PRIMARY KEY CHECK (id = 1), last_seq BIGINT NOT NULL, last_hash TEXT NOT NULL);
INSERT INTO audit_head (id, last_seq, last_hash) VALUES
  (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
