-- Semantic database versions and the compatibility matrix.
CREATE EXTENSION pg_migrate;
\set VERBOSITY terse

SELECT migrate.db_version() IS NULL AS no_version_yet;
SELECT migrate.register('schema', '1', 'v1', E'-- migrate:db-version 1.0.0\nCREATE TABLE a (id int);\n-- migrate:down\nDROP TABLE a;');
SELECT migrate.register('schema', '2', 'v1_9', E'-- migrate:db-version 1.9.0\nCREATE TABLE b (id int);\n-- migrate:down\nDROP TABLE b;');
SELECT migrate.register('data', '1', 'v1_10', E'-- migrate:db-version 1.10.0\nCREATE TABLE c (id int);\n-- migrate:down\nDROP TABLE c;');
SELECT migrate.register('schema', '3', 'unversioned', E'CREATE TABLE d (id int);\n-- migrate:down\nDROP TABLE d;');
SELECT stream, version, outcome FROM migrate.apply();
-- Versions compare as numbers: 1.10.0 is above 1.9.0.
SELECT migrate.db_version();

INSERT INTO migrate.compatibility (db_version, component, min_version, max_version) VALUES
    ('1.0.0', 'api', '2.0.0', '2.9.99'),
    ('1.10.0', 'api', '3.0.0', '3.10.0'),
    ('1.10', 'worker', '1.0', '1.2');
SELECT component, version, migrate.check_compatibility(component, version) AS compatible
FROM (VALUES ('api', '2.5.0'), ('api', '3.0.0'), ('api', '3.10.0'), ('api', '3.9.1'), ('api', '3.11.0'),
             ('worker', '1.2'), ('worker', '1.2.1'), ('mobile', '1.0.0')) AS t(component, version);
SELECT migrate.check_compatibility('api', 'three');

-- Rolling back to 1.0.0 makes the 1.0.0 row of the matrix the one that counts.
SELECT stream, version, outcome FROM migrate.rollback(to_db_version => '1.0');
SELECT migrate.db_version();
SELECT migrate.check_compatibility('api', '2.5.0') AS api_2_5, migrate.check_compatibility('api', '3.0.0') AS api_3_0;

DROP EXTENSION pg_migrate;
DROP SCHEMA migrate;
DROP TABLE a;
