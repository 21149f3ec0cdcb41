import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSigningKeyJwk } from '@cameleer/shared';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { ensureConsoleBuilt } from '../../scripts/console-build.ts';
import { startTestClickHouse, type TestClickHouse } from '../test/clickhouse.ts';
import { startFakeStripe, testPrices, testWebhookSecret } from '../test/fake-stripe.ts';
import { adminToken, openTestDatabase } from '../test/fixtures.ts';
import { exchange, insertRows, scopeOf, traceIdOf } from '../test/telemetry-fixture.ts';
import { stripeCrypto } from './billing/stripe-billing.ts';
import { bootstrap } from './bootstrap.ts';
import { systemClock } from './clock.ts';
import type { Database } from './node/database.ts';
import { worker } from './worker.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const problemJson = 'application/problem+json';

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
});

/** The URL of the throw-away database, for the worker's own connection. */
async function databaseUrl(database: Database): Promise<string> {
  const res = await database.db.execute<{ name: string }>(sql`select current_database() as name`);
  const name = (res as unknown as { rows: Array<{ name: string }> }).rows[0]?.name;
  const serverUrl = process.env.CAMELEER_TEST_PG_URL;
  if (!name || !serverUrl) throw new Error('no test database');
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

type Relay = { port: number; startups: string[]; close(): Promise<void> };

/** WebSocket to TCP, as Neon's proxy does, for loopback PostgreSQL only; keeps each connection's startup message. */
async function startRelay(): Promise<Relay> {
  const startups: string[] = [];
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((ok) => wss.once('listening', ok));
  wss.on('connection', (ws, req) => {
    const address = new URL(req.url ?? '/', 'ws://relay').searchParams.get('address') ?? '';
    const [host, port] = address.split(':');
    if (host !== '127.0.0.1' && host !== 'localhost') return ws.close(1008, 'loopback only');
    const socket = tcpConnect(Number(port), host);
    let first = true;
    ws.on('message', (data: Buffer) => {
      if (first) startups.push(data.toString('latin1'));
      first = false;
      socket.write(data);
    });
    socket.on('data', (data) => ws.send(data));
    socket.on('close', () => ws.close());
    socket.on('error', () => ws.close());
    ws.on('close', () => socket.destroy());
  });
  const { port } = wss.address() as { port: number };
  return {
    port,
    startups,
    close: () =>
      new Promise<void>((ok) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => ok());
      }),
  };
}

type Wrangler = { url: string; output(): string; stop(): Promise<void> };

/** `wrangler dev` on the repo's wrangler.toml, from a temp dir holding the bindings and wrangler's state. */
async function startWrangler(vars: Record<string, string>): Promise<Wrangler> {
  const dir = mkdtempSync(join(tmpdir(), 'cameleer-wrangler-'));
  await ensureConsoleBuilt({ quiet: true });
  const config = readFileSync(join(repoRoot, 'wrangler.toml'), 'utf8')
    .replace(/^main = .*$/m, `main = ${JSON.stringify(join(repoRoot, 'edge/src/worker.ts'))}`)
    .replace(/^directory = .*$/m, `directory = ${JSON.stringify(join(repoRoot, 'dashboard/dist'))}`);
  writeFileSync(join(dir, 'wrangler.toml'), config);
  writeFileSync(
    join(dir, '.dev.vars'),
    Object.entries(vars)
      .map(([k, v]) => `${k}='${v}'`)
      .join('\n'),
    { mode: 0o600 },
  );
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(repoRoot, 'node_modules/wrangler/bin/wrangler.js'),
      'dev',
      '--config',
      join(dir, 'wrangler.toml'),
      '--local',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--inspector-port',
      String(inspectorPort),
      '--persist-to',
      join(dir, 'state'),
      '--show-interactive-dev-session=false',
    ],
    {
      cwd: dir,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true', NO_COLOR: '1' },
    },
  );
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  const url = `http://127.0.0.1:${port}`;

  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      process.kill(-child.pid, 'SIGTERM');
      const killed = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]);
      if (!killed) process.kill(-child.pid, 'SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    // wrangler stays up after a failed build, waiting for an edit: give up at once instead.
    if (child.exitCode !== null || output.includes('Build failed')) break;
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return { url, stop, output: () => output };
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  await stop();
  throw new Error(`wrangler dev did not become healthy:\n${output}`);
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));
