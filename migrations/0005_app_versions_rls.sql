GRANT SELECT, INSERT, UPDATE, DELETE ON app_versions TO cameleer_app;
--> statement-breakpoint
SELECT cameleer_protect_tenant_table('app_versions');
