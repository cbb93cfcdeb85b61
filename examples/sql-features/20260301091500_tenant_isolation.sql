-- Row level security: a session sees and writes only the projects of the
-- account it names with SET app.account_id = '<uuid>'. FORCE makes the table
-- owner obey the policy too; superusers and BYPASSRLS roles still see all.
-- migrate:requires schema:20260301090500
-- migrate:up
ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
ALTER TABLE projects FORCE ROW LEVEL SECURITY;
CREATE POLICY projects_tenant_isolation ON projects
    USING (account_id = nullif(current_setting('app.account_id', true), '')::uuid)
    WITH CHECK (account_id = nullif(current_setting('app.account_id', true), '')::uuid);

-- migrate:down
DROP POLICY projects_tenant_isolation ON projects;
ALTER TABLE projects NO FORCE ROW LEVEL SECURITY;
ALTER TABLE projects DISABLE ROW LEVEL SECURITY;

-- migrate:verify
SELECT relrowsecurity AND relforcerowsecurity FROM pg_class WHERE oid = 'projects'::regclass;
