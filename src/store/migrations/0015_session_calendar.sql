-- 0015: the commune session calendar. A commune point meets on its session
-- day every month; a public holiday or an office's decision moves one
-- month's session to another date (docs/RULES.md §6.1). A move is decided
-- before the session: both the day it leaves and the day it goes to are
-- after the business date when it is recorded, so no event already applied
-- (an overdue transfer on the first session after a due date) depends on a
-- move recorded later.
CREATE TABLE session_move (
  point_id BIGINT NOT NULL REFERENCES commune_point(id),
  month TEXT NOT NULL,           -- YYYY-MM: the month whose session moves
  moved_to DATE NOT NULL,
  reason TEXT NOT NULL,
  decided_on DATE NOT NULL,      -- the business date it was recorded on
  decided_by TEXT NOT NULL,
  PRIMARY KEY (point_id, month));

-- The commune point a loan is served at (its borrower's group's point when
-- the loan was applied for; a loan keeps it, as it keeps its office and
-- session day): the point whose moved sessions move its overdue dates.
-- A loan whose borrower was in no group that day has none: its sessions
-- are on its session day, unmoved.
ALTER TABLE loan ADD COLUMN point_id BIGINT;
UPDATE loan SET point_id = (
  SELECT g.point_id FROM membership m
  JOIN savings_group_version g ON g.group_id = m.group_id
    AND g.valid_from <= loan.applied_on
    AND (g.valid_to IS NULL OR g.valid_to > loan.applied_on)
  WHERE m.borrower_id = loan.approved_borrower_id
    AND m.valid_from <= loan.applied_on
    AND (m.valid_to IS NULL OR m.valid_to > loan.applied_on)
  ORDER BY m.valid_from DESC LIMIT 1);
