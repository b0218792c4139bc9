-- 0001: administrative units, the bank's network with history, borrowers,
-- memberships and programs.
--
-- Conventions (both engines):
--   * ID_PK is replaced by INTEGER PRIMARY KEY (SQLite rowid) or BIGINT PRIMARY KEY.
--   * Dates are DATE columns holding ISO text 'YYYY-MM-DD'.
--   * A validity period is [valid_from, valid_to): valid_to NULL means open.
--   * Commune and province codes are GSO codes; `era` says which structure a
--     code belongs to: 'L' = before 1 July 2025, 'N' = from 1 July 2025.

CREATE TABLE admin_province (
  era TEXT NOT NULL, code TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,
  full_name TEXT NOT NULL, PRIMARY KEY (era, code));
CREATE TABLE admin_district (
  code TEXT PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL,
  province_code TEXT NOT NULL, full_name TEXT NOT NULL);
CREATE TABLE admin_commune (
  era TEXT NOT NULL, code TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,
  district_code TEXT, province_code TEXT NOT NULL, full_name TEXT NOT NULL,
  PRIMARY KEY (era, code));
CREATE TABLE admin_commune_map (
  legacy_code TEXT NOT NULL, new_code TEXT NOT NULL, merge_type TEXT NOT NULL,
  PRIMARY KEY (legacy_code, new_code));
CREATE TABLE admin_district_map (
  legacy_district_code TEXT NOT NULL, new_code TEXT NOT NULL, merge_type TEXT NOT NULL,
  PRIMARY KEY (legacy_district_code, new_code));
CREATE TABLE admin_province_map (
  legacy_code TEXT PRIMARY KEY, new_code TEXT NOT NULL);

-- Settings with effective dates (the reform date, limits, …).
CREATE TABLE setting (
  name TEXT NOT NULL, valid_from DATE NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY (name, valid_from));

-- Identifiers handed out by the store (portable; no engine sequences).
CREATE TABLE id_sequence (name TEXT PRIMARY KEY, next_value BIGINT NOT NULL);

CREATE TABLE branch (
  id ID_PK, code TEXT NOT NULL UNIQUE, valid_from DATE NOT NULL, valid_to DATE);
CREATE TABLE branch_version (
  branch_id BIGINT NOT NULL REFERENCES branch(id), valid_from DATE NOT NULL, valid_to DATE,
  name TEXT NOT NULL, province_era TEXT NOT NULL, province_code TEXT NOT NULL,
  PRIMARY KEY (branch_id, valid_from));

-- kind: 'office' (phòng giao dịch) or 'seat' (the branch's own seat serving
-- communes directly; a seat of a merged branch becomes an office).
CREATE TABLE office (
  id ID_PK, code TEXT NOT NULL UNIQUE, valid_from DATE NOT NULL, valid_to DATE);
CREATE TABLE office_version (
  office_id BIGINT NOT NULL REFERENCES office(id), valid_from DATE NOT NULL, valid_to DATE,
  name TEXT NOT NULL, branch_id BIGINT NOT NULL REFERENCES branch(id), kind TEXT NOT NULL,
  PRIMARY KEY (office_id, valid_from));
CREATE INDEX office_version_branch ON office_version (branch_id);

-- A commune point sits in a commune building (site) and is reported under the
-- commune of the structure in force (report); the two differ after the reform.
CREATE TABLE commune_point (
  id ID_PK, code TEXT NOT NULL UNIQUE, valid_from DATE NOT NULL, valid_to DATE);
CREATE TABLE commune_point_version (
  point_id BIGINT NOT NULL REFERENCES commune_point(id), valid_from DATE NOT NULL,
  valid_to DATE, name TEXT NOT NULL, office_id BIGINT NOT NULL REFERENCES office(id),
  session_day BIGINT NOT NULL, site_commune_era TEXT NOT NULL, site_commune_code TEXT NOT NULL,
  report_commune_era TEXT NOT NULL, report_commune_code TEXT NOT NULL,
  PRIMARY KEY (point_id, valid_from));
CREATE INDEX commune_point_version_office ON commune_point_version (office_id);

CREATE TABLE village (
  id ID_PK, code TEXT NOT NULL UNIQUE, valid_from DATE NOT NULL, valid_to DATE);
