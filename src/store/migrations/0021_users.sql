-- 0021: the people who use TDCS (docs/RULES.md §14): a login, an Argon2id
-- password hash (libsodium's crypto_pwhash_str), a role and the area it may
-- act in (a unit's code, or national; an association officer's also names
-- the association), and when the user was disabled. Never deleted: the
-- audit trail names them.
CREATE TABLE app_user (
  id ID_PK, login TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL, role TEXT NOT NULL,
  scope TEXT NOT NULL, association_code BIGINT NOT NULL DEFAULT 0,
  created_on DATE NOT NULL, password_set_on DATE NOT NULL, disabled_on DATE);
INSERT INTO id_sequence (name, next_value) VALUES ('app_user', 1) ON CONFLICT (name) DO NOTHING;
