import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPrices } from '../../../test/fake-stripe.ts';
import { createTestEdge, type TestEdge } from '../../../test/fixtures.ts';
import { createStripeBilling } from '../../billing/stripe-billing.ts';

type Problem = { type: string; title: string; status: number; detail: string; upstream?: string };

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

/** A port that was free a moment ago: connecting to it is refused. */
async function closedPort(): Promise<string> {
  const server = createServer();
  const url = await listen(server);
  await close(server);
  return url;
}

describe('billing when Stripe fails', () => {
  let edge: TestEdge;
  let t: Awaited<ReturnType<TestEdge['tenant']>>;
  const servers: Server[] = [];
  beforeAll(async () => {
    edge = await createTestEdge('pglite');
    t = await edge.tenant('upstream');
  });
  afterAll(async () => {
    await edge.close();
    await Promise.all(servers.map(close));
  });

  const useStripeAt = (apiBase: string, timeoutMs?: number) => {
    edge.services.billing = createStripeBilling({
      secretKey: 'sk_test_fake',
      prices: testPrices,
      apiBase,
      maxNetworkRetries: 0,
      ...(timeoutMs ? { timeoutMs } : {}),
    });
  };
  const checkout = async () => {
    const res = await edge.request(`/api/tenants/${t.slug}/billing/checkout`, {
      method: 'POST',
      token: t.tokens.owner,
      json: { tier: 'mid' },
    });
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    return { status: res.status, problem: (await res.json()) as Problem };
  };

  it('answers 503 upstream-unavailable naming Stripe when it cannot be reached', async () => {
    useStripeAt(await closedPort());
    const { status, problem } = await checkout();
    expect(status).toBe(503);
    expect(problem.type).toBe('https://cameleer.dev/problems/upstream-unavailable');
    expect(problem.upstream).toBe('Stripe');
    expect(problem.detail).toMatch(/^Stripe cannot be reached \(ECONNREFUSED\); try again shortly$/);
    expect(problem.detail).not.toMatch(/Something went wrong on our side/);
  });

  it('answers 502 upstream-failed naming Stripe when Stripe answers 500', async () => {
    const failing = createServer((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json', 'request-id': 'req_stripe_1' });
      res.end(JSON.stringify({ error: { type: 'api_error', message: 'Stripe is having a bad day' } }));
    });
    servers.push(failing);
    useStripeAt(await listen(failing));
    const { status, problem } = await checkout();
    expect(status).toBe(502);
    expect(problem.type).toBe('https://cameleer.dev/problems/upstream-failed');
    expect(problem).toMatchObject({ upstream: 'Stripe', upstreamRequestId: 'req_stripe_1' });
    expect(problem.detail).toMatch(/^Stripe answered 500: Stripe is having a bad day/);
  });

  it('answers 504 upstream-timeout naming Stripe when Stripe does not answer in time', async () => {
    const silent = createServer(() => {});
    servers.push(silent);
    useStripeAt(await listen(silent), 200);
    const { status, problem } = await checkout();
    expect(status).toBe(504);
    expect(problem.type).toBe('https://cameleer.dev/problems/upstream-timeout');
    expect(problem.upstream).toBe('Stripe');
    expect(problem.detail).toMatch(/^Stripe did not answer within 0\.2 s/);
  });
});
