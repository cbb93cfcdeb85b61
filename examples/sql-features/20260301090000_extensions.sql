-- Extensions the application needs: citext for case-insensitive e-mail
-- addresses, pgcrypto for hashing API keys. Both are trusted extensions, so
-- a database owner may create them without being superuser.
-- migrate:up
CREATE EXTENSION IF NOT EXISTS citext;
CREATE EXTENSION IF NOT EXISTS pgcrypto;

-- migrate:down
DROP EXTENSION IF EXISTS pgcrypto;
DROP EXTENSION IF EXISTS citext;

-- migrate:verify
SELECT 'Ada@Example.com'::citext = 'ada@example.com'::citext;
SELECT crypt('secret', gen_salt('bf', 4)) LIKE '$2a$04$%';
