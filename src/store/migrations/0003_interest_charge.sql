-- 0003: how a loan's interest is charged: 'collection' (when collected, the
-- default) or 'month_end' (at every month end), fixed at approval from the
-- setting 'interest.charge' in force on the decision date.
ALTER TABLE loan ADD COLUMN interest_charge TEXT NOT NULL DEFAULT 'collection';

-- Sessions read the active loans of a session day in id order: the index
-- serves both the filter and the order.
DROP INDEX loan_session_day;
CREATE INDEX loan_session_day ON loan (session_day, status, id);
