GRANT SELECT, INSERT, UPDATE, DELETE ON deployments, deployment_events TO cameleer_app;
--> statement-breakpoint
SELECT cameleer_protect_tenant_table('deployments');
--> statement-breakpoint
SELECT cameleer_protect_tenant_table('deployment_events');
