-- 0022: signing in over HTTP (docs/RULES.md §14). A session is a random
-- token the browser holds in a cookie; the table keeps only the token's
-- BLAKE2b-256 hash (a copy of the table signs nobody in), the user, the
-- token the writes must repeat (CSRF), and when it was made and expires
-- (microseconds since the Unix epoch). Failed sign-ins are counted per
-- login, known or not, for throttling and temporary lockout.
CREATE TABLE user_session (
  token_hash TEXT PRIMARY KEY, user_id BIGINT NOT NULL REFERENCES app_user (id),
  csrf_token TEXT NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL,
  origin TEXT NOT NULL);
CREATE INDEX user_session_user ON user_session (user_id);
CREATE TABLE sign_in_failure (
  login TEXT PRIMARY KEY, failures BIGINT NOT NULL, last_failure_at BIGINT NOT NULL,
  locked_until BIGINT NOT NULL);
