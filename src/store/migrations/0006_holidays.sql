-- 0006: public holidays, for counting working days (a working day is not a
-- Saturday, not a Sunday, not a holiday). Dated data: a row is in the
-- calendar from valid_from (and until valid_to, if a decision withdraws it);
-- a count of working days uses the calendar in force on the day it is made.
-- Loaded by `tdcs init` from data/holidays.csv (Vietnam 2024-2027).
CREATE TABLE holiday (
  holiday_date DATE NOT NULL, valid_from DATE NOT NULL, valid_to DATE,
  name_vi TEXT NOT NULL, name_en TEXT NOT NULL, note TEXT NOT NULL,
  PRIMARY KEY (holiday_date, valid_from));
