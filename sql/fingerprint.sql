-- Schema fingerprints: describe() is a canonical description (no OIDs, no
-- timestamps), fingerprint() its sha256. The same migrations give the same
-- description; each action records the state it left; a hand-made change of
-- any kind of object shows in schema_diff() by kind and name; the drift gate
-- warns, refuses (MG011) or stays silent; accept_drift() records a new
-- baseline; changes made by migrations never count.
CREATE EXTENSION pg_migrate;
\set VERBOSITY terse
\set try_reports 'detail'
\i test/sql/try.sql

SELECT migrate.register('schema', '1', 'shop', $m$
-- migrate:up
CREATE SCHEMA shop;
CREATE TYPE shop.mood AS ENUM ('sad', 'ok');
CREATE DOMAIN shop.price AS numeric(10,2) CHECK (VALUE >= 0);
CREATE TYPE shop.pair AS (a int, b text);
CREATE SEQUENCE shop.ticket_seq START 100 INCREMENT 5;
CREATE TABLE shop.customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE,
                             mood shop.mood DEFAULT 'ok', name text COLLATE "C");
CREATE TABLE shop.orders (id bigserial PRIMARY KEY, customer_id bigint REFERENCES shop.customers,
                          total shop.price NOT NULL DEFAULT 0, CHECK (total < 1000000));
CREATE INDEX orders_customer_idx ON shop.orders (customer_id);
CREATE VIEW shop.big_orders AS SELECT id, total FROM shop.orders WHERE total > 100;
CREATE MATERIALIZED VIEW shop.totals AS SELECT customer_id, sum(total) AS total FROM shop.orders GROUP BY 1;
CREATE FUNCTION shop.touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE PROCEDURE shop.noop() LANGUAGE sql AS $$SELECT 1$$;
CREATE TRIGGER orders_touch BEFORE INSERT ON shop.orders FOR EACH ROW EXECUTE FUNCTION shop.touch();
ALTER TABLE shop.orders ENABLE ROW LEVEL SECURITY;
CREATE POLICY orders_mine ON shop.orders FOR SELECT USING (customer_id > 0);
COMMENT ON TABLE shop.orders IS 'orders';
COMMENT ON COLUMN shop.orders.total IS 'in euros';
-- migrate:down
DROP SCHEMA shop CASCADE;
$m$);
SELECT stream, version, outcome FROM migrate.apply();

-- Every kind is described; migrate's own objects are not.
SELECT kind, count(*) FROM migrate.describe() GROUP BY kind ORDER BY kind;
SELECT count(*) AS migrate_objects FROM migrate.describe() WHERE object LIKE 'migrate.%';
SELECT kind, object, description FROM migrate.describe(ARRAY['shop'])
WHERE kind IN ('table', 'enum', 'domain', 'sequence', 'policy', 'constraint') ORDER BY kind, object;

-- The action recorded the state it left.
SELECT fingerprint = migrate.fingerprint() AS recorded FROM migrate.history WHERE action = 'apply' ORDER BY id DESC LIMIT 1;
SELECT count(*) AS drift FROM migrate.schema_diff();

-- The same migrations again (new OIDs, new sequence values) give the same description.
CREATE TEMP TABLE first AS SELECT * FROM migrate.describe();
SELECT migrate.fingerprint() AS fp1 \gset
INSERT INTO shop.customers (email) VALUES ('a@example.com');
SELECT stream, version, outcome FROM migrate.rollback();
SELECT count(*) AS shop_objects FROM migrate.describe(ARRAY['shop']);
SELECT stream, version, outcome FROM migrate.apply();
SELECT migrate.fingerprint() = :'fp1' AS same_fingerprint;
SELECT count(*) AS differing_rows FROM (
    (SELECT * FROM first EXCEPT SELECT * FROM migrate.describe())
    UNION ALL (SELECT * FROM migrate.describe() EXCEPT SELECT * FROM first)) d;

-- Hand-made changes, one per kind: each shows by kind and name.
ALTER TABLE shop.customers ADD COLUMN phone text;
ALTER TABLE shop.customers ADD CONSTRAINT customers_phone_check CHECK (phone <> '');
CREATE INDEX customers_name_idx ON shop.customers (name);
CREATE OR REPLACE VIEW shop.big_orders AS SELECT id, total FROM shop.orders WHERE total > 200;
ALTER SEQUENCE shop.ticket_seq INCREMENT 10;
CREATE OR REPLACE FUNCTION shop.touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN NEW.total := NEW.total; RETURN NEW; END$$;
DROP TRIGGER orders_touch ON shop.orders;
ALTER POLICY orders_mine ON shop.orders USING (customer_id > 1);
ALTER TYPE shop.mood ADD VALUE 'happy';
ALTER DOMAIN shop.price SET DEFAULT 1;
COMMENT ON TABLE shop.orders IS 'all orders';
DROP MATERIALIZED VIEW shop.totals;
CREATE TABLE public.scratch (id int);
SELECT kind, object, change FROM migrate.schema_diff();
SELECT check_name, message FROM migrate.validate() WHERE check_name = 'schema-drift';

-- The gate: error refuses before anything runs, warn lists and applies, off is silent.
SELECT migrate.register('schema', '2', 'more', 'CREATE TABLE shop.more (id bigint);');
SET pg_migrate.drift_gate = error;
SELECT pg_temp.try('SELECT * FROM migrate.apply()');
SELECT to_regclass('shop.more') IS NULL AS nothing_ran;
SET pg_migrate.drift_gate = off;
BEGIN;
SELECT stream, version, outcome FROM migrate.apply();
ROLLBACK;
SET pg_migrate.drift_gate = warn;
SELECT stream, version, outcome FROM migrate.apply();
-- The migration's own change is recorded; the drift stays until it is accepted.
SELECT count(*) AS drift, count(*) FILTER (WHERE object = 'shop.more') AS more_counted FROM migrate.schema_diff();
-- Undone by hand, a drifted object is no longer drift.
DROP TABLE public.scratch;
SELECT count(*) AS drift, count(*) FILTER (WHERE object = 'public.scratch') AS scratch_counted FROM migrate.schema_diff();

-- accept_drift() records the state as it is as the baseline.
SELECT length(migrate.accept_drift()) AS fingerprint_length;
SELECT action, status, left(message, 60) AS message FROM migrate.history WHERE action = 'accept-drift';
SELECT count(*) AS drift FROM migrate.schema_diff();
SET pg_migrate.drift_gate = error;
SELECT migrate.register('schema', '3', 'last', 'CREATE TABLE shop.last (id bigint);');
SELECT stream, version, outcome FROM migrate.apply();
RESET pg_migrate.drift_gate;
SELECT pg_temp.try($$SET pg_migrate.drift_gate = maybe$$);

DROP EXTENSION pg_migrate;
DROP SCHEMA migrate;
DROP SCHEMA shop CASCADE;
