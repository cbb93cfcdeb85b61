-- Stands for the database you already run: created years ago, by hand or by
-- another tool, before pg_migrate. Load it with
--   psql "$DATABASE_URL" -f examples/baseline/existing-database.sql
CREATE TABLE customers (
    id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name  text NOT NULL,
    email text NOT NULL UNIQUE
);
CREATE TABLE orders (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id),
    placed_at   timestamptz NOT NULL DEFAULT now()
);
INSERT INTO customers (name, email) VALUES ('Ada', 'ada@example.com'), ('Grace', 'grace@example.com');
INSERT INTO orders (customer_id) SELECT id FROM customers;
