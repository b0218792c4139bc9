-- postgres-only
-- 0013: the large tables are partitioned by branch (PostgreSQL declarative
-- partitioning; docs/ARCHITECTURE.md "Partitions by branch"). SQLite records
-- this migration and runs none of it.
--
-- A branch's rows take their ids from the branch's own range: branch b owns
-- [b × 2^40, (b + 1) × 2^40) (store/partition.h), and every large table is
-- partitioned by RANGE on its id (or on the id of the row it belongs to), one
-- partition per branch. So PRIMARY KEY (id) holds the partition key and every
-- foreign key stays as it was. A household's branch is the branch of its
-- group when it is registered; its versions, memberships, loans, loan
-- transactions, journal entries, postings, savings account and movements
-- take ids in the household's range.
--
-- Partitions of each table:
--   <table>_b0       range 0, [MINVALUE, 2^40): the rows written before this
--                    migration (their ids are small) and households registered
--                    without a group;
--   <table>_b<id>    one per branch, created with the branch
--                    (tdcs_add_branch_partitions, called by NetworkStore::AddBranch).
-- There is no DEFAULT partition: every id is in a branch's range by
-- construction, and a write for a branch whose partitions are detached
-- (archived, being moved) fails, instead of landing in a default partition
-- that would then refuse the branch's partitions back.
--
-- A unique key that is not the partition key cannot be a unique index of a
-- partitioned table. Borrower codes, citizen IDs, loan codes and journal
-- chain positions are kept unique in small unpartitioned key tables
-- (unique_*), written by triggers; a savings account's borrower is unique in
-- each partition, and a CHECK keeps an account in its borrower's range, so
-- that is unique everywhere.
--
-- Existing databases: the tables are renamed, the partitioned ones created,
-- the rows copied (into range 0) and the old tables dropped, in this one
-- transaction (docs/OPERATIONS.md: time and disk it takes).

CREATE FUNCTION tdcs_add_branch_partitions(branch BIGINT) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  parent TEXT;
  part TEXT;
  low TEXT := CASE WHEN branch = 0 THEN 'MINVALUE' ELSE (branch << 40)::TEXT END;
  high TEXT := ((branch + 1) << 40)::TEXT;
BEGIN
  FOREACH parent IN ARRAY ARRAY['borrower', 'borrower_version', 'membership', 'loan', 'loan_txn',
                                'loan_opening', 'journal_entry', 'posting', 'savings_account',
                                'savings_txn'] LOOP
    part := parent || '_b' || branch;
    IF to_regclass(part) IS NULL THEN
      EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%s) TO (%s)', part,
                     parent, low, high);
      -- Rows rewritten at every payment and end of day keep room in their
      -- page, so an update stays in it and leaves the indexes alone (HOT).
      IF parent IN ('loan', 'savings_account') THEN
        EXECUTE format('ALTER TABLE %I SET (fillfactor = 70)', part);
      END IF;
    END IF;
  END LOOP;
  EXECUTE format('CREATE UNIQUE INDEX IF NOT EXISTS %I ON %I (borrower_id)',
                 'savings_account_b' || branch || '_borrower', 'savings_account_b' || branch);
  -- A branch made after this migration: its foreign keys at once.
  IF EXISTS (SELECT 1 FROM pg_constraint
             WHERE conrelid = 'journal_entry'::regclass AND contype = 'p') THEN
    PERFORM tdcs_branch_foreign_keys(branch);
  END IF;
END $$;

-- The foreign keys inside one branch, partition to partition. A row and the
-- row it refers to are in the same range — by the partition key itself
-- (posting → journal_entry, loan_opening → loan_txn, borrower_version →
-- borrower) or by a CHECK that the two ids share their range (the *_range
-- checks below) — so a key between the two partitions is exact, and its
-- check reads one plain table instead of a partitioned one (four times
-- faster per row written). loan.borrower_id may point into another branch
-- (a loan inherited across branches) and keeps its key on the whole table.
-- The keys into the large tables are checked at commit (DEFERRABLE
-- INITIALLY DEFERRED): a transaction still commits only rows whose
-- references hold, and the rows of a batch may reach the server in any order
-- within it — many rows to one INSERT (docs/ARCHITECTURE.md, Store).
CREATE FUNCTION tdcs_branch_foreign_keys(branch BIGINT) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  fk TEXT[];
BEGIN
  FOREACH fk SLICE 1 IN ARRAY ARRAY[
      ARRAY['borrower_version', 'borrower_id', 'borrower'],
      ARRAY['membership', 'borrower_id', 'borrower'],
      ARRAY['loan_txn', 'loan_id', 'loan'],
      ARRAY['loan_opening', 'txn_id', 'loan_txn'],
      ARRAY['posting', 'entry_id', 'journal_entry'],
      ARRAY['savings_account', 'borrower_id', 'borrower'],
      ARRAY['savings_txn', 'account_id', 'savings_account']] LOOP
    EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I FOREIGN KEY (%I) REFERENCES %I (id) '
                   'DEFERRABLE INITIALLY DEFERRED',
                   fk[1] || '_b' || branch, fk[1] || '_b' || branch || '_' || fk[2] || '_fkey',
                   fk[2], fk[3] || '_b' || branch);
  END LOOP;
