-- migrate:up
SELECT 1;
-- migrate:up
SELECT 2;
-- migrate:Up
-- migrate:lock-timeout 1.5 fortnights
