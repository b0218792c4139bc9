-- 0005: the journal as a hash chain (tamper evidence; docs/ARCHITECTURE.md).
--
-- Each entry gets its position in the chain (chain_seq: 1, 2, … in commit
-- order, without gaps), the previous entry's hash and its own: BLAKE2b-256 of
-- a canonical encoding of the entry, its postings and the previous hash
-- (src/store/journal_chain.h), as 64 lowercase hex digits. Entries written
-- before this migration have NULLs until `tdcs init` seals them.
ALTER TABLE journal_entry ADD COLUMN chain_seq BIGINT;
ALTER TABLE journal_entry ADD COLUMN prev_hash TEXT;
ALTER TABLE journal_entry ADD COLUMN entry_hash TEXT;
-- Unique: two writers can never take the same position; also the order in
-- which verify walks the chain and the way init finds unsealed entries.
CREATE UNIQUE INDEX journal_entry_chain ON journal_entry (chain_seq);

-- The head of the chain: one row, locked by the first entry of a transaction
-- and rewritten with the last one, so writers append one after the other.
CREATE TABLE journal_chain (
  id BIGINT PRIMARY KEY CHECK (id = 1), last_seq BIGINT NOT NULL, last_hash TEXT NOT NULL,
  last_entry_id BIGINT NOT NULL);
INSERT INTO journal_chain (id, last_seq, last_hash, last_entry_id) VALUES
  (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', 0);
