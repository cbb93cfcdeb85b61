-- The software compatibility matrix: which versions of each component may
-- run against each database version (both ends inclusive, compared as
-- semantic versions). Kept next to the migrations and loaded with psql:
--   psql "$DATABASE_URL" -f examples/version-matrix/compatibility.sql
INSERT INTO migrate.compatibility (db_version, component, min_version, max_version) VALUES
    ('1.0.0', 'api', '2.0.0', '2.2.99'),
    ('1.0.0', 'web', '1.0.0', '1.0.99'),
    ('1.1.0', 'api', '2.2.0', '2.3.99'),
    ('1.1.0', 'web', '1.0.0', '1.1.99'),
    ('1.2.0', 'api', '2.3.0', '2.4.99'),
    ('1.2.0', 'web', '1.1.0', '1.2.99')
ON CONFLICT (db_version, component) DO UPDATE
    SET min_version = EXCLUDED.min_version, max_version = EXCLUDED.max_version;
