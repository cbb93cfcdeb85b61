-- The down section forgets the index the up created: pg_migrate test's round
-- trip finds it (the schema after the down differs from before the up).
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL);
CREATE INDEX users_email ON users (email);
-- migrate:down
DROP TABLE orders;
