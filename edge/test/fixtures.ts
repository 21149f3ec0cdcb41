import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningKeyJwk, importSigningKey, type SigningKey } from '@cameleer/shared';
import { getRequestListener } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { type App, createApp } from '../src/app.ts';
import { importArtifactUrlKey } from '../src/artifacts/signed-url.ts';
import { newApiTokenSecret } from '../src/auth/api-token-secret.ts';
import { AuthCache } from '../src/auth/auth-cache.ts';
import type { OidcVerifier } from '../src/auth/oidc.ts';
import { bootstrap } from '../src/bootstrap.ts';
import type { Clock } from '../src/clock.ts';
import { type Db, withTenant } from '../src/db/client.ts';
import { apiTokens } from '../src/db/schema/index.ts';
import type { EdgeSettings, Services } from '../src/env.ts';
import { silentLogger } from '../src/logger.ts';
import { type Database, openPglite, openPostgres } from '../src/node/database.ts';
import { FileArtifactStore } from '../src/node/fs-artifact-store.ts';
import { attachWebSocketTunnel } from '../src/node/ws-tunnel.ts';
import { createSecretBox } from '../src/secrets/secret-box.ts';
import { runnerEvents } from '../src/services/runner-events.ts';
import { LocalHub } from '../src/tunnel/local-hub.ts';
import { ReplayGuard } from '../src/tunnel/replay-guard.ts';

/** Every database test runs on both: the embedded default and a real PostgreSQL server. */
export const databaseKinds = ['pglite', 'postgres'] as const;
export type DatabaseKind = (typeof databaseKinds)[number];

