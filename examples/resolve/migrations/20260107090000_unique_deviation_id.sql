-- One row per external deviation id. Built CONCURRENTLY so writes go on; it
-- fails while duplicates exist. Find them first with:
--   SELECT deviation_id, count(*) FROM deviations
--   WHERE deviation_id IS NOT NULL GROUP BY deviation_id HAVING count(*) > 1;
-- migrate:no-transaction
-- migrate:up
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS deviations_deviation_id_key ON deviations (deviation_id);
