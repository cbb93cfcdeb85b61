-- Lint that knows the database it runs on: the rules that lose data or
-- cannot work on a table with rows do not block apply() when the table is
-- empty, or was created earlier in the same transaction (the batch), at the
-- moment the statement runs; against a table with rows they refuse as
-- always (MG004). lint(script) reports them all, with allowed and
-- blocks_here. Also: lint precision (tables a migration creates, TimeZone
-- UTC, DO blocks, other linters' suppression comments).
CREATE EXTENSION pg_migrate;
\set VERBOSITY terse
-- Tables are made by hand between the batches here: that is not the point.
SET pg_migrate.drift_gate = off;

-- A history as real projects carry it, deployed into an empty database:
-- tables created, then changed in later migrations of the same batch.
SELECT migrate.register('schema', '1', 'create', E'CREATE TABLE users (id bigint PRIMARY KEY, email text, legacy text, plan text);\nCREATE TABLE sessions (id bigint, user_id bigint);\nCREATE TABLE scratch (id bigint);');
SELECT migrate.register('schema', '2', 'drop_legacy', 'ALTER TABLE users DROP COLUMN legacy;');
SELECT migrate.register('schema', '3', 'required_tier', 'ALTER TABLE users ADD COLUMN tier text NOT NULL;');
SELECT migrate.register('schema', '4', 'backfill', E'UPDATE users SET plan = ''free'';\nDELETE FROM sessions;\nTRUNCATE sessions;');
SELECT migrate.register('schema', '5', 'drop_scratch', 'DROP TABLE scratch;');
-- The findings are errors for lint(), which knows nothing of the batch.
SELECT l.rule, l.severity, l.allowed, l.blocks_here
FROM migrate.status() s, migrate.migrations m, LATERAL migrate.lint(m.script) l
WHERE m.stream = s.stream AND m.version = s.version AND s.version <> '1' ORDER BY s.version, l.statement, l.rule;
-- apply() runs them: each is a NOTICE, decided when its statement runs.
SELECT stream, version, outcome FROM migrate.apply();
SELECT version, status, message FROM migrate.history ORDER BY id;
SELECT column_name FROM information_schema.columns WHERE table_name = 'users' ORDER BY ordinal_position;

-- Against tables with rows: refused as always, before anything runs ...
INSERT INTO users VALUES (1, 'a@example.com', 'pro', 'gold');
INSERT INTO sessions VALUES (1, 1);
SELECT migrate.register('schema', '6', 'cleanup', E'ALTER TABLE users ADD COLUMN note text;\nALTER TABLE users DROP COLUMN plan;\nALTER TABLE users ADD COLUMN region text NOT NULL;\nUPDATE users SET email = lower(email);\nDELETE FROM sessions;\nTRUNCATE sessions;\nDROP TABLE sessions;');
SELECT rule, severity, allowed, blocks_here FROM migrate.lint((SELECT script FROM migrate.migrations WHERE version = '6'));
\set VERBOSITY default
SELECT * FROM migrate.apply();
\set VERBOSITY terse
SELECT count(*) AS note_columns FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'note';
-- ... also with on_error => 'record' (a refusal is no failure to record) ...
SELECT * FROM migrate.apply(on_error => 'record');
SELECT count(*) AS failed_rows FROM migrate.history WHERE status = 'failed';
-- ... and run once acknowledged (a NOT NULL column without default still cannot work on rows: left out).
SELECT migrate.register('schema', '6', 'cleanup', E'-- migrate:allow drop-column, update-without-where, delete-without-where, truncate, drop-table\nALTER TABLE users ADD COLUMN note text;\nALTER TABLE users DROP COLUMN plan;\nUPDATE users SET email = lower(email);\nDELETE FROM sessions;\nTRUNCATE sessions;\nDROP TABLE sessions;');
SELECT stream, version, outcome FROM migrate.apply();

-- Decided when the statement runs, not when apply() plans: rows the batch
-- itself put into a table that existed before block the statements after them.
CREATE TABLE events (id bigint, kind text);
SELECT migrate.register('schema', '7', 'seed', E'INSERT INTO events VALUES (1, ''signup'');');
SELECT migrate.register('schema', '8', 'drop_kind', 'ALTER TABLE events DROP COLUMN kind;');
SELECT rule, blocks_here FROM migrate.lint('ALTER TABLE events DROP COLUMN kind;');
\set VERBOSITY default
SELECT * FROM migrate.apply();
\set VERBOSITY terse
SELECT count(*) AS events_rows, (SELECT count(*) FROM migrate.history WHERE version IN ('7', '8')) AS history_rows FROM events;
-- The rolled-back insert left a page behind: until VACUUM the table counts as holding rows.
SELECT migrate.register('schema', '7', 'seed', 'SELECT 1;');
SELECT * FROM migrate.apply();
VACUUM events;
SELECT stream, version, outcome FROM migrate.apply();

-- A table this transaction created holds only what the batch put in it.
SELECT migrate.register('schema', '9', 'audit', E'CREATE TABLE audit (id bigint, detail text);\nINSERT INTO audit VALUES (1, ''x'');');
SELECT migrate.register('schema', '10', 'audit_detail', 'ALTER TABLE audit DROP COLUMN detail;');
SELECT stream, version, outcome FROM migrate.apply();

-- TRUNCATE earlier in the batch empties a table that holds rows now.
INSERT INTO audit VALUES (2), (3);
SELECT migrate.register('schema', '11', 'reset_audit', E'-- migrate:allow truncate\nTRUNCATE audit;');
SELECT migrate.register('schema', '12', 'audit_id', 'ALTER TABLE audit DROP COLUMN id;');
SELECT stream, version, outcome FROM migrate.apply();

-- After SET search_path a name may be another table than it is when apply() plans.
CREATE SCHEMA app;
CREATE TABLE app.users (id bigint, nickname text);
SELECT migrate.register('schema', '12.1', 'app_nickname', E'SET LOCAL search_path = app;\nALTER TABLE users DROP COLUMN nickname;');
SELECT stream, version, outcome FROM migrate.apply();
RESET search_path;

-- Rows are seen whoever may read them: row-level security hiding every row
-- from the caller, or rows deleted but not vacuumed, still count.
CREATE TABLE secrets (id bigint, note text);
INSERT INTO secrets VALUES (1, 'x');
ALTER TABLE secrets ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY nothing ON secrets USING (false);
CREATE ROLE lint_here_owner;
ALTER TABLE secrets OWNER TO lint_here_owner;
GRANT USAGE ON SCHEMA migrate TO lint_here_owner;
GRANT EXECUTE ON FUNCTION migrate.lint(text) TO lint_here_owner;
SET ROLE lint_here_owner;
SELECT count(*) AS visible_rows FROM secrets;
SELECT rule, blocks_here FROM migrate.lint('ALTER TABLE secrets DROP COLUMN note;');
RESET ROLE;
CREATE TABLE emptied (id bigint, note text);
INSERT INTO emptied VALUES (1, 'x');
DELETE FROM emptied;
SELECT rule, blocks_here FROM migrate.lint(E'ALTER TABLE secrets DROP COLUMN note;\nALTER TABLE emptied DROP COLUMN note;');
SELECT migrate.register('schema', '13', 'drop_notes', E'ALTER TABLE secrets DROP COLUMN note;\nALTER TABLE emptied DROP COLUMN note;');
SELECT * FROM migrate.apply();
SELECT migrate.register('schema', '13', 'drop_notes', 'SELECT 1;');
SELECT stream, version, outcome FROM migrate.apply();

-- Partitions count with their table.
CREATE TABLE measures (at date, value bigint) PARTITION BY RANGE (at);
CREATE TABLE measures_2025 PARTITION OF measures FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE measures_2026 PARTITION OF measures FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
SELECT rule, blocks_here FROM migrate.lint('ALTER TABLE measures DROP COLUMN value;');
INSERT INTO measures VALUES ('2026-03-01', 1);
SELECT rule, blocks_here FROM migrate.lint('ALTER TABLE measures DROP COLUMN value;');
-- TRUNCATE ... CASCADE: the tables that reference it count too.
CREATE TABLE parents (id bigint PRIMARY KEY);
CREATE TABLE children (parent_id bigint REFERENCES parents);
SELECT rule, blocks_here FROM migrate.lint('TRUNCATE parents CASCADE;');
INSERT INTO parents VALUES (1);
INSERT INTO children VALUES (1);
TRUNCATE parents CASCADE;
INSERT INTO children VALUES (NULL);
SELECT rule, blocks_here FROM migrate.lint('TRUNCATE parents CASCADE;');

-- The locking rules, errors with pg_migrate.lint_strict: not on an empty table.
SET pg_migrate.lint_strict = on;
CREATE TABLE tags (id bigint, name text);
SELECT rule, severity, blocks_here FROM migrate.lint('CREATE INDEX tags_name ON tags (name);');
SELECT migrate.register('schema', '14', 'tags_index', 'CREATE INDEX tags_name ON tags (name);');
SELECT stream, version, outcome FROM migrate.apply();
INSERT INTO tags VALUES (1, 'a');
SELECT migrate.register('schema', '15', 'tags_index2', 'CREATE INDEX tags_id ON tags (id);');
SELECT * FROM migrate.apply();
SELECT migrate.register('schema', '15', 'tags_index2', E'-- migrate:allow index-not-concurrent\nCREATE INDEX tags_id ON tags (id);');
SELECT stream, version, outcome FROM migrate.apply();
RESET pg_migrate.lint_strict;

-- Lint precision. A temporary table the migration itself creates may be
-- dropped, and a table it creates (or a column it adds) may lose columns:
-- nothing of anyone else's is in them (not so with IF NOT EXISTS). The rest
-- is reported as always; apply() lets it pass, the table being new.
SELECT rule FROM migrate.lint(E'CREATE TEMP TABLE batch AS SELECT id FROM users;\nUPDATE users SET email = NULL WHERE id IN (SELECT id FROM batch);\nDROP TABLE batch;');
SELECT rule FROM migrate.lint(E'CREATE TEMPORARY TABLE ids (id bigint);\nCREATE TABLE pg_temp.more_ids (id bigint);\nTRUNCATE ids;\nDROP TABLE ids, more_ids;');
SELECT rule FROM migrate.lint(E'CREATE TABLE staging (id bigint, raw text);\nALTER TABLE staging DROP COLUMN raw;\nUPDATE staging SET id = 0;\nDELETE FROM staging;\nTRUNCATE staging;\nDROP TABLE staging;');
SELECT rule FROM migrate.lint(E'ALTER TABLE users ADD COLUMN tmp text;\nALTER TABLE users DROP COLUMN tmp;');
SELECT rule, line FROM migrate.lint(E'CREATE TABLE IF NOT EXISTS users (id bigint);\nALTER TABLE users DROP COLUMN email;\nDROP TABLE users;');
SELECT rule FROM migrate.lint(E'CREATE TABLE a.staging (id bigint, raw text);\nALTER TABLE b.staging DROP COLUMN raw;');

-- timestamp -> timestamptz rewrites the table unless the session's TimeZone is UTC.
CREATE TABLE stamps (at timestamp, seen timestamptz);
SET TimeZone = 'UTC';
SELECT rule FROM migrate.lint(E'ALTER TABLE stamps ALTER COLUMN at TYPE timestamptz;\nALTER TABLE stamps ALTER COLUMN seen TYPE timestamp;');
SET TimeZone = 'Europe/Berlin';
SELECT rule FROM migrate.lint(E'ALTER TABLE stamps ALTER COLUMN at TYPE timestamptz;\nALTER TABLE stamps ALTER COLUMN seen TYPE timestamp;');
RESET TimeZone;

-- DO blocks: their SQL is linted at its own line; what cannot be read is named.
SELECT rule, severity, line, message LIKE '%EXECUTE%' AS about_execute FROM migrate.lint(E'DO $$\nBEGIN\n  IF EXISTS (SELECT 1 FROM users) THEN\n    ALTER TABLE users DROP COLUMN email;\n  END IF;\n  UPDATE users SET plan = ''free'';\n  EXECUTE ''TRUNCATE users'';\n  EXECUTE format(''DROP TABLE %I'', ''users'');\nEND\n$$;');
-- Drizzle and Prisma write DO blocks around DDL that may exist already: fine after CREATE TABLE.
SELECT rule FROM migrate.lint(E'CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint);\nDO $$ BEGIN\n ALTER TABLE "posts" ADD CONSTRAINT "posts_user_fk" FOREIGN KEY ("user_id") REFERENCES "users"("id");\nEXCEPTION\n WHEN duplicate_object THEN null;\nEND $$;\nDO $$ BEGIN\n CREATE TYPE "Role" AS ENUM (''USER'', ''ADMIN'');\nEXCEPTION\n WHEN duplicate_object THEN null;\nEND $$;');
-- A CREATE under IF may not run: the table is not this migration's for what follows.
SELECT rule FROM migrate.lint(E'DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_tables WHERE tablename = ''users'') THEN CREATE TABLE users (id bigint, email text); END IF; END $$;\nALTER TABLE users DROP COLUMN email;');
-- INSERT ... RETURNING ... INTO, a loop, COMMIT (which a DO block in a transaction cannot run), another language.
SELECT rule, severity, line FROM migrate.lint(E'DO $$\nDECLARE\n  new_id bigint;\n  r record;\nBEGIN\n  INSERT INTO users (id) VALUES (7) RETURNING id INTO new_id;\n  FOR r IN SELECT id FROM users LOOP\n    DELETE FROM sessions;\n  END LOOP;\n  COMMIT;\nEND $$;');
SELECT rule, severity FROM migrate.lint('DO LANGUAGE plperl $$ 1; $$;');

-- apply() lints DO blocks too: against rows, their data-losing SQL is refused.
SELECT migrate.register('schema', '16', 'do_cleanup', E'DO $$ BEGIN\n  ALTER TABLE users DROP COLUMN email;\nEND $$;');
SELECT * FROM migrate.apply();
SELECT migrate.register('schema', '16', 'do_cleanup', 'SELECT 1;');
SELECT stream, version, outcome FROM migrate.apply();

-- Other linters' suppression comments count as -- migrate:allow for the rules they name.
SELECT rule, allowed, blocks_here FROM migrate.lint(E'-- squawk-ignore ban-drop-column\nALTER TABLE users DROP COLUMN email;\nALTER TABLE users DROP COLUMN tier;');
SELECT rule, allowed FROM migrate.lint(E'-- squawk-ignore ban-drop-table, require-concurrent-index-creation -- legacy table\nDROP TABLE tags;\n/* squawk-ignore adding-required-field */\nALTER TABLE users ADD COLUMN x text NOT NULL;\n-- squawk-ignore prefer-robust-stmts\nALTER TABLE users DROP COLUMN email;');
SELECT rule, allowed FROM migrate.lint(E'ALTER TABLE users DROP COLUMN email;\n-- squawk-ignore-file ban-drop-column\nDROP TABLE tags;');
SELECT rule, allowed FROM migrate.lint(E'-- squawk-ignore-file\nALTER TABLE users DROP COLUMN email;\nDROP TABLE tags;\nCREATE INDEX CONCURRENTLY users_email ON users (email);');
SELECT rule, allowed FROM migrate.lint(E'-- atlas:nolint destructive\nALTER TABLE users DROP COLUMN email;\n-- atlas:nolint DS103 MF103\nALTER TABLE users ADD COLUMN x text NOT NULL, DROP COLUMN tier;\n--atlas:nolint\nTRUNCATE tags;\n-- atlas:nolint BC101\nDROP TABLE tags;');
SELECT rule, allowed FROM migrate.lint(E'-- atlas:nolint\n\nALTER TABLE users DROP COLUMN email;\nDROP TABLE tags;');
-- ... they are comments, never a script error, and apply() honours them.
SELECT migrate.register('schema', '17', 'squawk_cleanup', E'-- squawk-ignore ban-drop-column\nALTER TABLE users DROP COLUMN tier;\n-- squawk-ignore-file bogus-rule\n-- atlas:nolint destructive\nDROP TABLE tags;');
SELECT stream, version, outcome FROM migrate.apply();
SELECT to_regclass('tags') AS tags, (SELECT count(*) FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'tier') AS tier_columns;

-- A migration the background runner runs after the caller commits is judged when apply() queues it.
\setenv PGDATABASE :DBNAME
CREATE TABLE old_jobs (id bigint);
SELECT migrate.register('schema', '18', 'drop_old_jobs', E'-- migrate:no-transaction\nDROP TABLE IF EXISTS old_jobs;');
SELECT stream, version, outcome FROM migrate.apply();
\! test/wait_runner.sh
SELECT version, state FROM migrate.status() WHERE version = '18';
SELECT to_regclass('old_jobs') AS old_jobs;
CREATE TABLE older_jobs (id bigint);
INSERT INTO older_jobs VALUES (1);
SELECT migrate.register('schema', '19', 'drop_older_jobs', E'-- migrate:no-transaction\nDROP TABLE IF EXISTS older_jobs;');
SELECT * FROM migrate.apply();
SELECT count(*) AS older_jobs_rows FROM older_jobs;

DROP EXTENSION pg_migrate;
DROP SCHEMA migrate;
SET client_min_messages = warning;
DROP TABLE users, events, audit, secrets, emptied, measures, parents, children, stamps, older_jobs CASCADE;
DROP SCHEMA app CASCADE;
RESET client_min_messages;
DROP OWNED BY lint_here_owner;
DROP ROLE lint_here_owner;