/** A fresh, migrated database: PGlite in memory, or a throw-away database on the test server. */
export async function openTestDatabase(kind: DatabaseKind): Promise<Database> {
  if (kind === 'pglite') return openPglite(undefined);
  const serverUrl = process.env.CAMELEER_TEST_PG_URL;
  if (!serverUrl) throw new Error('CAMELEER_TEST_PG_URL is not set: run the tests with `npm test`');
  const name = `cameleer_test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await openPostgres(url.toString(), url.toString(), 5);
  return {
    ...database,
    close: async () => {
      await database.close();
      const dropper = new pg.Client({ connectionString: serverUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  };
}

export const adminToken = 'cam_test-admin-token-0123456789abcdef';

/**
 * Real time plus an offset tests can move forward. Real time comes from the
 * performance clock, so tests that mock `Date.now` do not move it twice.
 */
export class TestClock implements Clock {
  #offsetMs = 0;
  now() {
    return new Date(performance.timeOrigin + performance.now() + this.#offsetMs);
  }
  advance(ms: number) {
    this.#offsetMs += ms;
  }
}

export type TestEdge = {
  app: App;
  services: Services;
  database: Database;
  db: Db;
  clock: TestClock;
  sessionKey: SigningKey;
  loginUrl: string;
  /** Root of this edge's filesystem artifact store (a temp directory, removed on close). */
  artifactDir: string;
  request(
    path: string,
    init?: { method?: string; token?: string; json?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
  /** A new tenant with an owner token, plus tokens of every other role. */
  tenant(slug: string): Promise<{
    id: string;
    slug: string;
    tokens: Record<'owner' | 'admin' | 'developer' | 'viewer', string>;
  }>;
  close(): Promise<void>;
};

export async function createTestEdge(
  kind: DatabaseKind,
  opts: { settings?: Partial<EdgeSettings>; oidc?: OidcVerifier } = {},
): Promise<TestEdge> {
  const database = await openTestDatabase(kind);
  const clock = new TestClock();
  const sessionKey = await importSigningKey(await generateSigningKeyJwk());
  const settings: EdgeSettings = {
    publicUrl: 'http://console.test',
    appsDomain: 'apps.test',
    maxBodyBytes: 64 * 1024,
    sessionTtlSeconds: 3600,
    heartbeatIntervalMs: 15_000,
    ...opts.settings,
  };
  const artifactDir = mkdtempSync(join(tmpdir(), 'cameleer-artifacts-'));
  const services: Services = {
    db: database.db,
    clock,
    sessionKeys: [sessionKey],
    oidc: opts.oidc,
    authCache: new AuthCache({
      max: 1000,
      ttlMs: 30_000,
      negativeTtlMs: 5_000,
      now: () => clock.now().getTime(),
    }),
    commandKeys: [await importSigningKey(await generateSigningKeyJwk())],
    licenceKeys: [await importSigningKey(await generateSigningKeyJwk())],
    replayGuard: new ReplayGuard({ max: 10_000, now: () => clock.now().getTime() }),
    artifactStore: new FileArtifactStore(artifactDir),
    artifactUrlKey: await importArtifactUrlKey(crypto.getRandomValues(new Uint8Array(32))),
    secretBox: await createSecretBox(crypto.getRandomValues(new Uint8Array(32))),
    settings,
    log: silentLogger,
  };
  const { loginUrl } = await bootstrap(database.db, clock, { adminToken, publicUrl: settings.publicUrl });
  const app = createApp({ services });

  const request: TestEdge['request'] = (path, init = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    let body: string | undefined;
    if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    }
    return Promise.resolve(app.request(path, { method: init.method ?? 'GET', headers, body }));
  };

  const tenant: TestEdge['tenant'] = async (slug) => {
    const created = await request('/api/tenants', {
      method: 'POST',
      token: adminToken,
      json: { slug, name: slug, owner: { issuer: 'test', subject: `owner-of-${slug}` } },
    });
    if (created.status !== 201) throw new Error(`tenant ${slug}: ${created.status} ${await created.text()}`);
    const { id } = (await created.json()) as { id: string };
    // The admin token is not a member of the new tenant; give it a short-lived owner seat to mint tokens.
    const tokens = {} as Record<'owner' | 'admin' | 'developer' | 'viewer', string>;
    const seat = await mintToken(database.db, clock, id, 'owner');
    for (const role of ['owner', 'admin', 'developer', 'viewer'] as const) {
      const res = await request(`/api/tenants/${slug}/api-tokens`, {
        method: 'POST',
        token: seat,
        json: { name: `${role} token`, role },
      });
      if (res.status !== 201) throw new Error(`token ${role}: ${res.status} ${await res.text()}`);
      tokens[role] = ((await res.json()) as { secret: string }).secret;
    }
    return { id, slug, tokens };
  };

  return {
    app,
    services,
    database,
    db: database.db,
    clock,
    sessionKey,
    loginUrl,
    artifactDir,
    request,
    tenant,
    close: async () => {
      await database.close();
      rmSync(artifactDir, { recursive: true, force: true });
    },
  };
}

/** Inserts an API token directly (test set-up only), returning its secret. */
async function mintToken(db: Db, clock: Clock, tenantId: string, role: 'owner'): Promise<string> {
  const secret = await newApiTokenSecret();
  await withTenant(db, tenantId, (tx) =>
    tx.insert(apiTokens).values({
      tenantId,
      name: 'fixture',
      tokenHash: secret.hash,
      hint: secret.hint,
      role,
      createdAt: clock.now(),
    }),
  );
  return secret.secret;
}

/**
 * Row counts of the platform tables and of one tenant's tables, to show that a
 * refused request wrote nothing. Audit entries of failures are expected, so only
 * successful audit entries are counted.
 */
export async function tableCounts(db: Db, tenantId: string): Promise<Record<string, number>> {
  const count = async (tx: Db, query: string) => {
    const res = await tx.execute(sql.raw(query));
    return Number((res as unknown as { rows: Array<{ n: number }> }).rows[0]?.n ?? 0);
  };
  const out: Record<string, number> = {
    tenants: await count(db, 'select count(*)::int as n from tenants'),
    users: await count(db, 'select count(*)::int as n from users'),
  };
  await withTenant(db, tenantId, async (tx) => {
    for (const t of [
      'environments',
      'apps',
      'api_tokens',
      'members',
      'runners',
      'runner_registration_tokens',
      'commands',
      'command_events',
      'app_versions',
      'deployments',
      'deployment_events',
      'config_entries',
    ]) {
      out[t] = await count(tx, `select count(*)::int as n from ${t}`);
    }
    out.audit_success = await count(tx, "select count(*)::int as n from audit_log where outcome = 'success'");
  });
  return out;
}

/** Registers a runner in a tenant through the API (token, then registration), returning its identity and key. */
export async function registerTestRunner(
  edge: TestEdge,
  tenant: { slug: string; tokens: { admin: string } },
  name = 'runner',
) {
  const tokenRes = await edge.request(`/api/tenants/${tenant.slug}/runner-tokens`, {
    method: 'POST',
    token: tenant.tokens.admin,
    json: {},
  });
  if (tokenRes.status !== 201) throw new Error(`runner token: ${tokenRes.status} ${await tokenRes.text()}`);
  const { token } = (await tokenRes.json()) as { token: string };
  const jwk = await generateSigningKeyJwk();
  const key = await importSigningKey(jwk);
  const res = await edge.request('/api/runners/register', {
    method: 'POST',
    json: {
      token,
      name,
      publicKey: { kty: 'OKP', crv: 'Ed25519', x: jwk.x },
      version: 'test',
      capabilities: ['process'],
    },
  });
  if (res.status !== 201) throw new Error(`register: ${res.status} ${await res.text()}`);
  const registered = (await res.json()) as {
    runnerId: string;
    tenantId: string;
    commandKeys: { keys: unknown[] };
  };
  return { ...registered, key: { ...key, kid: registered.runnerId }, registrationToken: token };
}

/** Serves a test edge over real HTTP with the Node WebSocket tunnel, as `startEdge` does. */
export async function listenTestEdge(
  edge: TestEdge,
): Promise<{ url: string; wsUrl: string; hub: LocalHub; close(): Promise<void> }> {
  const hub = new LocalHub(() => edge.services, runnerEvents);
  edge.services.tunnel = hub;
  const server = createServer(getRequestListener(edge.app.fetch));
  const wss = attachWebSocketTunnel(server, hub, () => edge.services);
  hub.start();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/tunnel`,
    hub,
    close: async () => {
      hub.stop();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      edge.services.tunnel = undefined;
    },
  };
}
