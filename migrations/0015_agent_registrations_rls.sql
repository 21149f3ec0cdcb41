-- Append-only for the application: a registration is a fact, and its jti must stay spent.
GRANT SELECT, INSERT ON agent_registrations TO cameleer_app;
--> statement-breakpoint
REVOKE UPDATE, DELETE ON agent_registrations FROM cameleer_app;
--> statement-breakpoint
SELECT cameleer_protect_tenant_table('agent_registrations');
