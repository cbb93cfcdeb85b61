-- A plain index build: writers to users wait until it is done
-- (tests/migrations/specs/index_locks.spec shows it).
-- migrate:up
CREATE INDEX users_name ON users (name);
-- migrate:down
DROP INDEX users_name;
