-- 0010: every file imported, by the hash of its bytes, so that the same file
-- imported twice is named as such instead of failing row by row.
CREATE TABLE import_file (
  kind TEXT NOT NULL, content_hash TEXT NOT NULL, rows_imported BIGINT NOT NULL,
  imported_on TEXT NOT NULL, PRIMARY KEY (kind, content_hash));
