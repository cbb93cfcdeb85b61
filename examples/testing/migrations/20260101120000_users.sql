-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, name text);
-- migrate:down
DROP TABLE users;
