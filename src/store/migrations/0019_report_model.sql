-- 0019: the reports' read model (docs/RULES.md §9), kept with the postings.
--
-- A loan is reported under the savings group, and that group's association,
-- it was taken on in (applied for, or taken over as an opening balance),
-- like its commune point (0015): group_id and association_code are fixed
-- with the loan, so a report's parts always add up to its whole.
ALTER TABLE loan ADD COLUMN group_id BIGINT;
ALTER TABLE loan ADD COLUMN association_code BIGINT NOT NULL DEFAULT 0;
UPDATE loan SET group_id = (
  SELECT m.group_id FROM membership m
  JOIN savings_group_version g ON g.group_id = m.group_id
  WHERE m.borrower_id = loan.approved_borrower_id AND g.point_id = loan.point_id
  ORDER BY m.valid_from DESC, g.valid_from DESC LIMIT 1)
WHERE point_id IS NOT NULL;
UPDATE loan SET association_code = COALESCE((
  SELECT g.association_code FROM savings_group_version g
  WHERE g.group_id = loan.group_id ORDER BY g.valid_from DESC LIMIT 1), 0)
WHERE group_id IS NOT NULL;

-- One series of the read model: a measure (an account's balance, a
-- turnover, a count) of a unit (level n nation, o office, p commune point,
-- g savings group; unit_id 0 for the nation) for one association, program
-- and fund source. key is "level|unit|association|program|fund|measure".
CREATE TABLE report_key (
  key TEXT PRIMARY KEY, level TEXT NOT NULL, unit_id BIGINT NOT NULL,
  association_code BIGINT NOT NULL, program_code TEXT NOT NULL, fund_source BIGINT NOT NULL,
  measure TEXT NOT NULL);
CREATE INDEX report_key_unit ON report_key (level, unit_id);
-- The series' value at the end of each day it changed: cumulative, so the
-- value on a date is the row of the latest day on or before it, and a
-- period's turnover the difference of two such values. A posting dated
-- before later rows (a back-dated entry) adds to them too.
CREATE TABLE report_day (
  key TEXT NOT NULL, day DATE NOT NULL, value BIGINT NOT NULL, PRIMARY KEY (key, day));
-- Per household, unit and association, how many of its loans reported there
-- owe principal: a household owing one or more is a customer of the unit.
-- key is "borrower|level|unit|association".
CREATE TABLE report_household (key TEXT PRIMARY KEY, loans_owing BIGINT NOT NULL);
