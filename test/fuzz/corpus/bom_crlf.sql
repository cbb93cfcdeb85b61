-- migrate:up
CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY, n text);
-- migrate:down
DROP TABLE t;
