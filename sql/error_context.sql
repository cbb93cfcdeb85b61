-- A failing statement reports migration, file, statement number and the
-- file line of the error, and keeps its own SQLSTATE.
CREATE EXTENSION pg_migrate;
\set VERBOSITY default
\set SHOW_CONTEXT always

CREATE TABLE ledger (id int PRIMARY KEY, amount numeric NOT NULL);

-- The error is in the third statement, on the third line of a multi-line statement (file line 11).
SELECT migrate.register('schema', '20260301', 'ledger_report', $$-- migrate:db-version 2.0.0
-- migrate:up
INSERT INTO ledger VALUES (1, 10);

/* a block comment before the statement */
INSERT INTO ledger VALUES (2, 20);

CREATE VIEW ledger_report AS
    SELECT id,
           amount,
           amount * rate AS converted
    FROM ledger;
$$, 'migrations/20260301_ledger_report.sql');
SELECT * FROM migrate.apply();

-- A run-time error without a position: the statement's own line.
SELECT migrate.register('schema', '20260301', 'ledger_report', $$-- migrate:up
INSERT INTO ledger VALUES (1, 10);
-- migrate:verify
SELECT 1;
SELECT 1 / (SELECT count(*) - 1 FROM ledger);
$$, 'migrations/20260301_ledger_report.sql');
SELECT * FROM migrate.apply();

-- A constraint violation keeps its SQLSTATE (23505) in history, recorded with the line.
SELECT migrate.register('schema', '20260301', 'ledger_report', $$-- migrate:up
INSERT INTO ledger VALUES (1, 10);
INSERT INTO ledger
  VALUES (1, 11);
$$, 'migrations/20260301_ledger_report.sql');
\set VERBOSITY terse
SELECT outcome FROM migrate.apply(on_error => 'record');
SELECT sqlstate, message, detail, statement, line, context FROM migrate.history WHERE status = 'failed';
SELECT count(*) AS ledger_rows FROM ledger;

DROP EXTENSION pg_migrate;
DROP SCHEMA migrate;
DROP TABLE ledger;
