GRANT SELECT, INSERT, UPDATE, DELETE ON runners, runner_registration_tokens, commands, command_events TO cameleer_app;
--> statement-breakpoint
SELECT cameleer_protect_tenant_table('runners');
--> statement-breakpoint
SELECT cameleer_protect_tenant_table('runner_registration_tokens');
--> statement-breakpoint
SELECT cameleer_protect_tenant_table('commands');
--> statement-breakpoint
SELECT cameleer_protect_tenant_table('command_events');
--> statement-breakpoint
-- Registration happens before the tenant is known: holding the token (knowing its hash) makes its row visible.
CREATE POLICY registration_token_by_hash ON runner_registration_tokens FOR SELECT
  USING (token_hash = current_setting('app.token_hash', true));