END $$;

-- A branch's partitions out of the tables and back (docs/OPERATIONS.md):
-- detached, they are plain tables holding the branch's rows, to dump,
-- archive or move. Referencing tables first; a detached table's copies of
-- the foreign keys are dropped (what they point to is detached with it), and
-- attaching makes and checks them again. Detaching refuses while a row
-- elsewhere still points into the branch (a loan inherited by a household of
-- another branch, an application waiting in loan_application_detail).
CREATE FUNCTION tdcs_detach_branch_partitions(branch BIGINT) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  parent TEXT;
  part TEXT;
  fk RECORD;
BEGIN
  FOREACH parent IN ARRAY ARRAY['posting', 'savings_txn', 'loan_opening', 'journal_entry',
                                'loan_txn', 'savings_account', 'loan', 'membership',
                                'borrower_version', 'borrower'] LOOP
    part := parent || '_b' || branch;
    EXECUTE format('ALTER TABLE %I DETACH PARTITION %I', parent, part);
    FOR fk IN SELECT conname FROM pg_constraint
               WHERE conrelid = part::regclass AND contype = 'f' AND conparentid = 0
    LOOP
      EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', part, fk.conname);
    END LOOP;
  END LOOP;
END $$;

CREATE FUNCTION tdcs_attach_branch_partitions(branch BIGINT) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  parent TEXT;
  low TEXT := CASE WHEN branch = 0 THEN 'MINVALUE' ELSE (branch << 40)::TEXT END;
  high TEXT := ((branch + 1) << 40)::TEXT;
BEGIN
  FOREACH parent IN ARRAY ARRAY['borrower', 'borrower_version', 'membership', 'loan',
                                'savings_account', 'loan_txn', 'journal_entry', 'loan_opening',
                                'savings_txn', 'posting'] LOOP
    EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%s) TO (%s)', parent,
                   parent || '_b' || branch, low, high);
  END LOOP;
  PERFORM tdcs_branch_foreign_keys(branch);
END $$;

ALTER TABLE borrower RENAME TO borrower_unpartitioned;
ALTER TABLE borrower_version RENAME TO borrower_version_unpartitioned;
ALTER TABLE membership RENAME TO membership_unpartitioned;
ALTER TABLE loan RENAME TO loan_unpartitioned;
ALTER TABLE loan_txn RENAME TO loan_txn_unpartitioned;
ALTER TABLE loan_opening RENAME TO loan_opening_unpartitioned;
ALTER TABLE journal_entry RENAME TO journal_entry_unpartitioned;
ALTER TABLE posting RENAME TO posting_unpartitioned;
ALTER TABLE savings_account RENAME TO savings_account_unpartitioned;
ALTER TABLE savings_txn RENAME TO savings_txn_unpartitioned;

CREATE TABLE borrower (LIKE borrower_unpartitioned INCLUDING DEFAULTS) PARTITION BY RANGE (id);
CREATE TABLE borrower_version (LIKE borrower_version_unpartitioned INCLUDING DEFAULTS)
  PARTITION BY RANGE (borrower_id);
CREATE TABLE membership (LIKE membership_unpartitioned INCLUDING DEFAULTS) PARTITION BY RANGE (id);
CREATE TABLE loan (LIKE loan_unpartitioned INCLUDING DEFAULTS) PARTITION BY RANGE (id);
CREATE TABLE loan_txn (LIKE loan_txn_unpartitioned INCLUDING DEFAULTS) PARTITION BY RANGE (id);
CREATE TABLE loan_opening (LIKE loan_opening_unpartitioned INCLUDING DEFAULTS)
  PARTITION BY RANGE (txn_id);
CREATE TABLE journal_entry (LIKE journal_entry_unpartitioned INCLUDING DEFAULTS)
  PARTITION BY RANGE (id);
CREATE TABLE posting (LIKE posting_unpartitioned INCLUDING DEFAULTS) PARTITION BY RANGE (entry_id);
CREATE TABLE savings_account (LIKE savings_account_unpartitioned INCLUDING DEFAULTS)
  PARTITION BY RANGE (id);
CREATE TABLE savings_txn (LIKE savings_txn_unpartitioned INCLUDING DEFAULTS)
  PARTITION BY RANGE (id);

