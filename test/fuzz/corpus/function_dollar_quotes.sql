-- migrate:up
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  -- migrate:down  (inside a body, still a directive line for the file format)
  NEW.updated_at := now(); RETURN NEW;
END $fn$;
DO $$ BEGIN RAISE NOTICE 'it''s /* not a comment */ ;'; END $$;
-- migrate:down
DROP FUNCTION touch();
