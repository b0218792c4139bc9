-- 0015: the commune session calendar. A commune point meets on its session
-- day every month; a public holiday or an office's decision moves one
-- month's session to another date (docs/RULES.md §6.1). A move is decided
-- before the session: both the day it leaves and the day it goes to are
-- after the business date when it is recorded, so no event already applied
-- (an overdue transfer on the first session after a due date) depends on a
-- move recorded later.
CREATE TABLE session_move (
  point_id BIGINT NOT NULL REFERENCES commune_point(id),
  month TEXT NOT NULL CHECK (length(month) = 7 AND substr(month, 5, 1) = '-'),  -- YYYY-MM
  session_day BIGINT NOT NULL,   -- the point's session day it moves (loans keep their own)
  moved_to DATE NOT NULL,
  reason TEXT NOT NULL,
  decided_on DATE NOT NULL,      -- the business date it was recorded on
  decided_by TEXT NOT NULL,
  PRIMARY KEY (point_id, month));

-- The commune point a loan is served at (its borrower's group's point when
-- the loan was taken on — applied for, or taken over as an opening balance —
-- the point of the office and session day the loan keeps): the point whose
-- moved sessions move its overdue dates. A loan whose borrower was in no
-- group of that office and session day then has none, and its sessions stay
-- on its session day, unmoved. (On PostgreSQL a membership's id is in its
-- borrower's branch range, and a loan transaction's in its loan's, which the
-- id bounds say, so that one branch partition is searched, not every one.)
ALTER TABLE loan ADD COLUMN point_id BIGINT;
UPDATE loan SET point_id = (
  SELECT p.point_id FROM membership m
  JOIN savings_group_version g ON g.group_id = m.group_id
  JOIN commune_point_version p ON p.point_id = g.point_id
  WHERE m.borrower_id = loan.approved_borrower_id
    AND m.id >= (loan.approved_borrower_id >> 40) << 40
    AND m.id < ((loan.approved_borrower_id >> 40) + 1) << 40
    AND m.valid_from <= t.on_date AND (m.valid_to IS NULL OR m.valid_to > t.on_date)
    AND g.valid_from <= t.on_date AND (g.valid_to IS NULL OR g.valid_to > t.on_date)
    AND p.valid_from <= t.on_date AND (p.valid_to IS NULL OR p.valid_to > t.on_date)
    AND p.office_id = loan.office_id AND p.session_day = loan.session_day
  ORDER BY m.valid_from DESC LIMIT 1)
FROM (SELECT l.id AS loan_id,
             COALESCE((SELECT MIN(o.txn_date) FROM loan_txn o
                       WHERE o.loan_id = l.id AND o.kind = 'open'
                         AND o.id >= (l.id >> 40) << 40 AND o.id < ((l.id >> 40) + 1) << 40),
                      l.applied_on) AS on_date
      FROM loan l) AS t
WHERE t.loan_id = loan.id;