SELECT tdcs_add_branch_partitions(0);
SELECT tdcs_add_branch_partitions(id) FROM branch ORDER BY id;

INSERT INTO borrower SELECT * FROM borrower_unpartitioned;
INSERT INTO borrower_version SELECT * FROM borrower_version_unpartitioned;
INSERT INTO membership SELECT * FROM membership_unpartitioned;
INSERT INTO loan SELECT * FROM loan_unpartitioned;
INSERT INTO loan_txn SELECT * FROM loan_txn_unpartitioned;
INSERT INTO loan_opening SELECT * FROM loan_opening_unpartitioned;
INSERT INTO journal_entry SELECT * FROM journal_entry_unpartitioned;
INSERT INTO posting SELECT * FROM posting_unpartitioned;
INSERT INTO savings_account SELECT * FROM savings_account_unpartitioned;
INSERT INTO savings_txn SELECT * FROM savings_txn_unpartitioned;

-- Their keys and indexes go with them, and loan_application_detail's
-- foreign key to loan (made again below).
DROP TABLE savings_txn_unpartitioned, savings_account_unpartitioned, posting_unpartitioned,
  journal_entry_unpartitioned, loan_opening_unpartitioned, loan_txn_unpartitioned,
  loan_unpartitioned, membership_unpartitioned, borrower_version_unpartitioned,
  borrower_unpartitioned CASCADE;

-- The keys, foreign keys and indexes of migrations 0001–0012, on the
-- partitioned tables (each partition gets its own; later partitions too).
ALTER TABLE borrower ADD PRIMARY KEY (id);
CREATE INDEX borrower_code ON borrower (code);
CREATE INDEX borrower_citizen_id ON borrower (citizen_id);
CREATE INDEX borrower_name_folded ON borrower (name_folded);
ALTER TABLE borrower_version ADD PRIMARY KEY (borrower_id, valid_from);
ALTER TABLE borrower_version ADD FOREIGN KEY (village_id) REFERENCES village (id);
ALTER TABLE membership ADD PRIMARY KEY (id);
ALTER TABLE membership ADD CONSTRAINT membership_range CHECK (id >> 40 = borrower_id >> 40);
ALTER TABLE membership ADD FOREIGN KEY (group_id) REFERENCES savings_group (id);
CREATE INDEX membership_borrower ON membership (borrower_id, valid_from);
CREATE INDEX membership_group ON membership (group_id, valid_from);
ALTER TABLE loan ADD PRIMARY KEY (id);
ALTER TABLE loan ADD FOREIGN KEY (borrower_id) REFERENCES borrower (id)
  DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE loan ADD FOREIGN KEY (program_code) REFERENCES program (code);
CREATE INDEX loan_code ON loan (code);
CREATE INDEX loan_next_event ON loan (next_event_date);
CREATE INDEX loan_borrower ON loan (borrower_id);
CREATE INDEX loan_session_day ON loan (session_day, id);
ALTER TABLE loan_application_detail ADD FOREIGN KEY (loan_id) REFERENCES loan (id)
  DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE loan_txn ADD PRIMARY KEY (id);
ALTER TABLE loan_txn ADD CONSTRAINT loan_txn_range CHECK (id >> 40 = loan_id >> 40);
CREATE INDEX loan_txn_loan ON loan_txn (loan_id, id);
ALTER TABLE loan_opening ADD PRIMARY KEY (txn_id);
ALTER TABLE journal_entry ADD PRIMARY KEY (id);
CREATE INDEX journal_entry_loan ON journal_entry (loan_id);
CREATE INDEX journal_entry_chain ON journal_entry (chain_seq);
CREATE INDEX posting_entry ON posting (entry_id);
CREATE INDEX posting_loan ON posting (loan_id);
ALTER TABLE savings_account ADD PRIMARY KEY (id);
ALTER TABLE savings_account ADD CONSTRAINT savings_account_in_borrower_range
  CHECK (id >> 40 = borrower_id >> 40);
ALTER TABLE savings_txn ADD PRIMARY KEY (id);
ALTER TABLE savings_txn ADD CONSTRAINT savings_txn_range CHECK (id >> 40 = account_id >> 40);
SELECT tdcs_branch_foreign_keys(0);
SELECT tdcs_branch_foreign_keys(id) FROM branch ORDER BY id;
CREATE INDEX savings_txn_account ON savings_txn (account_id, id);

