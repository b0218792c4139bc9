-- 0009: what an application states beyond the loan's terms, kept until it is
-- decided (tdcs loan apply, then approve): the months of study left for a
-- students' loan.
CREATE TABLE loan_application_detail (
  loan_id BIGINT PRIMARY KEY REFERENCES loan(id), study_months BIGINT NOT NULL);
