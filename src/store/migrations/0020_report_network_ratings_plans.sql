-- 0020: the network and the ratings in the reports' read model (docs/RULES.md §9.1).
--
-- The network series (report_key levels N and O: groups in force and their
-- member households, of the nation and each office, per association) are
-- built from the network tables when this migration runs (store/migrate.cc)
-- and kept with every change of groups, members and points after.
--
-- A rated group's office: its point's office on the day the month was rated
-- (a group is reported where it was rated, whatever the network does later).
ALTER TABLE group_rating ADD COLUMN office_id BIGINT;
UPDATE group_rating SET office_id = (
  SELECT pv.office_id FROM commune_point_version pv WHERE pv.point_id = group_rating.point_id
  AND pv.valid_from <= group_rating.rated_on
  AND (pv.valid_to IS NULL OR pv.valid_to > group_rating.rated_on));

-- Groups rated in a month by class, of the nation and of each office (as
-- rated), per association: written with the month's ratings (store/fee_store.cc).
CREATE TABLE report_rating (
  month TEXT NOT NULL, level TEXT NOT NULL, unit_id BIGINT NOT NULL,
  association_code BIGINT NOT NULL, class TEXT NOT NULL, groups BIGINT NOT NULL,
  PRIMARY KEY (month, level, unit_id, association_code, class));
INSERT INTO report_rating (month, level, unit_id, association_code, class, groups)
SELECT r.month, 'n', 0, r.association_code, r.class, COUNT(*) FROM group_rating r
GROUP BY r.month, r.association_code, r.class;
INSERT INTO report_rating (month, level, unit_id, association_code, class, groups)
SELECT r.month, 'o', r.office_id, r.association_code, r.class, COUNT(*) FROM group_rating r
WHERE r.office_id IS NOT NULL GROUP BY r.month, r.office_id, r.association_code, r.class;

-- The year's plan (docs/RULES.md §9.8): the outstanding a unit is to reach by
-- 31 December in a program, allocated top-down — the nation's first, then
-- its branches' within it, then each branch's offices' within the branch's.
-- level n (unit_id 0), b (a branch) or o (an office). Set again, it is replaced.
CREATE TABLE plan_target (
  year BIGINT NOT NULL, level TEXT NOT NULL, unit_id BIGINT NOT NULL, program_code TEXT NOT NULL,
  target_dong BIGINT NOT NULL, set_on DATE NOT NULL,
  PRIMARY KEY (year, level, unit_id, program_code));

-- What a loan achieves (docs/RULES.md §9.9), recorded on its application:
-- kind jobs | water_works | students | houses | released_prisoners, and how
-- many. Counted in the reports' read model (measure outcome:KIND) on the day
-- the loan's first principal is disbursed or taken over.
CREATE TABLE loan_outcome (
  loan_id BIGINT NOT NULL, kind TEXT NOT NULL, count BIGINT NOT NULL,
  PRIMARY KEY (loan_id, kind));
