-- 0004: the end of day rewrites a loan's state many times; its indexes should
-- move only with what they are for. Sessions find a day's loans by
-- (session_day, id) and skip the few inactive ones row by row.
DROP INDEX loan_session_day;
CREATE INDEX loan_session_day ON loan (session_day, id);
