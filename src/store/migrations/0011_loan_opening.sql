-- 0011: the balances a loan was taken over with from another system
-- (tdcs import loans), kept with its "open" transaction so the loan replays
-- exactly: principal by state, interest owed, the schedule position, a freeze.
CREATE TABLE loan_opening (
  txn_id BIGINT PRIMARY KEY REFERENCES loan_txn(id),
  balance_on TEXT NOT NULL, disbursed_on TEXT NOT NULL, disbursed_dong BIGINT NOT NULL,
  normal_dong BIGINT NOT NULL, overdue_dong BIGINT NOT NULL, frozen_dong BIGINT NOT NULL,
  principal_due_dong BIGINT NOT NULL, interest_owed_dong BIGINT NOT NULL,
  next_due TEXT, frozen_from TEXT, frozen_until TEXT,
  frozen_overdue_dong BIGINT NOT NULL DEFAULT 0, extension_months BIGINT NOT NULL DEFAULT 0);
