-- migrate:requires a:1,,b:2_3, :4, c:
-- migrate:db-version 1..2
-- migrate:allow
SELECT 1;
