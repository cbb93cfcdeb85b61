-- What the existing database already has (written down once, for new
-- environments): baselined there, applied everywhere else.
-- migrate:up
CREATE TABLE customers (
    id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name  text NOT NULL,
    email text NOT NULL UNIQUE
);

-- migrate:down
DROP TABLE customers;
