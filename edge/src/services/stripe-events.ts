import { type SigningKey, type TierName, tierNames } from '@cameleer/shared';
import { and, eq, sql } from 'drizzle-orm';
import type { Stripe } from 'stripe';
import { type StripeBilling, tierOfPrice, unpaidTier } from '../billing/stripe-billing.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/client.ts';
import { type BillingAccountRow, billingAccounts, stripeEvents, tenants } from '../db/schema/index.ts';
import type { EdgeSettings } from '../env.ts';
import { billingAccountOf, endedStatuses } from './billing.ts';
import type { TenantContext } from './context.ts';
import { changeTier } from './licences.ts';

/** What a Stripe event says about one subscription. */
export type SubscriptionChange = {
  customerId: string;
  subscriptionId: string;
  status: string;
  priceId?: string;
  /** The tier the checkout was for (its metadata), when the event names no price. */
  tier?: TierName;
  /** The tenant the event names itself (checkout reference, metadata), if any. */
  tenantHint?: string;
};

export type StripeEventOutcome = 'applied' | 'duplicate' | 'stale' | 'ignored' | 'unknown-tenant';

const idOf = (ref: string | { id: string }) => (typeof ref === 'string' ? ref : ref.id);
const asTier = (value: string | undefined) => tierNames.find((t) => t === value);

export function subscriptionChangeOf(event: Stripe.Event): SubscriptionChange | undefined {
  switch (event.type) {
    case 'checkout.session.completed': {
      const session = event.data.object;
      // Unpaid means a delayed payment method: the subscription's own events decide later.
      if (session.mode !== 'subscription' || session.payment_status === 'unpaid') return undefined;
      if (!session.subscription || !session.customer) return undefined;
      return {
        customerId: idOf(session.customer),
        subscriptionId: idOf(session.subscription),
        status: 'active',
        tier: asTier(session.metadata?.tier),
        tenantHint: session.client_reference_id ?? session.metadata?.tenantId,
      };
    }
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
    case 'customer.subscription.deleted': {
      const sub = event.data.object;
      return {
        customerId: idOf(sub.customer),
        subscriptionId: sub.id,
        status: event.type === 'customer.subscription.deleted' ? 'canceled' : sub.status,
        priceId: sub.items.data[0]?.price.id,
        tenantHint: sub.metadata?.tenantId,
      };
    }
    default:
      return undefined;
  }
}

/**
 * Whether an event is older than the state already applied: by Stripe's event time, and
 * a subscription that ended never comes back, nor does the end of a replaced one downgrade the tenant.
 */
export function isStale(
  account: BillingAccountRow | undefined,
  change: SubscriptionChange,
  at: Date,
): boolean {
  if (!account?.stripeSubscriptionId || !account.stateAt) return false;
  const currentEnded = endedStatuses.has(account.subscriptionStatus ?? '');
  if (account.stripeSubscriptionId === change.subscriptionId) {
    return currentEnded || at < account.stateAt;
  }
  if (!currentEnded && endedStatuses.has(change.status)) return true;
  return at < account.stateAt;
}

/** Active or trialing: the price's tier; over or unpaid: the unpaid tier; past due or incomplete: unchanged while Stripe collects. */
export function tierFor(billing: StripeBilling, change: SubscriptionChange): TierName | undefined {
  if (change.status === 'active' || change.status === 'trialing') {
    return tierOfPrice(billing, change.priceId) ?? change.tier;
  }
  if (['canceled', 'unpaid', 'incomplete_expired', 'paused'].includes(change.status)) return unpaidTier;
  return undefined;
}

type Deps = {
  db: Db;
  clock: Clock;
  requestId: string;
  billing: StripeBilling;
  licenceKeys: readonly SigningKey[] | undefined;
  settings: Pick<EdgeSettings, 'licenceTtlDays' | 'licenceGraceDays'>;
};

const stripeActor = { type: 'system', id: 'stripe', role: 'system' } as const;

/**
 * Applies a verified Stripe event once: the event id is recorded in the same
 * transaction as its effect, so a redelivery (or a concurrent one) finds it and does nothing.
 */
export async function applyStripeEvent(deps: Deps, event: Stripe.Event): Promise<StripeEventOutcome> {
  const at = new Date(event.created * 1000);
  return deps.db.transaction(async (tx) => {
    const [fresh] = await tx
      .insert(stripeEvents)
      .values({ id: event.id, type: event.type, created: at, processedAt: deps.clock.now() })
      .onConflictDoNothing()
      .returning({ id: stripeEvents.id });
    if (!fresh) return 'duplicate';
    const change = subscriptionChangeOf(event);
    if (!change) return 'ignored';
    const tenantId = await tenantOf(tx, change);
    if (!tenantId) return 'unknown-tenant';
    await tx.execute(sql`select set_config('app.tenant_id', ${tenantId}, true)`);
    // One event at a time per tenant: two concurrent ones must not both judge against the same old state.
    await tx.execute(
      sql`select pg_advisory_xact_lock(hashtextextended(${`cameleer:stripe:${tenantId}`}, 0))`,
    );
    const ctx: TenantContext = {
      db: tx,
      tenantId,
      actor: stripeActor,
      clock: deps.clock,
      requestId: deps.requestId,
    };
    const account = await billingAccountOf(ctx);
    if (isStale(account, change, at)) return 'stale';
    await saveState(ctx, deps.billing, change, at);
    const tier = tierFor(deps.billing, change);
    const [tenant] = await tx.select({ tier: tenants.tier }).from(tenants).where(eq(tenants.id, tenantId));
    if (tier && tenant && tenant.tier !== tier) {
      await changeTier({ ctx, keys: deps.licenceKeys, settings: deps.settings, input: { tier } });
    }
    return 'applied';
  });
}

/** The tenant whose Stripe customer this is (the customer id makes its row visible), else the one the event names. */
async function tenantOf(tx: Db, change: SubscriptionChange): Promise<string | undefined> {
  await tx.execute(sql`select set_config('app.stripe_customer_id', ${change.customerId}, true)`);
  const [byCustomer] = await tx
    .select({ tenantId: billingAccounts.tenantId })
    .from(billingAccounts)
    .where(eq(billingAccounts.stripeCustomerId, change.customerId));
  const candidate = byCustomer?.tenantId ?? change.tenantHint;
  if (!candidate) return undefined;
  const [tenant] = await tx
    .select({ id: tenants.id })
    .from(tenants)
    .where(and(eq(tenants.id, candidate), eq(tenants.status, 'active')));
  return tenant?.id;
}

async function saveState(ctx: TenantContext, billing: StripeBilling, change: SubscriptionChange, at: Date) {
  const state = {
    stripeCustomerId: change.customerId,
    stripeSubscriptionId: change.subscriptionId,
    subscriptionStatus: change.status,
    priceId: change.priceId ?? (change.tier && billing.prices[change.tier]) ?? null,
    stateAt: at,
    updatedAt: ctx.clock.now(),
  };
  await ctx.db
    .insert(billingAccounts)
    .values({ tenantId: ctx.tenantId, ...state })
    .onConflictDoUpdate({ target: billingAccounts.tenantId, set: state });
}
