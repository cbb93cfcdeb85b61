-- Tags on deviations. During an incident this was run by hand in psql before
-- the file was deployed; `pg_migrate resolve --applied` records that.
-- migrate:up
ALTER TABLE deviations ADD COLUMN tags text[] NOT NULL DEFAULT '{}';

-- migrate:down
ALTER TABLE deviations DROP COLUMN tags;

-- migrate:verify
SELECT count(*) = 1 FROM information_schema.columns
WHERE table_schema = current_schema() AND table_name = 'deviations' AND column_name = 'tags';
