import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEdge, databaseKinds, registerTestRunner, type TestEdge } from '../../../test/fixtures.ts';
import { minimalJar, uploadJar } from '../../../test/jars.ts';
import { withTenant } from '../../db/client.ts';
import { deploymentResult } from '../../services/deployments/index.ts';

type Resolved = {
  digest: string;
  volumes: Array<{ path: string; name: string }>;
  serving: { deploymentId: string; configDigest: string | null; configChanged: boolean | null } | null;
};

describe.each(databaseKinds)('configuration drift on %s', (kind) => {
  let edge: TestEdge;
  let t: Awaited<ReturnType<TestEdge['tenant']>>;

  const req = (path: string, init: { method?: string; json?: unknown } = {}) =>
    edge.request(`/api/tenants/drift/${path}`, { token: t.tokens.developer, ...init });
  const resolved = async (app: string, environment: string) => {
    const res = await req(`apps/${app}/config/resolved?environment=${environment}`);
    expect(res.status).toBe(200);
    return (await res.json()) as Resolved;
  };
  const put = async (key: string, json: unknown, layer = '') =>
    expect((await req(`config/${key}${layer}`, { method: 'PUT', json })).status).toBeLessThan(300);
  /** Deploys and reports success as the runner would, so the deployment serves. */
  const deployRunning = async (path: string, json: unknown) => {
    const res = await req(path, { method: 'POST', json });
    expect(res.status).toBe(202);
    const { commandId } = (await res.json()) as { commandId: string };
    await withTenant(edge.db, t.id, (db) =>
      deploymentResult({ db, tenantId: t.id, clock: edge.clock }, { commandId, status: 'succeeded' }),
    );
  };
  /** Runs a change and says whether orders' dev digest moved, and whether its serving deployment drifted. */
  const changes = async (change: () => Promise<unknown>) => {
    const before = await resolved('orders', 'dev');
    await change();
    const after = await resolved('orders', 'dev');
    return { moved: after.digest !== before.digest, drifted: after.serving?.configChanged };
  };

  beforeAll(async () => {
    edge = await createTestEdge(kind);
    t = await edge.tenant('drift');
    await registerTestRunner(edge, t);
    await edge.request('/api/tenants/drift/environments', {
      method: 'POST',
      token: t.tokens.admin,
      json: { name: 'prod' },
    });
    for (const name of ['orders', 'billing'])
      expect(
        (await req('apps', { method: 'POST', json: { name, writeableVolumes: ['/data', '/var/Cache'] } }))
          .status,
      ).toBe(201);
    expect(
      (await uploadJar(edge, '/api/tenants/drift/apps/orders/versions', t.tokens.developer, minimalJar()))
        .status,
    ).toBe(201);
    await put('GREETING', { value: 'hello' });
  });
  afterAll(() => edge.close());

  it('names the volumes as the runner does, per environment', async () => {
    expect((await resolved('orders', 'dev')).volumes).toEqual([
      { path: '/data', name: 'cameleer-drift-dev-orders-data' },
      { path: '/var/Cache', name: 'cameleer-drift-dev-orders-var-cache' },
    ]);
    expect((await resolved('orders', 'prod')).volumes[0]?.name).toBe('cameleer-drift-prod-orders-data');
  });

  it('has no serving deployment before the first deploy, and a stable digest', async () => {
    const first = await resolved('orders', 'dev');
    expect(first.serving).toBeNull();
    expect(first.digest).toMatch(/^[0-9a-f]{64}$/);
    await put('GREETING', { value: 'hello' });
    expect((await resolved('orders', 'dev')).digest).toBe(first.digest);
  });

  it('stores the digest with the deployment and reports a change at every layer that applies', async () => {
    await deployRunning('apps/orders/deployments', { environment: 'dev' });
    const deployed = await resolved('orders', 'dev');
    expect(deployed.serving).toMatchObject({ configDigest: deployed.digest, configChanged: false });

    expect(await changes(() => put('GREETING', { value: 'hi' }))).toEqual({ moved: true, drifted: true });
    expect(await changes(() => put('ENV_ONLY', { value: '1' }, '?environment=dev'))).toMatchObject({
      moved: true,
    });
    expect(await changes(() => put('APP_ONLY', { value: '1' }, '?app=orders'))).toMatchObject({
      moved: true,
    });
    expect(await changes(() => put('BOTH', { value: '1' }, '?app=orders&environment=dev'))).toMatchObject({
      moved: true,
    });
    expect(await changes(() => put('TOKEN', { value: 's3cret', secret: true }, '?app=orders'))).toMatchObject(
      { moved: true },
    );
    // Set again to the same value: a new ciphertext, so it counts as a change the edge need not open.
    expect(await changes(() => put('TOKEN', { value: 's3cret', secret: true }, '?app=orders'))).toMatchObject(
      { moved: true },
    );
    for (const setting of [{ memoryMb: 640 }, { cpus: 0.5 }, { healthPath: '/ready' }, { private: true }])
      expect(await changes(() => req('apps/orders', { method: 'PATCH', json: setting }))).toMatchObject({
        moved: true,
      });
    expect(
      await changes(() => req('apps/orders', { method: 'PATCH', json: { writeableVolumes: ['/data'] } })),
    ).toMatchObject({ moved: true, drifted: true });
    expect(
      await changes(() => req(`config/BOTH?app=orders&environment=dev`, { method: 'DELETE' })),
    ).toMatchObject({ moved: true });
  });

  it("is unaffected by another app's or another environment's change", async () => {
    expect(await changes(() => put('GREETING', { value: 'prod' }, '?environment=prod'))).toMatchObject({
      moved: false,
    });
    expect(await changes(() => put('GREETING', { value: 'x' }, '?app=billing'))).toMatchObject({
      moved: false,
    });
    expect(
      await changes(() => put('GREETING', { value: 'y' }, '?app=orders&environment=prod')),
    ).toMatchObject({ moved: false });
    expect(
      await changes(() => req('apps/billing', { method: 'PATCH', json: { memoryMb: 1024 } })),
    ).toMatchObject({ moved: false });
  });

  it('clears the change with a redeploy, and promotion stores the target environment digest', async () => {
    expect((await resolved('orders', 'dev')).serving?.configChanged).toBe(true);
    await deployRunning('apps/orders/deployments', { environment: 'dev' });
    const dev = await resolved('orders', 'dev');
    expect(dev.serving).toMatchObject({ configDigest: dev.digest, configChanged: false });

    await deployRunning('apps/orders/promote', { from: 'dev', to: 'prod' });
    const prod = await resolved('orders', 'prod');
    expect(prod.digest).not.toBe(dev.digest);
    expect(prod.serving).toMatchObject({ configDigest: prod.digest, configChanged: false });
  });
});
