-- Tenant isolation, second line of defence: the application connects as the
-- non-owner role cameleer_app, and every table with a tenant_id column only
-- shows and accepts rows of the tenant named by the per-transaction setting
-- app.tenant_id (set with set_config(..., true) in withTenant).
-- Roles are cluster-wide: several databases of one server may race to create it.
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cameleer_app') THEN
    CREATE ROLE cameleer_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO cameleer_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO cameleer_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO cameleer_app;
--> statement-breakpoint
-- The audit log is append-only for the application.
REVOKE UPDATE, DELETE ON audit_log FROM cameleer_app;
--> statement-breakpoint
-- Later migrations call this for every new tenant-owned table; a test fails when one is missed.
CREATE OR REPLACE FUNCTION cameleer_protect_tenant_table(tbl regclass) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
  EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %s', tbl);
  EXECUTE format(
    'CREATE POLICY tenant_isolation ON %s USING (tenant_id = current_setting(''app.tenant_id'', true)) '
    'WITH CHECK (tenant_id = current_setting(''app.tenant_id'', true))', tbl);
END
$fn$;
--> statement-breakpoint
SELECT cameleer_protect_tenant_table('members');
--> statement-breakpoint
SELECT cameleer_protect_tenant_table('environments');
--> statement-breakpoint
SELECT cameleer_protect_tenant_table('apps');
--> statement-breakpoint
SELECT cameleer_protect_tenant_table('api_tokens');
--> statement-breakpoint
SELECT cameleer_protect_tenant_table('audit_log');
--> statement-breakpoint
-- Authentication looks up a token before it knows the tenant: knowing the
-- hash (that is, holding the secret) is what makes the row visible.
CREATE POLICY api_token_by_hash ON api_tokens FOR SELECT USING (token_hash = current_setting('app.token_hash', true));
--> statement-breakpoint
-- A signed-in user may read their own memberships across tenants.
CREATE POLICY member_self ON members FOR SELECT USING (user_id = current_setting('app.user_id', true));
