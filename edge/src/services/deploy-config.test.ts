import { eq } from 'drizzle-orm';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEdge, databaseKinds, registerTestRunner, type TestEdge } from '../../test/fixtures.ts';
import { minimalJar, uploadJar } from '../../test/jars.ts';
import { withTenant } from '../db/client.ts';
import { commands, configEntries } from '../db/schema/index.ts';
import { signCommand } from '../tunnel/command-signing.ts';
import { deploymentResult } from './deployments/index.ts';

type Payload = {
  env: Record<string, string>;
  sealedEnv?: string;
  secretKeys?: string[];
  resources: { memoryMb: number; cpus: number; pids: number };
  writeableVolumes: string[];
  healthCheck: { httpPath?: string; timeoutSeconds: number };
  private: boolean;
};

describe.each(databaseKinds)('deploy commands with configuration on %s', (kind) => {
  let edge: TestEdge;
  let t: Awaited<ReturnType<TestEdge['tenant']>>;
  const secret = 'pa55-w0rd-never-in-clear';

  const req = (path: string, init: { method?: string; json?: unknown } = {}) =>
    edge.request(`/api/tenants/cfg/${path}`, { token: t.tokens.developer, ...init });
  const commandOf = async (deploymentId: string) => {
    const dep = (await (await req(`deployments/${deploymentId}`)).json()) as { commandId: string };
    const [row] = await withTenant(edge.db, t.id, (tx) =>
      tx.select().from(commands).where(eq(commands.id, dep.commandId)),
    );
    if (!row) throw new Error('no command');
    return row;
  };
  const deploy = async (environment: string, json: Record<string, unknown> = {}) => {
    const res = await req('apps/orders/deployments', { method: 'POST', json: { environment, ...json } });
    expect(res.status).toBe(202);
    return commandOf(((await res.json()) as { id: string }).id);
  };

  beforeAll(async () => {
    edge = await createTestEdge(kind);
    t = await edge.tenant('cfg');
    await registerTestRunner(edge, t);
    await edge.request('/api/tenants/cfg/environments', {
      method: 'POST',
      token: t.tokens.admin,
      json: { name: 'prod' },
    });
    const created = await req('apps', {
      method: 'POST',
      json: {
        name: 'orders',
        private: true,
        healthPath: '/ready',
        writeableVolumes: ['/data'],
        memoryMb: 768,
        cpus: 0.5,
      },
    });
    expect(created.status).toBe(201);
    expect(
      (await uploadJar(edge, '/api/tenants/cfg/apps/orders/versions', t.tokens.developer, minimalJar()))
        .status,
    ).toBe(201);
    for (const [key, json, layer] of [
      ['GREETING', { value: 'hello' }, ''],
      ['GREETING', { value: 'hello prod' }, '?environment=prod'],
      ['QUEUE', { value: 'orders-q' }, '?app=orders'],
      ['DB_PASSWORD', { value: secret, secret: true }, '?app=orders'],
    ] as const) {
      expect((await req(`config/${key}${layer}`, { method: 'PUT', json })).status).toBe(201);
    }
  });
  afterAll(() => edge.close());

  it('puts plain config and the app settings in the payload, and the secret only sealed', async () => {
    const row = await deploy('dev');
    const payload = row.payload as Payload;
    expect(payload.env).toMatchObject({ GREETING: 'hello', QUEUE: 'orders-q', CAMELEER_APP: 'orders' });
    expect(payload.env).not.toHaveProperty('DB_PASSWORD');
    expect(payload.sealedEnv).toMatch(/^v1\./);
    expect(payload.resources).toEqual({ memoryMb: 768, cpus: 0.5, pids: 256 });
    expect(payload.writeableVolumes).toEqual(['/data']);
    expect(payload.healthCheck.httpPath).toBe('/ready');
    expect(payload.private).toBe(true);
    expect(JSON.stringify(row)).not.toContain(secret);
    const api = await (await req(`commands/${row.id}`)).text();
    expect(api).not.toContain(secret);

    // Only the token signed for the runner carries the secret, merged into env.
    const claims = decodeJwt(await signCommand(edge.services, row, edge.clock.now())) as {
      cmd: { payload: Payload };
    };
    expect(claims.cmd.payload.env).toMatchObject({
      GREETING: 'hello',
      QUEUE: 'orders-q',
      DB_PASSWORD: secret,
    });
    expect(claims.cmd.payload).not.toHaveProperty('sealedEnv');
    // It names the keys that came from secrets, so the runner keeps them apart; the stored one does not.
    expect(claims.cmd.payload.secretKeys).toEqual(['DB_PASSWORD']);
    expect(payload).not.toHaveProperty('secretKeys');

    // Nothing sealed: no key is a secret, and a planted list does not survive the signing.
    const { sealedEnv: _, ...unsealed } = row.payload;
    const plain = decodeJwt(
      await signCommand(
        edge.services,
        { ...row, payload: { ...unsealed, secretKeys: ['GREETING'] } },
        edge.clock.now(),
      ),
    ) as { cmd: { payload: Payload } };
    expect(plain.cmd.payload.secretKeys).toEqual([]);
    expect(JSON.stringify(plain)).not.toContain(secret);
  });

  it('lets the platform variables win and keeps a per-deploy health path override', async () => {
    // Reserved names cannot be set through the API; a row planted anyway still loses to the platform.
    await withTenant(edge.db, t.id, (tx) =>
      tx
        .insert(configEntries)
        .values({ tenantId: t.id, key: 'CAMELEER_APP', value: 'planted', updatedBy: 'test' }),
    );
    const row = await deploy('prod', { healthPath: null });
    const payload = row.payload as Payload;
    expect(payload.env.GREETING).toBe('hello prod');
    expect(payload.env.CAMELEER_ENVIRONMENT).toBe('prod');
    expect(payload.env.CAMELEER_APP).toBe('orders');
    expect(payload.healthCheck.httpPath).toBeUndefined();
  });

  it('does not open a sealed env moved to another deployment, and refuses to deploy secrets without a key', async () => {
    const first = await deploy('dev');
    const second = await deploy('dev');
    const moved = { ...second, payload: { ...second.payload, sealedEnv: first.payload.sealedEnv } };
    await expect(signCommand(edge.services, moved, edge.clock.now())).rejects.toThrow();

    const box = edge.services.secretBox;
    edge.services.secretBox = undefined;
    try {
      const res = await req('apps/orders/deployments', { method: 'POST', json: { environment: 'dev' } });
      expect(res.status).toBe(503);
      await expect(signCommand(edge.services, first, edge.clock.now())).rejects.toThrow(/sealed secrets/);
    } finally {
      edge.services.secretBox = box;
    }
  });

  it('promotes with the target environment configuration', async () => {
    const dev = await deploy('dev');
    // Promotion needs the source RUNNING: report success as the runner would.
    await withTenant(edge.db, t.id, (db) =>
      deploymentResult({ db, tenantId: t.id, clock: edge.clock }, { commandId: dev.id, status: 'succeeded' }),
    );
    const res = await req('apps/orders/promote', { method: 'POST', json: { from: 'dev', to: 'prod' } });
    expect(res.status).toBe(202);
    const promoted = await commandOf(((await res.json()) as { id: string }).id);
    const claims = decodeJwt(await signCommand(edge.services, promoted, edge.clock.now())) as {
      cmd: { payload: Payload };
    };
    expect(claims.cmd.payload.env).toMatchObject({
      GREETING: 'hello prod',
      CAMELEER_ENVIRONMENT: 'prod',
      DB_PASSWORD: secret,
    });
    expect(claims.cmd.payload.secretKeys).toEqual(['DB_PASSWORD']);
  });

  it('returns, validates and updates the app settings', async () => {
    const app = await (await req('apps/orders')).json();
    expect(app).toMatchObject({
      private: true,
      healthPath: '/ready',
      writeableVolumes: ['/data'],
      memoryMb: 768,
      cpus: 0.5,
    });
    const patched = await req('apps/orders', {
      method: 'PATCH',
      json: {
        private: false,
        healthPath: null,
        writeableVolumes: ['/data', '/var/cache/app'],
        memoryMb: 1024,
      },
    });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({
      private: false,
      healthPath: null,
      writeableVolumes: ['/data', '/var/cache/app'],
      memoryMb: 1024,
      cpus: 0.5,
    });
    const defaults = await (await req('apps', { method: 'POST', json: { name: 'plain' } })).json();
    expect(defaults).toMatchObject({
      private: false,
      healthPath: '/health',
      writeableVolumes: [],
      memoryMb: 512,
      cpus: 1,
    });
    for (const json of [
      { writeableVolumes: ['relative'] },
      { writeableVolumes: ['/'] },
      { writeableVolumes: ['/data/../etc'] },
      { writeableVolumes: ['/proc/self'] },
      { writeableVolumes: ['/sys'] },
      { writeableVolumes: ['/dev/shm'] },
      { writeableVolumes: Array.from({ length: 17 }, (_, i) => `/v${i}`) },
      { healthPath: 'health' },
      { memoryMb: 63 },
      { memoryMb: 65537 },
      { cpus: 0.05 },
      { cpus: 65 },
      { private: 'yes' },
    ]) {
      const res = await req('apps/orders', { method: 'PATCH', json });
      expect(res.status, JSON.stringify(json)).toBe(400);
    }
    expect(await (await req('apps/orders')).json()).toMatchObject({ memoryMb: 1024, private: false });
  });
  it('maps the trace sampling set per app and per app in an environment onto the OpenTelemetry sampler', async () => {
    const key = 'CAMELEER_TRACES_SAMPLING';
    expect((await req(`config/${key}?app=orders`, { method: 'PUT', json: { value: '10%' } })).status).toBe(
      201,
    );
    expect(
      (await req(`config/${key}?app=orders&environment=prod`, { method: 'PUT', json: { value: '0' } }))
        .status,
    ).toBe(201);
    try {
      const dev = (await deploy('dev')).payload as Payload;
      expect(dev.env).toMatchObject({
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.1',
      });
      expect(dev.env).not.toHaveProperty(key);
      const prod = (await deploy('prod')).payload as Payload;
      expect(prod.env.OTEL_TRACES_SAMPLER).toBe('parentbased_always_off');
      expect(prod.env).not.toHaveProperty('OTEL_TRACES_SAMPLER_ARG');

      for (const json of [{ value: '1.5' }, { value: 'half' }, { value: '0.5', secret: true }]) {
        const res = await req(`config/${key}?environment=prod`, { method: 'PUT', json });
        expect(res.status, JSON.stringify(json)).toBe(400);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
      }
      const prodLayer = (await (await req('config?environment=prod')).json()) as { items?: unknown[] };
      expect(JSON.stringify(prodLayer)).not.toContain(key);
    } finally {
      await req(`config/${key}?app=orders`, { method: 'DELETE' });
      await req(`config/${key}?app=orders&environment=prod`, { method: 'DELETE' });
    }
  });
});
