import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSigningKeyJwk } from '@cameleer/shared';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestClickHouse, type TestClickHouse } from '../test/clickhouse.ts';
import { startFakeStripe, testPrices, testWebhookSecret } from '../test/fake-stripe.ts';
import { adminToken, openTestDatabase } from '../test/fixtures.ts';
import { minimalJar, zipOf } from '../test/jars.ts';
import { exchange, insertRows, scopeOf, traceIdOf } from '../test/telemetry-fixture.ts';
import { databaseUrl, type Relay, startRelay, startWrangler, type Wrangler } from '../test/wrangler-dev.ts';
import { stripeCrypto } from './billing/stripe-billing.ts';
import { bootstrap } from './bootstrap.ts';
import { systemClock } from './clock.ts';
import { withTenant } from './db/client.ts';
import { commands, deploymentEvents, deployments, usageEvents } from './db/schema/index.ts';
import type { Database } from './node/database.ts';
import { worker } from './worker.ts';

const problemJson = 'application/problem+json';
const artifactUrlKey = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');

/** The real Workers runtime: `wrangler dev` (workerd) in front of PostgreSQL through Neon's driver and a relay. */
describe('edge on Cloudflare Workers (wrangler dev, workerd)', { timeout: 90_000 }, () => {
  let database: Database;
  let relay: Relay;
  let wrangler: Wrangler;
  let stripe: Awaited<ReturnType<typeof startFakeStripe>>;
  let clickhouse: TestClickHouse;

  beforeAll(async () => {
    stripe = await startFakeStripe();
    clickhouse = await startTestClickHouse();
    database = await openTestDatabase('postgres');
    await bootstrap(database.db, systemClock, { adminToken, publicUrl: 'http://console.test' });
    relay = await startRelay();
    wrangler = await startWrangler({
      DATABASE_URL: await databaseUrl(database),
      CAMELEER_SESSION_KEY: JSON.stringify(await generateSigningKeyJwk()),
      CAMELEER_PUBLIC_URL: 'http://console.test',
      CAMELEER_APPS_DOMAIN: 'apps.test',
      NEON_WS_PROXY: `127.0.0.1:${relay.port}`,
      CAMELEER_LICENCE_KEYS: JSON.stringify(await generateSigningKeyJwk()),
      STRIPE_SECRET_KEY: 'sk_test_fake',
      STRIPE_WEBHOOK_SECRET: testWebhookSecret,
      STRIPE_PRICE_MID: testPrices.mid,
      STRIPE_PRICE_HIGH: testPrices.high,
      STRIPE_API_BASE: stripe.url,
      CAMELEER_CLICKHOUSE_URL: clickhouse.url,
      CAMELEER_ARTIFACT_URL_KEY: artifactUrlKey,
    });
  }, 75_000);

  afterAll(async () => {
    await wrangler?.stop();
    await relay?.close();
    await database?.close();
    await stripe?.close();
    await clickhouse?.close();
  });

  const call = (path: string, init: { method?: string; token?: string; json?: unknown } = {}) =>
    fetch(`${wrangler.url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
      signal: AbortSignal.timeout(15_000),
    });

  it('is live, and ready because PostgreSQL answers through the Neon driver', async () => {
    expect((await call('/healthz')).status).toBe(200);
    const ready = await call('/readyz');
    expect(ready.status, wrangler.output()).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('serves the console from the static assets binding: deep links get the app, the API stays with the edge', async () => {
    const deep = await call('/t/default/apps/orders');
    expect(deep.status).toBe(200);
    const html = await deep.text();
    expect(html).toContain('<div id="root">');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1] ?? '';
    const asset = await call(script);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    const missing = await call('/api/nothing');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    // The bench's baseline route reaches the worker, not the console's fallback, and is off unless the bench sets it.
    const bare = await call('/__bench/bare');
    expect(bare.status).toBe(404);
    expect(bare.headers.get('content-type')).toContain('application/problem+json');
  });

  it('authenticates the admin token and serves tenant resources', async () => {
    const me = await call('/api/me', { token: adminToken });
    expect(me.status, await me.clone().text()).toBe(200);
    expect(((await me.json()) as { platformAdmin: boolean }).platformAdmin).toBe(true);

    const created = await call('/api/tenants/default/apps', {
      method: 'POST',
      token: adminToken,
      json: { name: 'orders', description: 'made on workerd' },
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const list = await call('/api/tenants/default/apps', { token: adminToken });
    expect(list.status).toBe(200);
    const { items } = (await list.json()) as { items: Array<{ name: string; description: string }> };
    expect(items).toEqual([expect.objectContaining({ name: 'orders', description: 'made on workerd' })]);
  });

  it('serves telemetry from ClickHouse over @clickhouse/client-web', async () => {
    const tenant = (await (await call('/api/tenants/default', { token: adminToken })).json()) as {
      id: string;
    };
    const traceId = traceIdOf(tenant.id, 'on-workerd');
    const spans = exchange(scopeOf(tenant.id, 'orders'), {
      traceId,
      atMs: Date.now() - 60_000,
      routeId: 'orders',
      from: 'platform-http:/orders',
      durationMs: 12,
      to: [{ uri: 'direct:validate', durationMs: 3 }],
    });
    await insertRows(clickhouse.client, 'otel_traces', spans);
    const res = await call('/api/tenants/default/telemetry/traces?app=orders&environment=dev', {
      token: adminToken,
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const { items } = (await res.json()) as { items: Array<{ traceId: string }> };
    expect(items.map((t) => t.traceId)).toEqual([traceId]);
  });

  it('refuses a bad token with 401 problem+json', async () => {
    const res = await call('/api/me', { token: 'cam_not-a-real-token-0123456789abcdef' });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe(problemJson);
    expect(await res.json()).toMatchObject({ status: 401, type: expect.stringMatching(/unauthenticated$/) });
  });

  it("runs Stripe on workerd: checkout over the SDK's fetch client, webhooks verified with SubtleCrypto", async () => {
    const checkout = await call('/api/tenants/default/billing/checkout', {
      method: 'POST',
      token: adminToken,
      json: { tier: 'mid' },
    });
    expect(checkout.status, await checkout.clone().text()).toBe(201);
    expect(stripe.calls.map((c) => c.path)).toEqual(['/v1/customers', '/v1/checkout/sessions']);
    const customer = stripe.calls[1]?.form.get('customer');

    const payload = JSON.stringify({
      id: 'evt_workerd_1',
      object: 'event',
      type: 'customer.subscription.created',
      created: Math.floor(Date.now() / 1000),
      data: {
        object: {
          id: 'sub_workerd',
          object: 'subscription',
          customer,
          status: 'active',
          metadata: {},
          items: { object: 'list', data: [{ id: 'si_1', price: { id: testPrices.mid } }] },
        },
      },
    });
    const signature = await stripe.billing.stripe.webhooks.generateTestHeaderStringAsync({
      payload,
      secret: testWebhookSecret,
      cryptoProvider: stripeCrypto,
    });
    const deliver = (body: string) =>
      fetch(`${wrangler.url}/webhooks/stripe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': signature },
        body,
        signal: AbortSignal.timeout(15_000),
      });
    const tampered = await deliver(payload.replace(testPrices.mid, testPrices.high));
    expect(tampered.status).toBe(400);
    const delivered = await deliver(payload);
    expect(delivered.status, await delivered.clone().text()).toBe(200);
    expect(await delivered.json()).toEqual({ received: true, outcome: 'applied' });
    const licence = await call('/api/tenants/default/licence', { token: adminToken });
    expect(((await licence.json()) as { claims: { tier: string } }).claims.tier).toBe('mid');
  });

  describe('artifacts in R2 and the sweeps on Cron Triggers', () => {
    let tenantId: string;
    let firstVersion: string;
    let dev: { id: string; commandId: string };
    let running: { id: string; commandId: string };
    const jar = minimalJar('demo.Payments');
    const upload = (bytes: Uint8Array) =>
      fetch(`${wrangler.url}/api/tenants/default/apps/payments/versions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/java-archive' },
        body: bytes.slice(),
        signal: AbortSignal.timeout(30_000),
      });
    const deploy = async (environment: string, version: string) => {
      const res = await call('/api/tenants/default/apps/payments/deployments', {
        method: 'POST',
        token: adminToken,
        json: { environment, version },
      });
      expect(res.status, await res.clone().text()).toBe(202);
      const { id } = (await res.json()) as { id: string };
      const [row] = await withTenant(database.db, tenantId, (tx) =>
        tx.select().from(deployments).where(eq(deployments.id, id)),
      );
      if (!row?.commandId) throw new Error(`deployment ${id} has no command`);
      return { id, commandId: row.commandId };
    };
    const artifactUrlOf = async (commandId: string) => {
      const [command] = await withTenant(database.db, tenantId, (tx) =>
        tx.select().from(commands).where(eq(commands.id, commandId)),
      );
      const payload = (command?.payload ?? {}) as { version?: { artifactUrl?: string } };
      const url = payload.version?.artifactUrl ?? '';
      // Signed for the public URL; this edge listens on loopback.
      return url.replace('http://console.test', wrangler.url);
    };

    beforeAll(async () => {
      tenantId = (
        (await (await call('/api/tenants/default', { token: adminToken })).json()) as { id: string }
      ).id;
      await call('/api/tenants/default/apps', {
        method: 'POST',
        token: adminToken,
        json: { name: 'payments' },
      });
      await registerRunner(call);
    });

    it('streams an upload into R2, validated like on Node, and a broken JAR leaves nothing behind', async () => {
      const res = await upload(jar);
      expect(res.status, await res.clone().text()).toBe(201);
      const version = (await res.json()) as { id: string; sha256: string; sizeBytes: number };
      expect(version).toMatchObject({ sha256: sha256Of(jar), sizeBytes: jar.byteLength });
      firstVersion = version.id;
      const stored = r2Blobs(wrangler.stateDir);
      expect(stored.filter((b) => b.equals(jar))).toHaveLength(1);

      const broken = await upload(jar.subarray(0, jar.byteLength - 30));
      expect(broken.status).toBe(400);
      expect(broken.headers.get('content-type')).toBe(problemJson);
      expect(((await broken.json()) as { type: string }).type).toMatch(/invalid-artifact$/);
      expect(r2Blobs(wrangler.stateDir)).toEqual(stored);
    });

    it('takes a JAR larger than one part in parts and serves it whole through a signed link', async () => {
      const padding = new Uint8Array(randomBytes(8 * 1024 * 1024 + 256 * 1024));
      const big = zipOf([
        { name: 'META-INF/MANIFEST.MF', data: 'Manifest-Version: 1.0\r\nMain-Class: demo.Big\r\n\r\n' },
        { name: 'demo/padding.bin', data: padding, method: 'store' },
      ]);
      const res = await upload(big);
      expect(res.status, await res.clone().text()).toBe(201);
      const version = (await res.json()) as { id: string; sha256: string };
      expect(version.sha256).toBe(sha256Of(big));
      running = await deploy('prod', version.id);
      const download = await fetch(await artifactUrlOf(running.commandId), {
        signal: AbortSignal.timeout(30_000),
      });
      expect(download.status).toBe(200);
      expect(sha256Of(new Uint8Array(await download.arrayBuffer()))).toBe(version.sha256);
    });

    it('lets a runner download its JAR through the signed link from the deploy command, and nobody else', async () => {
      // No tunnel hub on Workers yet, so no runner process: a plain client fetches what the command names.
      dev = await deploy('dev', firstVersion);
      const url = await artifactUrlOf(dev.commandId);
      const download = await fetch(url, { signal: AbortSignal.timeout(15_000) });
      expect(download.status).toBe(200);
      expect(download.headers.get('content-type')).toBe('application/java-archive');
      expect(Buffer.from(await download.arrayBuffer()).equals(jar)).toBe(true);
      const forged = await fetch(url.replace(/sig=[\w-]{4}/, 'sig=AAAA'), {
        signal: AbortSignal.timeout(15_000),
      });
      expect(forged.status).toBe(403);
      expect(forged.headers.get('content-type')).toBe(problemJson);
    });

    it('fails an overdue command once and records an app-hour once when two cron runs overlap', async () => {
      await withTenant(database.db, tenantId, async (tx) => {
        await tx.update(deployments).set({ state: 'RUNNING' }).where(eq(deployments.id, running.id));
        await tx.update(commands).set({ state: 'succeeded' }).where(eq(commands.id, running.commandId));
        await tx
          .update(commands)
          .set({ deadline: new Date(Date.now() - 60_000) })
          .where(inArray(commands.state, ['queued', 'sent', 'acked']));
      });
      const scheduled = (cron: string) =>
        fetch(`${wrangler.url}/__scheduled?cron=${encodeURIComponent(cron)}`, {
          signal: AbortSignal.timeout(30_000),
        });
      const crons = ['* * * * *', '*/5 * * * *'];
      const runs = await Promise.all([...crons, ...crons].map(scheduled));
      expect(runs.map((r) => r.status)).toEqual([200, 200, 200, 200]);

      const done = await waitFor(
        () => sweepLogs(wrangler.output()),
        (logs) => logs.length === 4,
      );
      const sum = (name: string) => done.reduce((n, l) => n + (l[name] ?? 0), 0);
      // Each cron fired twice at once. The dev deploy was left queued: it fails in exactly one run.
      expect(done.map((l) => l.cron).sort()).toEqual([...crons, ...crons].sort());
      expect(sum('command-deadlines'), JSON.stringify(done)).toBe(1);
      expect(sum('app-hours'), JSON.stringify(done)).toBe(1);
      const events = await withTenant(database.db, tenantId, (tx) =>
        tx
          .select()
          .from(deploymentEvents)
          .where(eq(deploymentEvents.deploymentId, dev.id))
          .orderBy(deploymentEvents.at, deploymentEvents.id),
      );
      expect(events.map((e) => e.state)).toEqual(['BUILDING', 'FAILED']);
      const hours = await withTenant(database.db, tenantId, (tx) =>
        tx.select().from(usageEvents).where(eq(usageEvents.code, 'app_hours')),
      );
      expect(hours.map((h) => h.properties.deployment_id)).toEqual([running.id]);
    });
  });

  it('connects to PostgreSQL as the app role, never as the login role', () => {
    expect(relay.startups.length).toBeGreaterThan(0);
    for (const startup of relay.startups) expect(startup).toContain('options\0-c role=cameleer_app\0');
  });
});

describe('worker entry with bad bindings', () => {
  it('fails the request with a coded 500 that names the binding but not its value', async () => {
    const ctx = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} };
    const res = await worker.fetch(
      new Request('http://edge.test/healthz'),
      {
        DATABASE_URL: 'mysql://nope',
        CAMELEER_SESSION_KEY: '{"kty":"oct","k":"c2VjcmV0"}',
        CAMELEER_PUBLIC_URL: 'x',
      },
      ctx,
    );
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toBe(problemJson);
    const body = (await res.json()) as { type: string; detail: string };
    expect(body.type).toMatch(/\/internal$/);
    for (const name of ['DATABASE_URL', 'CAMELEER_SESSION_KEY', 'CAMELEER_PUBLIC_URL'])
      expect(body.detail).toContain(name);
    expect(body.detail).not.toContain('c2VjcmV0');
  });
});

describe('worker entry settings', () => {
  it('takes the body limit from CAMELEER_MAX_BODY_BYTES, like Node (it was fixed at 1 MiB)', async () => {
    const ctx = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} };
    const bindings = {
      // Never reached: the body limit answers before anything touches the database.
      DATABASE_URL: 'postgres://edge@127.0.0.1:1/cameleer',
      CAMELEER_SESSION_KEY: JSON.stringify(await generateSigningKeyJwk()),
      CAMELEER_PUBLIC_URL: 'http://console.test',
    };
    const post = (env: Record<string, unknown>) =>
      worker.fetch(
        new Request('http://edge.test/api/tenants', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ pad: 'x'.repeat(4096) }),
        }),
        env,
        ctx,
      );
    const limited = await post({ ...bindings, CAMELEER_MAX_BODY_BYTES: '2048' });
    expect(limited.status).toBe(413);
    expect(limited.headers.get('content-type')).toBe(problemJson);
    expect((await post(bindings)).status).toBe(401);
  });

  it('answers the bench-only bare route with an empty 200 only under CAMELEER_BENCH_BARE_ROUTE=1', async () => {
    const ctx = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} };
    const bindings = {
      DATABASE_URL: 'postgres://edge@127.0.0.1:1/cameleer',
      CAMELEER_SESSION_KEY: JSON.stringify(await generateSigningKeyJwk()),
      CAMELEER_PUBLIC_URL: 'http://console.test',
    };
    const get = (env: Record<string, unknown>) =>
      worker.fetch(new Request('http://edge.test/__bench/bare'), env, ctx);
    const on = await get({ ...bindings, CAMELEER_BENCH_BARE_ROUTE: '1' });
    expect(on.status).toBe(200);
    expect(await on.text()).toBe('');
    const off = await get(bindings);
    expect(off.status).toBe(404);
    expect(off.headers.get('content-type')).toBe(problemJson);
  });
});

const sha256Of = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The object bodies in Miniflare's local R2 (`--persist-to`): what the bucket holds, tmp keys included. */
function r2Blobs(stateDir: string): Buffer[] {
  const root = join(stateDir, 'v3', 'r2');
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.parentPath.endsWith(join('blobs')))
    .map((e) => readFileSync(join(e.parentPath, e.name)))
    .sort(Buffer.compare);
}

/** What each run of the scheduled handler logged that its sweeps changed. */
function sweepLogs(output: string): Array<{ cron?: string } & Record<string, number>> {
  return output
    .split('\n')
    .filter((line) => line.includes('"scheduled sweeps done"'))
    .map((line) => JSON.parse(line.slice(line.indexOf('{'))) as { cron?: string } & Record<string, number>);
}

async function waitFor<T>(read: () => T, done: (value: T) => boolean, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

/** A runner registered through the worker's API, serving every environment, so deployments can be made. */
async function registerRunner(
  call: (path: string, init?: { method?: string; token?: string; json?: unknown }) => Promise<Response>,
) {
  const tokenRes = await call('/api/tenants/default/runner-tokens', {
    method: 'POST',
    token: adminToken,
    json: {},
  });
  const { token } = (await tokenRes.json()) as { token: string };
  const jwk = await generateSigningKeyJwk();
  const res = await call('/api/runners/register', {
    method: 'POST',
    json: {
      token,
      name: 'on-workers',
      publicKey: { kty: 'OKP', crv: 'Ed25519', x: jwk.x },
      version: 'test',
      capabilities: ['process'],
    },
  });
  if (res.status !== 201) throw new Error(`register: ${res.status} ${await res.text()}`);
}
