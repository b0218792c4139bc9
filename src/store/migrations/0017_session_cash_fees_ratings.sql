-- 0017: the session's cash, commission and entrustment fees, group ratings
-- (docs/RULES.md §6.3, §6.4, §7).

-- A session's closing: the cash counted at the point against what the books
-- say came in and went out at it, and the difference recorded with its
-- reason (a surplus or a shortage posted to its own account).
ALTER TABLE commune_session ADD COLUMN expected_dong BIGINT;
ALTER TABLE commune_session ADD COLUMN counted_dong BIGINT;
ALTER TABLE commune_session ADD COLUMN difference_reason TEXT;
ALTER TABLE commune_session ADD COLUMN closed_on DATE;
ALTER TABLE commune_session ADD COLUMN closed_by TEXT;

-- What each group's batch had due and what it paid, as the list said at
-- posting (the interest collection and principal repayment of the rating).
ALTER TABLE session_batch ADD COLUMN interest_due_dong BIGINT NOT NULL DEFAULT 0;
ALTER TABLE session_batch ADD COLUMN interest_paid_dong BIGINT NOT NULL DEFAULT 0;
ALTER TABLE session_batch ADD COLUMN principal_due_dong BIGINT NOT NULL DEFAULT 0;
ALTER TABLE session_batch ADD COLUMN principal_paid_dong BIGINT NOT NULL DEFAULT 0;
-- The month whose session it was (a session moved across a month's edge
-- belongs to its own month).
ALTER TABLE session_batch ADD COLUMN session_month TEXT NOT NULL DEFAULT '';
UPDATE session_batch SET session_month = substr(CAST(session_date AS TEXT), 1, 7);
CREATE INDEX session_batch_session ON session_batch (point_id, session_date);

-- The journal by date (a month's entries: fees, ratings) and a point's
-- loans (a session's cash).
CREATE INDEX journal_entry_date ON journal_entry (entry_date);
CREATE INDEX loan_point ON loan (point_id);

-- The group rating of a month (BC0437): each criterion's figure (basis
-- points: 1 % = 100) and points, the total and the class. Rated again, a
-- month's rows are replaced.
CREATE TABLE group_rating (
  month TEXT NOT NULL, group_id BIGINT NOT NULL REFERENCES savings_group(id),
  point_id BIGINT NOT NULL, association_code BIGINT NOT NULL,
  commune_era TEXT NOT NULL, commune_code TEXT NOT NULL,
  session_share_bp BIGINT NOT NULL, session_share_points BIGINT NOT NULL,
  overdue_ratio_bp BIGINT NOT NULL, overdue_ratio_points BIGINT NOT NULL,
  principal_repaid_bp BIGINT NOT NULL, principal_repaid_points BIGINT NOT NULL,
  interest_collected_bp BIGINT NOT NULL, interest_collected_points BIGINT NOT NULL,
  savers_share_bp BIGINT NOT NULL, savers_share_points BIGINT NOT NULL,
  savings_growth_bp BIGINT NOT NULL, savings_growth_points BIGINT NOT NULL,
  total BIGINT NOT NULL, class TEXT NOT NULL, rated_on DATE NOT NULL,
  PRIMARY KEY (month, group_id));

-- A month's commission (kind commission: to the group's board, level '')
-- and entrustment fee (kind fee: one row per association level) per group,
-- posted once (fee_run) to the payable accounts and paid at the point's
-- next session (paid_on): the commission and the commune level's share; the
-- upper levels' shares stay payable, paid by transfer outside the session).
CREATE TABLE fee_run (
  month TEXT PRIMARY KEY, run_on DATE NOT NULL, run_by TEXT NOT NULL,
  commission_dong BIGINT NOT NULL, fee_dong BIGINT NOT NULL);
CREATE TABLE fee_line (
  month TEXT NOT NULL, kind TEXT NOT NULL, group_id BIGINT NOT NULL,
  level TEXT NOT NULL, association_code BIGINT NOT NULL,
  area_era TEXT NOT NULL, area_code TEXT NOT NULL,
  office_id BIGINT NOT NULL, point_id BIGINT NOT NULL,
  interest_collected_dong BIGINT NOT NULL, rate_bp BIGINT NOT NULL,
  overdue_ratio_bp BIGINT NOT NULL, collection_ratio_bp BIGINT NOT NULL,
  quality TEXT NOT NULL, percent BIGINT NOT NULL, amount_dong BIGINT NOT NULL,
  paid_on DATE, paid_point_id BIGINT,
  PRIMARY KEY (month, kind, group_id, level));
CREATE INDEX fee_line_unpaid ON fee_line (point_id, paid_on);

-- The defaults of the dated settings (docs/RULES.md "Where the settings
-- live"); a later value from a date is a new row. A value already set on
-- one of these dates stays.
INSERT INTO setting (name, valid_from, value) VALUES
  ('commission.rate_percent', '2000-01-01', '10'),
  ('commission.full.overdue_max_percent', '2000-01-01', '2'),
  ('commission.full.collection_min_percent', '2000-01-01', '95'),
  ('commission.paid.overdue_max_percent', '2000-01-01', '5'),
  ('commission.paid.collection_min_percent', '2000-01-01', '80'),
  ('commission.reduced_share_percent', '2000-01-01', '50'),
  ('fee.rate_percent', '2000-01-01', '8'),
  ('fee.full.overdue_max_percent', '2000-01-01', '3'),
  ('fee.full.collection_min_percent', '2000-01-01', '90'),
  ('fee.paid.overdue_max_percent', '2000-01-01', '5'),
  ('fee.paid.collection_min_percent', '2000-01-01', '70'),
  ('fee.reduced_share_percent', '2000-01-01', '50'),
  ('fee.share.central_percent', '2000-01-01', '5'),
  ('fee.share.province_percent', '2000-01-01', '10'),
  ('fee.share.district_percent', '2000-01-01', '15'),
  ('fee.share.commune_percent', '2000-01-01', '70'),
  ('fee.share.central_percent', '2025-07-01', '5'),
  ('fee.share.province_percent', '2025-07-01', '15'),
  ('fee.share.district_percent', '2025-07-01', '0'),
  ('fee.share.commune_percent', '2025-07-01', '80'),
  ('rating.session_share', '2000-01-01', '95:20,80:15,60:10,40:5,0:0'),
  ('rating.overdue_ratio', '2000-01-01', '0.5:30,1:25,2:20,3:15,5:10,100:0'),
  ('rating.principal_repaid', '2000-01-01', '95:15,85:12,70:8,50:4,0:0'),
  ('rating.interest_collected', '2000-01-01', '98:20,95:16,90:12,80:8,0:0'),
  ('rating.savers_share', '2000-01-01', '90:5,70:4,50:3,30:1,0:0'),
  ('rating.savings_growth', '2000-01-01', '0:10,-5:6,-20:3,-100:0'),
  ('rating.classes', '2000-01-01', '85:tot,70:kha,50:trung_binh,0:yeu')
ON CONFLICT (name, valid_from) DO NOTHING;
