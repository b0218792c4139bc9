-- 0027: the network series of each commune point (level 'P' of the reports'
-- read model: groups in force at the point and their member households, per
-- association), so that a commune's or a point's report counts them from
-- the model, as the nation's and an office's do. The series are rebuilt from
-- the network tables in this migration's transaction (store/migrate.cc); no
-- table changes.
SELECT 1;
