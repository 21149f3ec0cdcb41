GRANT SELECT, INSERT, UPDATE ON billing_accounts TO cameleer_app;
--> statement-breakpoint
SELECT cameleer_protect_tenant_table('billing_accounts');
--> statement-breakpoint
-- Stripe's webhooks name a customer, not a tenant: knowing the customer id (from a signed event) makes its row visible.
CREATE POLICY billing_account_by_customer ON billing_accounts FOR SELECT
  USING (stripe_customer_id = current_setting('app.stripe_customer_id', true));
--> statement-breakpoint
-- Global, no tenant_id: the ids of Stripe events already applied. Never updated or deleted by the app.
GRANT SELECT, INSERT ON stripe_events TO cameleer_app;
--> statement-breakpoint
REVOKE UPDATE, DELETE ON stripe_events FROM cameleer_app;
