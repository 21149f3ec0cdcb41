import type { TierName } from '@cameleer/shared';
import { eq } from 'drizzle-orm';
import { type StripeBilling, tierOfPrice } from '../billing/stripe-billing.ts';
import { viaStripe } from '../billing/stripe-errors.ts';
import { type BillingAccountRow, billingAccounts, tenants } from '../db/schema/index.ts';
import type { EdgeSettings } from '../env.ts';
import { AppError, Conflict, InvalidRequest, NotFound, UpstreamFailure } from '../errors.ts';
import { recordAudit } from './audit.ts';
import type { TenantContext } from './context.ts';

/** Subscription states that are over for good: Stripe never revives them. */
export const endedStatuses = new Set(['canceled', 'incomplete_expired']);

type Billing = { ctx: TenantContext; billing: StripeBilling | undefined };

export function requireBilling(billing: StripeBilling | undefined): StripeBilling {
  if (!billing) throw new AppError('unavailable', 'billing is not configured');
  return billing;
}

export async function billingAccountOf(ctx: Pick<TenantContext, 'db' | 'tenantId'>) {
  const [row] = await ctx.db.select().from(billingAccounts).where(eq(billingAccounts.tenantId, ctx.tenantId));
  return row;
}

async function tenantOf(ctx: TenantContext) {
  const [tenant] = await ctx.db.select().from(tenants).where(eq(tenants.id, ctx.tenantId));
  if (!tenant) throw new NotFound('Tenant');
  return tenant;
}

/** The tenant's tier and the subscription behind it, as last reported by Stripe. */
export async function getBilling({ ctx, billing }: Billing) {
  const stripe = requireBilling(billing);
  const tenant = await tenantOf(ctx);
  const account = await billingAccountOf(ctx);
  return {
    tier: tenant.tier,
    customerId: account?.stripeCustomerId ?? null,
    subscription: account?.stripeSubscriptionId ? subscriptionView(stripe, account) : null,
    purchasable: (Object.keys(stripe.prices) as TierName[]).filter((t) => stripe.prices[t]),
  };
}

function subscriptionView(stripe: StripeBilling, account: BillingAccountRow) {
  return {
    id: account.stripeSubscriptionId ?? '',
    status: account.subscriptionStatus ?? 'unknown',
    tier: tierOfPrice(stripe, account.priceId ?? undefined) ?? null,
    updatedAt: (account.stateAt ?? account.updatedAt).toISOString(),
  };
}

/** The tenant's Stripe customer, made on first need; the idempotency key keeps a retried request to one customer. */
async function ensureCustomer(ctx: TenantContext, stripe: StripeBilling): Promise<string> {
  const account = await billingAccountOf(ctx);
  if (account?.stripeCustomerId) return account.stripeCustomerId;
  const tenant = await tenantOf(ctx);
  const customer = await viaStripe(stripe, () =>
    stripe.stripe.customers.create(
      { name: tenant.name, metadata: { tenantId: tenant.id, tenantSlug: tenant.slug } },
      { idempotencyKey: `cameleer-customer-${tenant.id}` },
    ),
  );
  await ctx.db
    .insert(billingAccounts)
    .values({ tenantId: ctx.tenantId, stripeCustomerId: customer.id, updatedAt: ctx.clock.now() })
    .onConflictDoUpdate({
      target: billingAccounts.tenantId,
      set: { stripeCustomerId: customer.id, updatedAt: ctx.clock.now() },
    });
  return customer.id;
}

/** A Stripe Checkout Session subscribing the tenant to a tier; the webhook applies the tier once it is paid. */
export async function startCheckout({
  ctx,
  billing,
  settings,
  input,
}: Billing & { settings: Pick<EdgeSettings, 'publicUrl'>; input: { tier: TierName } }) {
  const stripe = requireBilling(billing);
  const price = stripe.prices[input.tier];
  if (!price)
    throw new InvalidRequest(`The ${input.tier} tier cannot be bought: no Stripe price is configured for it`);
  const account = await billingAccountOf(ctx);
  if (account?.stripeSubscriptionId && !endedStatuses.has(account.subscriptionStatus ?? '')) {
    throw new Conflict(
      'The tenant already has a subscription; change its tier in the customer portal (POST …/billing/portal)',
    );
  }
  const customer = await ensureCustomer(ctx, stripe);
  const metadata = { tenantId: ctx.tenantId, tier: input.tier };
  const session = await viaStripe(stripe, () =>
    stripe.stripe.checkout.sessions.create({
      mode: 'subscription',
      customer,
      client_reference_id: ctx.tenantId,
      line_items: [{ price, quantity: 1 }],
      metadata,
      subscription_data: { metadata },
      success_url: `${settings.publicUrl}/billing?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${settings.publicUrl}/billing?checkout=canceled`,
    }),
  );
  if (!session.url)
    throw new UpstreamFailure(
      'upstream-failed',
      'Stripe',
      'Stripe returned a checkout session without a URL',
    );
  await recordAudit(ctx, {
    action: 'billing.checkout',
    targetType: 'checkout-session',
    targetId: session.id,
    detail: { tier: input.tier, customer },
  });
  return { id: session.id, url: session.url };
}

/** A Stripe customer portal session, where the tenant's owner changes or cancels the subscription. */
export async function openPortal({
  ctx,
  billing,
  settings,
}: Billing & { settings: Pick<EdgeSettings, 'publicUrl'> }) {
  const stripe = requireBilling(billing);
  const account = await billingAccountOf(ctx);
  if (!account?.stripeCustomerId) {
    throw new Conflict(
      'The tenant has no Stripe customer yet; start with a checkout (POST …/billing/checkout)',
    );
  }
  const customer = account.stripeCustomerId;
  const session = await viaStripe(stripe, () =>
    stripe.stripe.billingPortal.sessions.create({ customer, return_url: `${settings.publicUrl}/billing` }),
  );
  await recordAudit(ctx, { action: 'billing.portal', targetType: 'portal-session', targetId: session.id });
  return { url: session.url };
}
