-- The first change made with pg_migrate.
-- migrate:up
ALTER TABLE orders ADD COLUMN total numeric(12, 2);

-- migrate:down
ALTER TABLE orders DROP COLUMN total;
