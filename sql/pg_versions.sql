-- What differs by PostgreSQL major, each case run on every major (one
-- expected file per answer: pg_versions.out is 18 and up, _1 is 17, _2 is
-- 15 and 16). New syntax registers, lints and applies where the server has
-- it and is refused with the server's own syntax error, naming file and
-- line, where it does not; lint follows each major's rewrite and
-- constraint rules.
CREATE EXTENSION pg_migrate;
\set VERBOSITY terse
\set try_reports 'where'
\i test/sql/try.sql
CREATE FUNCTION pg_temp.rules(script text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    found text;
BEGIN
    SELECT coalesce(string_agg(rule, ', ' ORDER BY rule), '(none)') INTO found FROM migrate.lint(script);
    RETURN found;
EXCEPTION WHEN OTHERS THEN
    RETURN 'refused: ' || SQLSTATE;
END $$;

CREATE TABLE items (id bigint PRIMARY KEY, qty integer, label text, price numeric);
INSERT INTO items SELECT g, g, 'item ' || g, g * 2 FROM generate_series(1, 50) g;
-- From 18 on a NOT NULL constraint can be NOT VALID: the column is then
-- attnotnull although rows may hold NULL.
DO $$ BEGIN
    IF current_setting('server_version_num')::int >= 180000 THEN
        EXECUTE 'ALTER TABLE items ADD CONSTRAINT items_qty_nn NOT NULL qty NOT VALID';
    END IF;
END $$;

SELECT script, pg_temp.rules(script) FROM (VALUES
    -- every major: a stored generated column rewrites the table
    ('ALTER TABLE items ADD COLUMN total numeric GENERATED ALWAYS AS (qty * price) STORED;'),
    -- 18+: virtual (the default from 18 on) stores nothing, rewrites nothing
    ('ALTER TABLE items ADD COLUMN total numeric GENERATED ALWAYS AS (qty * price) VIRTUAL;'),
    ('ALTER TABLE items ADD COLUMN total numeric GENERATED ALWAYS AS (qty * price);'),
    -- 18+: a table-level NOT NULL constraint scans unless NOT VALID
    ('ALTER TABLE items ADD CONSTRAINT items_label_nn NOT NULL label;'),
    ('ALTER TABLE items ADD CONSTRAINT items_label_nn NOT NULL label NOT VALID;'),
    -- every major scans; on 18 because the NOT VALID constraint is validated
    ('ALTER TABLE items ALTER COLUMN qty SET NOT NULL;'),
    ('ALTER TABLE items ALTER COLUMN id SET NOT NULL;'),
    -- 17+: MERGE ... RETURNING
    ('MERGE INTO items i USING (VALUES (1, 5)) v(id, qty) ON i.id = v.id WHEN MATCHED THEN UPDATE SET qty = v.qty RETURNING i.id;')
) AS cases(script);

-- 17+: MERGE ... RETURNING in a migration (and in its verify section, whose
-- first column decides).
SELECT pg_temp.try($$SELECT migrate.register('schema', '1', 'merge_returning', E'-- migrate:up\nCREATE TABLE stock (id int PRIMARY KEY, qty int);\nINSERT INTO stock VALUES (1, 1);\nMERGE INTO stock s USING (VALUES (1, 7)) v(id, qty) ON s.id = v.id\n  WHEN MATCHED THEN UPDATE SET qty = v.qty\n  RETURNING s.qty;\n-- migrate:verify\nSELECT qty = 7 FROM stock WHERE id = 1;\n', 'migrations/1_merge_returning.sql')$$);
-- 18+: a virtual generated column.
SELECT pg_temp.try($$SELECT migrate.register('schema', '2', 'virtual_total', E'-- migrate:up\nALTER TABLE items\n  ADD COLUMN total numeric GENERATED ALWAYS AS (qty * price) VIRTUAL;\n', 'migrations/2_virtual_total.sql')$$);
SELECT stream, version, name, outcome FROM migrate.apply();
SELECT version, state FROM migrate.status() ORDER BY version;
SELECT (SELECT qty FROM stock WHERE id = 1) AS stock_qty WHERE to_regclass('stock') IS NOT NULL;
SELECT count(*) AS virtual_columns FROM pg_attribute
WHERE attrelid = 'items'::regclass AND attname = 'total' AND attgenerated = 'v';

DROP EXTENSION pg_migrate;
DROP SCHEMA migrate;
DROP TABLE IF EXISTS items, stock;
