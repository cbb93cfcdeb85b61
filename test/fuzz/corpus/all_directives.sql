-- migrate:stream billing
-- migrate:requires schema:20260101_1200, auth:1.2, 0003
-- migrate:allow drop-column, set-not-null
-- migrate:lock-timeout 2s
-- migrate:out-of-order
-- migrate:no-transaction
-- migrate:up
ALTER TABLE invoices DROP COLUMN IF EXISTS legacy;
ALTER TABLE invoices ALTER COLUMN total SET NOT NULL;
