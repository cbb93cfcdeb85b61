-- Triggers: keep projects.updated_at current, and never store an API key in
-- clear text (pgcrypto's crypt() with a bcrypt salt).
-- migrate:requires schema:20260301090500
-- migrate:up
CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;
CREATE TRIGGER projects_set_updated_at BEFORE UPDATE ON projects
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE FUNCTION hash_api_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.api_key_hash IS NOT NULL AND NEW.api_key_hash NOT LIKE '$2a$%' THEN
        NEW.api_key_hash := crypt(NEW.api_key_hash, gen_salt('bf', 8));
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER accounts_hash_api_key BEFORE INSERT OR UPDATE OF api_key_hash ON accounts
    FOR EACH ROW EXECUTE FUNCTION hash_api_key();

-- migrate:down
DROP TRIGGER accounts_hash_api_key ON accounts;
DROP FUNCTION hash_api_key();
DROP TRIGGER projects_set_updated_at ON projects;
DROP FUNCTION set_updated_at();
