-- 0024: maker-checker (docs/RULES.md §14.4). An action that moves or
-- forgives money beyond what one person may do alone — a write-off, a
-- freeze, a reversal, an approval above the officer's limit — is kept here
-- as a request until a second user with the right role and area approves it
-- (then it posts, in the same transaction) or rejects it. Nothing of it
-- posts before. Both users and both times stay on the row. A reversal names
-- the transaction it reverses (target_txn_id): approved, it reverses that
-- one or nothing.
CREATE TABLE pending_request (
  id ID_PK, kind TEXT NOT NULL, loan_code TEXT NOT NULL, action_date DATE NOT NULL,
  amount_dong BIGINT NOT NULL, months BIGINT NOT NULL, heir_code TEXT NOT NULL,
  note TEXT NOT NULL, maker TEXT NOT NULL, maker_role TEXT NOT NULL, made_at BIGINT NOT NULL,
  status TEXT NOT NULL, checker TEXT, decided_at BIGINT, decision_reason TEXT,
  txn_id BIGINT, target_txn_id BIGINT NOT NULL DEFAULT 0, idempotency_key TEXT NOT NULL DEFAULT '');
CREATE INDEX pending_request_status ON pending_request (status, id);
-- One request of a kind open on a loan at a time, whoever made it.
CREATE UNIQUE INDEX pending_request_open ON pending_request (loan_code, kind)
  WHERE status = 'pending';
-- A maker's key names one request: sent again, it is answered from it.
CREATE UNIQUE INDEX pending_request_key ON pending_request (maker, idempotency_key)
  WHERE idempotency_key <> '';
INSERT INTO id_sequence (name, next_value) VALUES ('pending_request', 1) ON CONFLICT (name) DO NOTHING;