CREATE TABLE village_version (
  village_id BIGINT NOT NULL REFERENCES village(id), valid_from DATE NOT NULL, valid_to DATE,
  name TEXT NOT NULL, commune_era TEXT NOT NULL, commune_code TEXT NOT NULL,
  PRIMARY KEY (village_id, valid_from));

-- association: 11 farmers, 12 women, 13 veterans, 14 youth.
-- level: central | province | district | commune; area_code is the province,
-- district or commune code of that level in area_era (empty for central).
CREATE TABLE association_unit (
  id ID_PK, association_code BIGINT NOT NULL, level TEXT NOT NULL, area_era TEXT NOT NULL,
  area_code TEXT NOT NULL, name TEXT NOT NULL, valid_from DATE NOT NULL, valid_to DATE);
CREATE INDEX association_unit_area ON association_unit (level, area_era, area_code);

CREATE TABLE savings_group (
  id ID_PK, code TEXT NOT NULL UNIQUE, valid_from DATE NOT NULL, valid_to DATE);
CREATE TABLE savings_group_version (
  group_id BIGINT NOT NULL REFERENCES savings_group(id), valid_from DATE NOT NULL,
  valid_to DATE, name TEXT NOT NULL, point_id BIGINT NOT NULL REFERENCES commune_point(id),
  village_id BIGINT REFERENCES village(id), association_code BIGINT NOT NULL,
  commune_era TEXT NOT NULL, commune_code TEXT NOT NULL,
  PRIMARY KEY (group_id, valid_from));
CREATE INDEX savings_group_version_point ON savings_group_version (point_id);

-- A household, represented by one adult. name_folded is the name without
-- diacritics or case, for search.
CREATE TABLE borrower (
  id ID_PK, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL, name_folded TEXT NOT NULL,
  citizen_id TEXT NOT NULL UNIQUE, birth_date DATE NOT NULL, sex TEXT NOT NULL,
  valid_from DATE NOT NULL);
CREATE INDEX borrower_name_folded ON borrower (name_folded);
-- Where the household lives and which categories it belongs to, over time.
-- categories: comma-separated codes (poor, near_poor, escaped_poverty, ethnic_minority, …).
CREATE TABLE borrower_version (
  borrower_id BIGINT NOT NULL REFERENCES borrower(id), valid_from DATE NOT NULL,
  valid_to DATE, address TEXT NOT NULL, village_id BIGINT REFERENCES village(id),
  categories TEXT NOT NULL, PRIMARY KEY (borrower_id, valid_from));

-- role: member | leader | deputy.
CREATE TABLE membership (
  id ID_PK, borrower_id BIGINT NOT NULL REFERENCES borrower(id),
  group_id BIGINT NOT NULL REFERENCES savings_group(id), role TEXT NOT NULL,
  valid_from DATE NOT NULL, valid_to DATE);
CREATE INDEX membership_borrower ON membership (borrower_id, valid_from);
CREATE INDEX membership_group ON membership (group_id, valid_from);

-- Programs and their effective-dated parameters (RULES §3).
CREATE TABLE program (
  code TEXT PRIMARY KEY, name_vi TEXT NOT NULL, name_en TEXT NOT NULL);
CREATE TABLE program_version (
  program_code TEXT NOT NULL REFERENCES program(code), valid_from DATE NOT NULL,
  rate_millionths BIGINT NOT NULL, overdue_rate_percent BIGINT NOT NULL,
  max_amount_dong BIGINT NOT NULL, max_amount_basis TEXT NOT NULL,
  max_term_months BIGINT NOT NULL, channel TEXT NOT NULL,
  eligible_categories TEXT NOT NULL, fund_sources TEXT NOT NULL,
  installment_months BIGINT NOT NULL, tranches TEXT NOT NULL, note TEXT NOT NULL,
  PRIMARY KEY (program_code, valid_from));

-- Dated operations on the network (the 2025 reform move), applied once each.
CREATE TABLE network_operation (
  id ID_PK, kind TEXT NOT NULL UNIQUE, effective_date DATE NOT NULL, applied_at TEXT NOT NULL,
  summary TEXT NOT NULL);

INSERT INTO id_sequence (name, next_value) VALUES
  ('branch', 1), ('office', 1), ('commune_point', 1), ('village', 1), ('savings_group', 1),
  ('borrower', 1), ('membership', 1), ('association_unit', 1), ('network_operation', 1);
