-- migrate:up
CREATE TABLE orders (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id),
    placed_at   timestamptz NOT NULL DEFAULT now()
);

-- migrate:down
DROP TABLE orders;
