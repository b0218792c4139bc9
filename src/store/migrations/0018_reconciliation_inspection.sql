-- 0018: debt reconciliation (list 15/TD) and the associations' inspections
-- (form 06/TD), docs/RULES.md §8.
--
-- A reconciliation campaign confirms, with each household of an area's
-- groups, what it owed and had saved on a date: the figures are snapshotted
-- when the campaign opens (one line per household), then each household's
-- answer (confirmed, or a discrepancy with its note) and, for a discrepancy,
-- its resolution are recorded with who and when. An area is reconciled once
-- on a date. (borrower_id and loan_id are not foreign keys: on PostgreSQL
-- borrower and loan are partitioned by branch, 0013; the ids are those of
-- the rows that exist when the lines are written, in the same transaction.)
CREATE TABLE reconcile_campaign (
  id ID_PK,
  code TEXT NOT NULL UNIQUE,
  unit_kind TEXT NOT NULL,       -- national | branch | office | point | group
  unit_code TEXT NOT NULL,       -- the unit's code ('national' for the whole bank)
  as_of DATE NOT NULL,           -- the date the figures are of
  opened_on DATE NOT NULL,       -- the business date it was opened on
  opened_by TEXT NOT NULL,
  status TEXT NOT NULL,          -- open
  UNIQUE (unit_kind, unit_code, as_of));

CREATE TABLE reconcile_line (
  campaign_id BIGINT NOT NULL REFERENCES reconcile_campaign(id),
  borrower_id BIGINT NOT NULL,
  group_id BIGINT NOT NULL REFERENCES savings_group(id),
  association_code BIGINT NOT NULL,  -- the group's on the date
  point_id BIGINT NOT NULL REFERENCES commune_point(id),
  office_id BIGINT NOT NULL REFERENCES office(id),
  principal_dong BIGINT NOT NULL,    -- outstanding on the date, every active loan
  interest_dong BIGINT NOT NULL,     -- interest owed on the date
  savings_dong BIGINT NOT NULL,      -- savings balance on the date
  answer TEXT CHECK (answer IS NULL OR answer IN ('confirmed', 'discrepancy')),
  note TEXT NOT NULL,
  answered_on DATE,
  answered_by TEXT,
  resolution TEXT,
  resolved_on DATE,
  resolved_by TEXT,
  PRIMARY KEY (campaign_id, borrower_id));
CREATE INDEX reconcile_line_group ON reconcile_line (campaign_id, group_id);

-- The yearly inspection plan: every group of the area given a month of the
-- year; a group is in a year's plan once.
CREATE TABLE inspection_plan (
  plan_year BIGINT NOT NULL,
  group_id BIGINT NOT NULL REFERENCES savings_group(id),
  plan_month BIGINT NOT NULL CHECK (plan_month BETWEEN 1 AND 12),
  association_code BIGINT NOT NULL,
  planned_on DATE NOT NULL,
  planned_by TEXT NOT NULL,
  PRIMARY KEY (plan_year, group_id));

-- An inspection recorded: of a loan (a new loan within 30 days, a loan with
-- no transaction for 3 months) or of a group.
CREATE TABLE inspection (
  id ID_PK,
  subject TEXT NOT NULL CHECK (subject IN ('loan', 'group')),
  loan_id BIGINT,
  group_id BIGINT REFERENCES savings_group(id),
  inspected_on DATE NOT NULL,
  result TEXT NOT NULL CHECK (result IN ('ok', 'issue')),
  note TEXT NOT NULL,
  inspector TEXT NOT NULL,
  recorded_on DATE NOT NULL,
  CHECK ((subject = 'loan' AND loan_id IS NOT NULL AND group_id IS NULL) OR
         (subject = 'group' AND group_id IS NOT NULL AND loan_id IS NULL)));
CREATE INDEX inspection_loan ON inspection (loan_id, inspected_on);
CREATE INDEX inspection_group ON inspection (group_id, inspected_on);

-- The loans an office disbursed in a window (new loans to inspect).
CREATE INDEX loan_office_disbursed ON loan (office_id, disbursed_on);
-- A household's loans, those it took over as an heir included.
CREATE INDEX loan_approved_borrower ON loan (approved_borrower_id);

INSERT INTO id_sequence (name, next_value) VALUES ('reconcile_campaign', 1), ('inspection', 1)
  ON CONFLICT (name) DO NOTHING;