-- The unique keys that are not partition keys. A row's key is taken when it
-- is inserted (or its key column updated) and given back when it is deleted,
-- so the key tables refuse what the unique indexes refused. (Detaching or
-- dropping a partition keeps its rows' keys taken: an archived code is not
-- given out again.)
CREATE TABLE unique_borrower_code (code TEXT PRIMARY KEY, borrower_id BIGINT NOT NULL);
CREATE TABLE unique_borrower_citizen_id (citizen_id TEXT PRIMARY KEY, borrower_id BIGINT NOT NULL);
CREATE TABLE unique_loan_code (code TEXT PRIMARY KEY, loan_id BIGINT NOT NULL);
CREATE TABLE unique_chain_seq (chain_seq BIGINT PRIMARY KEY, entry_id BIGINT NOT NULL);
INSERT INTO unique_borrower_code SELECT code, id FROM borrower;
INSERT INTO unique_borrower_citizen_id SELECT citizen_id, id FROM borrower;
INSERT INTO unique_loan_code SELECT code, id FROM loan;
INSERT INTO unique_chain_seq SELECT chain_seq, id FROM journal_entry WHERE chain_seq IS NOT NULL;

CREATE FUNCTION tdcs_unique_borrower_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    DELETE FROM unique_borrower_code WHERE code = OLD.code;
    DELETE FROM unique_borrower_citizen_id WHERE citizen_id = OLD.citizen_id;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO unique_borrower_code (code, borrower_id) VALUES (NEW.code, NEW.id);
    INSERT INTO unique_borrower_citizen_id (citizen_id, borrower_id) VALUES (NEW.citizen_id, NEW.id);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER borrower_unique_keys AFTER DELETE OR UPDATE OF id, code, citizen_id
  ON borrower FOR EACH ROW EXECUTE FUNCTION tdcs_unique_borrower_keys();
-- Inserted rows take their keys once per statement (a multi-row insert
-- writes its keys in two statements, not two per row).
CREATE FUNCTION tdcs_unique_borrower_keys_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO unique_borrower_code (code, borrower_id) SELECT code, id FROM inserted;
  INSERT INTO unique_borrower_citizen_id (citizen_id, borrower_id) SELECT citizen_id, id FROM inserted;
  RETURN NULL;
END $$;
CREATE TRIGGER borrower_unique_keys_inserted AFTER INSERT ON borrower
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT
  EXECUTE FUNCTION tdcs_unique_borrower_keys_inserted();

CREATE FUNCTION tdcs_unique_loan_code() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    DELETE FROM unique_loan_code WHERE code = OLD.code;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO unique_loan_code (code, loan_id) VALUES (NEW.code, NEW.id);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER loan_unique_code AFTER DELETE OR UPDATE OF id, code
  ON loan FOR EACH ROW EXECUTE FUNCTION tdcs_unique_loan_code();
CREATE FUNCTION tdcs_unique_loan_code_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO unique_loan_code (code, loan_id) SELECT code, id FROM inserted;
  RETURN NULL;
END $$;
CREATE TRIGGER loan_unique_code_inserted AFTER INSERT ON loan
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT
  EXECUTE FUNCTION tdcs_unique_loan_code_inserted();

CREATE FUNCTION tdcs_unique_chain_seq() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND OLD.chain_seq IS NOT NULL THEN
    DELETE FROM unique_chain_seq WHERE chain_seq = OLD.chain_seq;
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.chain_seq IS NOT NULL THEN
    INSERT INTO unique_chain_seq (chain_seq, entry_id) VALUES (NEW.chain_seq, NEW.id);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER journal_entry_unique_chain_seq AFTER DELETE OR UPDATE OF id, chain_seq
  ON journal_entry FOR EACH ROW EXECUTE FUNCTION tdcs_unique_chain_seq();
CREATE FUNCTION tdcs_unique_chain_seq_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO unique_chain_seq (chain_seq, entry_id)
    SELECT chain_seq, id FROM inserted WHERE chain_seq IS NOT NULL;
  RETURN NULL;
END $$;
CREATE TRIGGER journal_entry_unique_chain_seq_inserted AFTER INSERT ON journal_entry
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT
  EXECUTE FUNCTION tdcs_unique_chain_seq_inserted();

-- A row's id is its place: it never changes (an id moved to another range
-- would move the row between partitions, past the key triggers above).
CREATE FUNCTION tdcs_refuse_id_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the id of a % row does not change', TG_TABLE_NAME;
END $$;
CREATE TRIGGER borrower_id_fixed BEFORE UPDATE OF id ON borrower
  FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION tdcs_refuse_id_change();
CREATE TRIGGER loan_id_fixed BEFORE UPDATE OF id ON loan
  FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION tdcs_refuse_id_change();
CREATE TRIGGER journal_entry_id_fixed BEFORE UPDATE OF id ON journal_entry
  FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION tdcs_refuse_id_change();

-- The planner's statistics for the new tables.
ANALYZE borrower, borrower_version, membership, loan, loan_txn, loan_opening, journal_entry,
  posting, savings_account, savings_txn;
