\set ECHO none
-- The pg_regress suites' pg_temp.try(sql), included with
--   \i test/sql/try.sql
-- (psql runs from the repository root: make installcheck, scripts/suites.sh).
-- Echo is off while it is defined: a suite's expected output shows only the
-- \i line and the first line of this file.
--
-- try(sql) runs sql and answers 'ok', or the error it raised as
-- "SQLSTATE: message", instead of aborting the suite. What else it reports
-- is chosen before the \i, in the psql variable try_reports (words, any
-- order):
--   detail   the error's detail, on a line "  detail: ..."
--   hint     its hint, on a line "  hint: ..."
--   where    the "migration <file>, <section>, statement N, line N" line of
--            its context
--   cancel   also catch a cancel (statement_timeout, pg_cancel_backend),
--            which otherwise ends the statement calling try()
-- e.g.
--   \set try_reports 'detail cancel'
--   \i test/sql/try.sql
\if :{?try_reports}
\else
\set try_reports ''
\endif
SELECT format($f$CREATE FUNCTION pg_temp.try(sql text) RETURNS text LANGUAGE plpgsql AS $body$
DECLARE
    state text; msg text; det text; hint text; ctx text;
BEGIN
    EXECUTE sql;
    RETURN 'ok';
EXCEPTION WHEN OTHERS %s THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL,
                            hint = PG_EXCEPTION_HINT, ctx = PG_EXCEPTION_CONTEXT;
    RETURN state || ': ' || msg
           || CASE WHEN %L THEN coalesce(E'\n  detail: ' || nullif(det, ''), '') ELSE '' END
           || CASE WHEN %L THEN coalesce(E'\n  hint: ' || nullif(hint, ''), '') ELSE '' END
           || CASE WHEN %L THEN coalesce(E'\n  ' || substring(ctx from 'migration [^\n]*'), '') ELSE '' END;
END $body$$f$,
    CASE WHEN 'cancel' = ANY (words) THEN 'OR query_canceled' ELSE '' END,
    'detail' = ANY (words), 'hint' = ANY (words), 'where' = ANY (words))
FROM regexp_split_to_array(:'try_reports', '\s+') AS words
WHERE NOT EXISTS (SELECT FROM unnest(words) w WHERE w NOT IN ('', 'detail', 'hint', 'where', 'cancel'))
\gexec
\unset try_reports
\set ECHO all
