import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeStripe } from '../../../test/fake-stripe.ts';
import { createTestEdge, databaseKinds, type TestEdge } from '../../../test/fixtures.ts';

type Billing = { tier: string; customerId: string | null; subscription: unknown; purchasable: string[] };

describe.each(databaseKinds)('billing routes on %s', (kind) => {
  let edge: TestEdge;
  let stripe: Awaited<ReturnType<typeof startFakeStripe>>;
  let t: Awaited<ReturnType<TestEdge['tenant']>>;
  beforeAll(async () => {
    edge = await createTestEdge(kind);
    stripe = await startFakeStripe();
    t = await edge.tenant('billing');
  });
  afterAll(async () => {
    await edge.close();
    await stripe.close();
  });
  const post = (path: string, json: unknown, token = t.tokens.owner) =>
    edge.request(`/api/tenants/${t.slug}/billing/${path}`, { method: 'POST', token, json });

  it('answers 503 on every billing route while Stripe is not configured', async () => {
    edge.services.billing = undefined;
    for (const res of [
      await edge.request(`/api/tenants/${t.slug}/billing`, { token: t.tokens.owner }),
      await post('checkout', { tier: 'mid' }),
      await post('portal', {}),
      await edge.request('/webhooks/stripe', {
        method: 'POST',
        json: {},
        headers: { 'stripe-signature': 'x' },
      }),
    ]) {
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(((await res.json()) as { detail: string }).detail).toBe('billing is not configured');
    }
    expect(stripe.calls).toEqual([]);
  });

  it('creates a checkout session for the tier, with one Stripe customer per tenant', async () => {
    edge.services.billing = stripe.billing;
    const first = await post('checkout', { tier: 'mid' });
    expect(first.status).toBe(201);
    const session = (await first.json()) as { id: string; url: string };
    expect(session.url).toMatch(/^https:\/\/checkout\.stripe\.test\/c\/pay\/cs_test_/);

    expect(stripe.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'POST /v1/customers',
      'POST /v1/checkout/sessions',
    ]);
    const [customerCall, checkoutCall] = stripe.calls;
    expect(customerCall?.headers.authorization).toBe('Bearer sk_test_fake');
    expect(customerCall?.headers['idempotency-key']).toBe(`cameleer-customer-${t.id}`);
    expect(customerCall?.form.get('metadata[tenantId]')).toBe(t.id);
    const form = checkoutCall?.form;
    expect(form?.get('mode')).toBe('subscription');
    expect(form?.get('customer')).toMatch(/^cus_test_/);
    expect(form?.get('client_reference_id')).toBe(t.id);
    expect(form?.get('line_items[0][price]')).toBe('price_test_mid');
    expect(form?.get('metadata[tenantId]')).toBe(t.id);
    expect(form?.get('metadata[tier]')).toBe('mid');
    expect(form?.get('subscription_data[metadata][tenantId]')).toBe(t.id);
    expect(form?.get('success_url')).toMatch(/^http:\/\/console\.test\/billing\?checkout=success/);
    expect(form?.get('cancel_url')).toBe('http://console.test/billing?checkout=canceled');

    const again = await post('checkout', { tier: 'high' });
    expect(again.status).toBe(201);
    expect(stripe.calls.filter((c) => c.path === '/v1/customers')).toHaveLength(1);
    expect(stripe.calls.at(-1)?.form.get('customer')).toBe(form?.get('customer'));
    expect(stripe.calls.at(-1)?.form.get('line_items[0][price]')).toBe('price_test_high');

    const view = (await (
      await edge.request(`/api/tenants/${t.slug}/billing`, { token: t.tokens.admin })
    ).json()) as Billing;
    expect(view).toEqual({
      tier: 'high',
      customerId: form?.get('customer'),
      subscription: null,
      purchasable: ['mid', 'high'],
    });
  });

  it('refuses a tier without a price, and audits a checkout', async () => {
    const res = await post('checkout', { tier: 'low' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/low tier cannot be bought/);
    const audit = (await (
      await edge.request(`/api/tenants/${t.slug}/audit-log?action=billing.checkout`, {
        token: t.tokens.owner,
      })
    ).json()) as { items: Array<{ action: string; outcome: string }> };
    expect(audit.items.filter((e) => e.outcome === 'success')).toHaveLength(2);
  });

  it("opens the customer portal for the tenant's customer, and only once it has one", async () => {
    const res = await post('portal', {});
    expect(res.status).toBe(201);
    expect(((await res.json()) as { url: string }).url).toMatch(/^https:\/\/billing\.stripe\.test\//);
    const call = stripe.calls.at(-1);
    expect(call?.path).toBe('/v1/billing_portal/sessions');
    expect(call?.form.get('customer')).toMatch(/^cus_test_/);
    expect(call?.form.get('return_url')).toBe('http://console.test/billing');

    const other = await edge.tenant('no-customer');
    const refused = await edge.request(`/api/tenants/${other.slug}/billing/portal`, {
      method: 'POST',
      token: other.tokens.owner,
    });
    expect(refused.status).toBe(409);
  });

  it('lets admins read billing and only owners buy', async () => {
    const calls = stripe.calls.length;
    expect((await edge.request(`/api/tenants/${t.slug}/billing`, { token: t.tokens.developer })).status).toBe(
      403,
    );
    expect((await post('checkout', { tier: 'mid' }, t.tokens.admin)).status).toBe(403);
    expect((await post('portal', {}, t.tokens.admin)).status).toBe(403);
    expect(stripe.calls.length).toBe(calls);
  });
});
