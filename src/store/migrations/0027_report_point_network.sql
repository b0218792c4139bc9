-- 0027: a commune point's (and so a commune's) report reads its network and
-- its ratings as the nation's and an office's do, without counting the bank.
-- The network series of each commune point (level 'P' of the reports' read
-- model: groups in force at the point and their member households, per
-- association) are rebuilt from the network tables in this migration's
-- transaction (store/migrate.cc); a month's ratings are found by point.
CREATE INDEX group_rating_point ON group_rating (month, point_id);
-- A commune's points are found by the commune they report under.
CREATE INDEX commune_point_version_commune ON commune_point_version
  (report_commune_era, report_commune_code);
