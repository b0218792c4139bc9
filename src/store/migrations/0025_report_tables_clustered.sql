-- sqlite-only
-- 0025: the read model's tables (0019) clustered by their keys on SQLite
-- (WITHOUT ROWID), so that a posting's change to a series' day touches one
-- b-tree instead of a row table and its key's index: a payment writes about
-- a fifth fewer pages at its commit (docs/PERFORMANCE.md "The API under
-- load"). PostgreSQL's tables have no row id to drop; there this migration
-- only records its version. The rows are copied as they are.
CREATE TABLE report_key_clustered (
  key TEXT PRIMARY KEY, level TEXT NOT NULL, unit_id BIGINT NOT NULL,
  association_code BIGINT NOT NULL, program_code TEXT NOT NULL, fund_source BIGINT NOT NULL,
  measure TEXT NOT NULL) WITHOUT ROWID;
INSERT INTO report_key_clustered (key, level, unit_id, association_code, program_code,
  fund_source, measure)
  SELECT key, level, unit_id, association_code, program_code, fund_source, measure
  FROM report_key;
DROP TABLE report_key;
ALTER TABLE report_key_clustered RENAME TO report_key;
CREATE INDEX report_key_unit ON report_key (level, unit_id);

CREATE TABLE report_day_clustered (
  key TEXT NOT NULL, day DATE NOT NULL, value BIGINT NOT NULL, PRIMARY KEY (key, day))
  WITHOUT ROWID;
INSERT INTO report_day_clustered (key, day, value) SELECT key, day, value FROM report_day;
DROP TABLE report_day;
ALTER TABLE report_day_clustered RENAME TO report_day;

CREATE TABLE report_household_clustered (key TEXT PRIMARY KEY, loans_owing BIGINT NOT NULL)
  WITHOUT ROWID;
INSERT INTO report_household_clustered (key, loans_owing)
  SELECT key, loans_owing FROM report_household;
DROP TABLE report_household;
ALTER TABLE report_household_clustered RENAME TO report_household;
