-- migrate.lint(): rules read off PostgreSQL's own parse trees, with the lock
-- each statement takes; apply() refuses unacknowledged errors (MG004).
CREATE EXTENSION pg_migrate;
\set VERBOSITY terse

CREATE TABLE accounts (id bigint PRIMARY KEY, email text, plan varchar(20), created timestamptz);
INSERT INTO accounts VALUES (1, 'a@example.com', 'free', now());
ALTER TABLE accounts ADD CONSTRAINT accounts_email_not_null CHECK (email IS NOT NULL);

-- Each case: the rule it should trigger (or none), and what lint says.
CREATE TEMP TABLE cases (n serial, expect text, script text);
INSERT INTO cases (expect, script) VALUES
    ('drop-table', 'DROP TABLE accounts;'),
    ('drop-column', 'ALTER TABLE accounts DROP COLUMN plan;'),
    ('-', 'ALTER TABLE accounts ADD COLUMN plan2 text;'),
    ('drop-database', 'DROP DATABASE other;'),
    ('drop-not-null', 'ALTER TABLE accounts ALTER COLUMN id DROP NOT NULL;'),
    ('column-type-change', 'ALTER TABLE accounts ALTER COLUMN email TYPE varchar(10);'),
    ('-', 'ALTER TABLE accounts ALTER COLUMN plan TYPE varchar(40);'),
    ('-', 'ALTER TABLE accounts ALTER COLUMN plan TYPE text;'),
    ('rename-column', 'ALTER TABLE accounts RENAME COLUMN plan TO tier;'),
    ('rename-table', 'ALTER TABLE accounts RENAME TO customers;'),
    ('-', 'ALTER INDEX accounts_pkey RENAME TO accounts_id_key;'),
    ('set-not-null', 'ALTER TABLE accounts ALTER COLUMN plan SET NOT NULL;'),
    ('-', 'ALTER TABLE accounts ALTER COLUMN email SET NOT NULL;'),
    ('add-not-null-without-default', 'ALTER TABLE accounts ADD COLUMN tier text NOT NULL;'),
    ('-', 'ALTER TABLE accounts ADD COLUMN tier text NOT NULL DEFAULT ''basic'';'),
    ('-', E'CREATE TABLE t (id bigint);\nALTER TABLE t ADD COLUMN tier text NOT NULL;'),
    ('volatile-default', 'ALTER TABLE accounts ADD COLUMN token uuid DEFAULT gen_random_uuid();'),
    ('-', 'ALTER TABLE accounts ADD COLUMN seen timestamptz DEFAULT now();'),
    ('index-not-concurrent', 'CREATE INDEX accounts_email ON accounts (email);'),
    ('-', E'-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS accounts_email ON accounts (email);'),
    ('-', E'CREATE TABLE t (id bigint, email text);\nCREATE INDEX t_email ON t (email);'),
    ('drop-index-not-concurrent', 'DROP INDEX accounts_email;'),
    ('reindex-not-concurrent', 'REINDEX TABLE accounts;'),
    ('constraint-not-valid-missing', 'ALTER TABLE accounts ADD CONSTRAINT plan_known CHECK (plan IN (''free'', ''pro''));'),
    ('-', 'ALTER TABLE accounts ADD CONSTRAINT plan_known CHECK (plan IN (''free'', ''pro'')) NOT VALID;'),
    ('-', 'ALTER TABLE accounts VALIDATE CONSTRAINT plan_known;'),
    ('unique-constraint-without-index', 'ALTER TABLE accounts ADD CONSTRAINT email_unique UNIQUE (email);'),
    ('-', 'ALTER TABLE accounts ADD CONSTRAINT email_unique UNIQUE USING INDEX accounts_email;'),
    ('vacuum-full-or-cluster', E'-- migrate:no-transaction\nVACUUM FULL accounts;'),
    ('truncate', 'TRUNCATE accounts;'),
    ('truncate-cascade', 'TRUNCATE accounts CASCADE;'),
    ('delete-without-where', 'DELETE FROM accounts;'),
    ('-', 'DELETE FROM accounts WHERE id = 1;'),
    ('update-without-where', 'UPDATE accounts SET plan = ''free'';'),
    ('-', 'UPDATE accounts SET plan = ''free'' WHERE plan IS NULL;'),
    ('requires-no-transaction', 'CREATE INDEX CONCURRENTLY accounts_email ON accounts (email);'),
    ('transaction-control', 'COMMIT;'),
    ('prefer-timestamptz', 'CREATE TABLE e (at timestamp);'),
    ('-', 'CREATE TABLE e (at timestamptz);'),
    ('prefer-text', 'CREATE TABLE e (name varchar(50));'),
    ('prefer-jsonb', 'CREATE TABLE e (doc json);'),
    ('prefer-identity', 'CREATE TABLE e (id bigserial PRIMARY KEY);'),
    ('-', 'CREATE TABLE e (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);'),
    ('prefer-bigint', 'CREATE TABLE e (id integer PRIMARY KEY);'),
    ('enum-value-unordered', 'ALTER TYPE mood ADD VALUE ''meh'' BEFORE ''sad'';'),
    ('-', 'ALTER TYPE mood ADD VALUE ''meh'';'),
    ('identifier-too-long', 'CREATE TABLE this_table_name_is_much_longer_than_sixty_three_bytes_which_postgres_keeps (id bigint);'),
    ('non-transactional-not-idempotent', E'-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY accounts_email ON accounts (email);');

SELECT c.n, c.expect, l.rule, l.severity, l.lock_mode, l.line
FROM cases c LEFT JOIN LATERAL migrate.lint(c.script) l ON l.rule NOT IN ('prefer-bigint', 'prefer-text') OR c.expect LIKE 'prefer%'
ORDER BY c.n, l.statement, l.rule;

-- Cases whose findings differ from the expectation (none).
SELECT c.n, c.expect, array_agg(l.rule) AS found
FROM cases c LEFT JOIN LATERAL migrate.lint(c.script) l ON true
GROUP BY c.n, c.expect
HAVING NOT (c.expect = '-' AND bool_and(l.rule IS NULL OR l.severity = 'warning' AND l.rule LIKE 'prefer%'))
   AND NOT (c.expect = ANY (array_agg(l.rule)))
ORDER BY c.n;

-- Messages name the safe alternative.
SELECT rule, message FROM migrate.lint('ALTER TABLE accounts ALTER COLUMN plan SET NOT NULL;');

-- apply() refuses unacknowledged errors before running anything (MG004) ...
SELECT migrate.register('schema', '1', 'cleanup', E'DELETE FROM accounts;\nALTER TABLE accounts DROP COLUMN plan;');
SELECT * FROM migrate.apply();
SELECT count(*) AS rows_kept FROM accounts;
-- ... and runs them once acknowledged; warnings become NOTICEs and history.
SELECT migrate.register('schema', '1', 'cleanup', E'-- migrate:allow delete-without-where, drop-column\nDELETE FROM accounts;\nALTER TABLE accounts DROP COLUMN plan;\nCREATE INDEX accounts_created ON accounts (created);');
SELECT stream, version, outcome FROM migrate.apply();
SELECT count(*) AS rows_left FROM accounts;
SELECT version, status, message FROM migrate.history;

-- pg_migrate.lint_strict makes the locking rules errors.
SET pg_migrate.lint_strict = on;
SELECT rule, severity FROM migrate.lint('CREATE INDEX accounts_email ON accounts (email);');
RESET pg_migrate.lint_strict;

DROP EXTENSION pg_migrate;
DROP SCHEMA migrate;
DROP TABLE accounts;
