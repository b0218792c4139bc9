-- 0008: member savings movements are replayable and reversible (see
-- src/savings/savings.h). savings_txn now also records repayments from
-- savings (kind 'repay', the loan's entry) and reversals (kind 'reverse',
-- reverses = the reversed movement, which gets reversed_by), so an account's
-- state is the replay of its movements; they are read by account, in order.
ALTER TABLE savings_txn ADD COLUMN reverses BIGINT;
ALTER TABLE savings_txn ADD COLUMN reversed_by BIGINT;
CREATE INDEX savings_txn_account ON savings_txn (account_id, id);
