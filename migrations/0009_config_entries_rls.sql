GRANT SELECT, INSERT, UPDATE, DELETE ON config_entries TO cameleer_app;
--> statement-breakpoint
SELECT cameleer_protect_tenant_table('config_entries');
