import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeStripe, testPrices, testWebhookSecret } from '../../../test/fake-stripe.ts';
import { createTestEdge, databaseKinds, listenTestEdge, type TestEdge } from '../../../test/fixtures.ts';
import { stripeCrypto } from '../../billing/stripe-billing.ts';
import { billingAccounts, stripeEvents } from '../../db/schema/index.ts';

type Licence = { id: string; claims: { tier: string }; tier: { name: string } };
type Outcome = { received: boolean; outcome: string };

describe.each(databaseKinds)('Stripe webhook on %s', (kind) => {
  let edge: TestEdge;
  let stripe: Awaited<ReturnType<typeof startFakeStripe>>;
  let served: Awaited<ReturnType<typeof listenTestEdge>>;
  let t: Awaited<ReturnType<TestEdge['tenant']>>;
  let customer: string;
  let seq = 0;
  const now = () => Math.floor(edge.clock.now().getTime() / 1000);

  beforeAll(async () => {
    edge = await createTestEdge(kind);
    stripe = await startFakeStripe();
    edge.services.billing = stripe.billing;
    served = await listenTestEdge(edge);
    t = await edge.tenant('stripe');
    const checkout = await edge.request(`/api/tenants/${t.slug}/billing/checkout`, {
      method: 'POST',
      token: t.tokens.owner,
      json: { tier: 'mid' },
    });
    expect(checkout.status).toBe(201);
    const billing = (await (
      await edge.request(`/api/tenants/${t.slug}/billing`, { token: t.tokens.owner })
    ).json()) as { customerId: string };
    customer = billing.customerId;
  });
  afterAll(async () => {
    await served.close();
    await edge.close();
    await stripe.close();
  });

  const send = async (
    payload: string,
    opts: { timestamp?: number; secret?: string; signedPayload?: string; signature?: string | null } = {},
  ) => {
    const header =
      opts.signature === undefined
        ? await stripe.billing.stripe.webhooks.generateTestHeaderStringAsync({
            payload: opts.signedPayload ?? payload,
            secret: opts.secret ?? testWebhookSecret,
            timestamp: opts.timestamp ?? now(),
            cryptoProvider: stripeCrypto,
          })
        : opts.signature;
    return fetch(`${served.url}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(header ? { 'stripe-signature': header } : {}) },
      body: payload,
    });
  };
  const event = (type: string, object: Record<string, unknown>, created: number, id = `evt_test_${++seq}`) =>
    JSON.stringify({ id, object: 'event', type, created, livemode: false, data: { object } });
  const subscription = (id: string, status: string, price: string) => ({
    id,
    object: 'subscription',
    customer,
    status,
    metadata: {},
    items: { object: 'list', data: [{ id: `si_${id}`, object: 'subscription_item', price: { id: price } }] },
  });
  const licence = async () =>
    (await (
      await edge.request(`/api/tenants/${t.slug}/licence`, { token: t.tokens.viewer })
    ).json()) as Licence;
  const eventCount = async () => (await edge.db.select().from(stripeEvents)).length;
  const expectTier = async (tier: string) => {
    const current = await licence();
    expect(current.claims.tier).toBe(tier);
    expect(current.tier.name).toBe(tier);
  };
  const accept = async (payload: string, outcome = 'applied') => {
    const res = await send(payload);
    expect(res.status).toBe(200);
    expect(((await res.json()) as Outcome).outcome).toBe(outcome);
  };

  it('applies a completed checkout: the tenant gets the tier and a licence re-issued with it', async () => {
    const before = await licence();
    expect(before.claims.tier).toBe('high');
    const session = {
      id: 'cs_test_done',
      object: 'checkout.session',
      mode: 'subscription',
      payment_status: 'paid',
      customer,
      subscription: 'sub_one',
      client_reference_id: t.id,
      metadata: { tenantId: t.id, tier: 'mid' },
    };
    await accept(event('checkout.session.completed', session, now() - 100));
    const after = await licence();
    expect(after.id).not.toBe(before.id);
    await expectTier('mid');
  });

  it('refuses tampered, unsigned, wrongly signed and stale deliveries with 400 and writes nothing', async () => {
    const genuine = event(
      'customer.subscription.updated',
      subscription('sub_one', 'active', testPrices.high),
      now(),
    );
    const tampered = genuine.replace(testPrices.high, testPrices.mid);
    const count = await eventCount();
    const licenceId = (await licence()).id;
    for (const res of [
      await send(tampered, { signedPayload: genuine }),
      await send(genuine, { signature: null }),
      await send(genuine, { signature: 't=1,v1=deadbeef' }),
      await send(genuine, { secret: 'whsec_someone_else' }),
      await send(genuine, { timestamp: now() - 301 }),
    ]) {
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    const stale = await send(genuine, { timestamp: now() - 301 });
    expect(((await stale.json()) as { detail: string }).detail).toMatch(/tolerance/);
    expect(await eventCount()).toBe(count);
    expect((await licence()).id).toBe(licenceId);
    await expectTier('mid');
  });

  it('applies a replayed event once, even when redelivered concurrently', async () => {
    const upgrade = event(
      'customer.subscription.updated',
      subscription('sub_one', 'active', testPrices.high),
      now() - 90,
    );
    const results = await Promise.all(Array.from({ length: 5 }, () => send(upgrade)));
    const outcomes = await Promise.all(results.map(async (r) => ((await r.json()) as Outcome).outcome));
    expect(outcomes.filter((o) => o === 'applied')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(4);
    await expectTier('high');
    const id = (JSON.parse(upgrade) as { id: string }).id;
    // Same id, other content: still the event already applied.
    await accept(upgrade.replace(testPrices.high, testPrices.mid), 'duplicate');
    expect(await edge.db.select().from(stripeEvents).where(eq(stripeEvents.id, id))).toHaveLength(1);
    await expectTier('high');
  });

  it('ignores updates older than the state applied, whatever order they arrive in', async () => {
    // Newer (high) arrived above at now-90; an older update to mid arrives late.
    await accept(
      event('customer.subscription.updated', subscription('sub_one', 'active', testPrices.mid), now() - 95),
      'stale',
    );
    await expectTier('high');
    await accept(
      event('customer.subscription.updated', subscription('sub_one', 'active', testPrices.mid), now() - 80),
    );
    await expectTier('mid');
    await accept(
      event('customer.subscription.updated', subscription('sub_one', 'past_due', testPrices.mid), now() - 70),
    );
    await expectTier('mid');
    await accept(
      event('customer.subscription.updated', subscription('sub_one', 'unpaid', testPrices.mid), now() - 65),
    );
    await expectTier('low');
    await accept(
      event('customer.subscription.updated', subscription('sub_one', 'active', testPrices.high), now() - 60),
    );
    await expectTier('high');
  });

  it('keeps a deleted subscription deleted when an update arrives after it, even a newer one', async () => {
    const deleted = event(
      'customer.subscription.deleted',
      subscription('sub_one', 'canceled', testPrices.high),
      now() - 40,
    );
    const lateUpdate = event(
      'customer.subscription.updated',
      subscription('sub_one', 'active', testPrices.high),
      now() - 50,
    );
    await accept(deleted);
    await expectTier('low');
    await accept(lateUpdate, 'stale');
    await expectTier('low');
    await accept(
      event('customer.subscription.updated', subscription('sub_one', 'active', testPrices.high), now() - 30),
      'stale',
    );
    await expectTier('low');
    const billing = (await (
      await edge.request(`/api/tenants/${t.slug}/billing`, { token: t.tokens.admin })
    ).json()) as { subscription: { id: string; status: string } };
    expect(billing.subscription).toMatchObject({ id: 'sub_one', status: 'canceled' });
  });

  it('follows a new subscription, and the late end of a replaced one does not downgrade it', async () => {
    await accept(
      event('customer.subscription.created', subscription('sub_two', 'active', testPrices.mid), now() - 20),
    );
    await expectTier('mid');
    const licenceId = (await licence()).id;
    await accept(
      event('customer.subscription.updated', subscription('sub_two', 'active', testPrices.high), now() - 10),
    );
    await expectTier('high');
    expect((await licence()).id).not.toBe(licenceId);
    await accept(
      event('customer.subscription.deleted', subscription('sub_old', 'canceled', testPrices.mid), now() - 5),
      'stale',
    );
    await expectTier('high');
    await accept(
      event('customer.subscription.deleted', subscription('sub_two', 'canceled', testPrices.high), now()),
    );
    await expectTier('low');
  });

  it('ends on the newest state when many updates of one subscription arrive at once, in any order', async () => {
    const base = now() + 10;
    const updates = Array.from({ length: 12 }, (_, i) =>
      event(
        'customer.subscription.updated',
        subscription('sub_three', 'active', i % 2 ? testPrices.mid : testPrices.high),
        base + i,
      ),
    );
    const shuffled = updates.map((u, i) => ({ u, k: (i * 7) % 12 })).sort((a, b) => a.k - b.k);
    const results = await Promise.all(shuffled.map(({ u }) => send(u)));
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    await expectTier('mid');
  });

  it('records events it does not act on, and those of customers it does not know', async () => {
    await accept(event('invoice.paid', { id: 'in_1', object: 'invoice', customer }, now()), 'ignored');
    const stranger = { ...subscription('sub_x', 'active', testPrices.high), customer: 'cus_unknown' };
    await accept(event('customer.subscription.created', stranger, now()), 'unknown-tenant');
    await expectTier('mid');
  });

  it('shows a billing row to whoever knows its customer id, and only that row, and lets nobody write by it', async () => {
    const other = await edge.tenant('stripe-other');
    await edge.request(`/api/tenants/${other.slug}/billing/checkout`, {
      method: 'POST',
      token: other.tokens.owner,
      json: { tier: 'high' },
    });
    const visible = (customerId: string) =>
      edge.db.transaction(async (tx) => {
        await tx.execute(sql`select set_config('app.stripe_customer_id', ${customerId}, true)`);
        const rows = await tx.select({ tenantId: billingAccounts.tenantId }).from(billingAccounts);
        const updated = await tx
          .update(billingAccounts)
          .set({ subscriptionStatus: 'active' })
          .returning({ tenantId: billingAccounts.tenantId });
        return { rows: rows.map((r) => r.tenantId), updated: updated.length };
      });
    expect(await visible(customer)).toEqual({ rows: [t.id], updated: 0 });
    expect(await visible('cus_nobody')).toEqual({ rows: [], updated: 0 });
  });
});
