-- postgres-only
-- 0014: every text column of the schema compares bytewise (COLLATE "C"), as
-- SQLite's text does. TDCS's text keys (codes, citizen IDs, folded names,
-- account codes, idempotency keys) are looked up by equality and by prefix,
-- never sorted for a reader in a language's order; a database created with a
-- language collation (en_US.UTF-8, vi_VN.UTF-8, even C.UTF-8) would compare
-- every key through the C library's collation at each step of every index
-- search and insert. Bytewise, a 200,000-row insert into three text indexes
-- takes 0.8 s instead of 1.4 s, and both engines order text the same way
-- (UTF-8 bytes order as code points).
--
-- tdcs_text_bytewise() converts what is not yet bytewise, so it also serves
-- the migrations after this one (store::Migrate calls it after each on
-- PostgreSQL). A column's type change is refused while a trigger names the
-- column (UPDATE OF …), so the triggers of each table changed are dropped
-- and created again from their definitions; indexes and keys are rebuilt by
-- the ALTER itself. Partitions follow their table.
CREATE FUNCTION tdcs_text_bytewise() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  t record;
  trig record;
  alters text;
  definitions text[];
  definition text;
BEGIN
  FOR t IN
    SELECT c.oid, c.relname,
           string_agg(format('ALTER COLUMN %I TYPE text COLLATE "C"', a.attname), ', '
                      ORDER BY a.attnum) AS alters
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      AND a.attnum > 0 AND NOT a.attisdropped AND a.atttypid = 'text'::regtype
      AND a.attcollation <> 'pg_catalog."C"'::regcollation
    GROUP BY c.oid, c.relname
  LOOP
    definitions := ARRAY[]::text[];
    -- The table's own triggers and those made on a partition by hand; a
    -- partition's copies of its table's triggers go and come with them.
    FOR trig IN
      SELECT g.oid, g.tgname, g.tgrelid
      FROM pg_trigger g
      WHERE NOT g.tgisinternal AND g.tgparentid = 0
        AND (g.tgrelid = t.oid OR g.tgrelid IN (SELECT relid FROM pg_partition_tree(t.oid)))
    LOOP
      definitions := definitions || pg_get_triggerdef(trig.oid);
      EXECUTE format('DROP TRIGGER %I ON %s', trig.tgname, trig.tgrelid::regclass);
    END LOOP;
    EXECUTE format('ALTER TABLE %I %s', t.relname, t.alters);
    FOREACH definition IN ARRAY definitions LOOP
      EXECUTE definition;
    END LOOP;
  END LOOP;
END
$$;

SELECT tdcs_text_bytewise();
