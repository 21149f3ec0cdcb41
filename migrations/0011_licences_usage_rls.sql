GRANT SELECT, INSERT, UPDATE, DELETE ON licences TO cameleer_app;
--> statement-breakpoint
SELECT cameleer_protect_tenant_table('licences');
--> statement-breakpoint
GRANT SELECT, INSERT ON usage_events TO cameleer_app;
--> statement-breakpoint
SELECT cameleer_protect_tenant_table('usage_events');
