import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEdge, databaseKinds, type TestEdge, tableCounts } from '../../../test/fixtures.ts';
import { withTenant } from '../../db/client.ts';

type Entry = { key: string; value: string | null; secret: boolean; layer: string };
type Problem = { status: number; detail: string; errors?: Array<{ path: string; message: string }> };

describe.each(databaseKinds)('configuration on %s', (kind) => {
  let edge: TestEdge;
  let acme: Awaited<ReturnType<TestEdge['tenant']>>;
  let token: string;

  const put = (key: string, json: unknown, layer = '') =>
    edge.request(`/api/tenants/acme/config/${key}${layer}`, { method: 'PUT', token, json });
  const list = async (layer = '') =>
    (
      (await (
        await edge.request(`/api/tenants/acme/config${layer}`, { token: acme.tokens.viewer })
      ).json()) as {
        items: Entry[];
      }
    ).items;
  const resolved = async (app: string, environment: string) =>
    (await (
      await edge.request(`/api/tenants/acme/apps/${app}/config/resolved?environment=${environment}`, {
        token: acme.tokens.viewer,
      })
    ).json()) as { items: Entry[] };

  beforeAll(async () => {
    edge = await createTestEdge(kind);
    acme = await edge.tenant('acme');
    token = acme.tokens.developer;
    for (const name of ['orders', 'billing'])
      await edge.request('/api/tenants/acme/apps', { method: 'POST', token, json: { name } });
    await edge.request('/api/tenants/acme/environments', {
      method: 'POST',
      token: acme.tokens.admin,
      json: { name: 'prod' },
    });
  });
  afterAll(() => edge.close());

  it('sets, replaces, lists and unsets values per layer', async () => {
    expect((await put('LOG_LEVEL', { value: 'info' })).status).toBe(201);
    const replaced = await put('LOG_LEVEL', { value: 'warn' });
    expect(replaced.status).toBe(200);
    expect(await replaced.json()).toMatchObject({
      key: 'LOG_LEVEL',
      value: 'warn',
      secret: false,
      layer: 'global',
    });
    expect((await put('LOG_LEVEL', { value: 'debug' }, '?app=orders')).status).toBe(201);
    expect((await put('LOG_LEVEL', { value: 'error' }, '?environment=prod')).status).toBe(201);
    expect((await put('LOG_LEVEL', { value: 'trace' }, '?environment=dev&app=orders')).status).toBe(201);

    expect(await list()).toEqual([
      expect.objectContaining({ key: 'LOG_LEVEL', value: 'warn', layer: 'global' }),
    ]);
    expect(await list('?app=orders')).toEqual([expect.objectContaining({ value: 'debug', layer: 'app' })]);
    expect(await list('?environment=prod')).toEqual([
      expect.objectContaining({ value: 'error', layer: 'environment' }),
    ]);
    expect(await list('?environment=dev&app=orders')).toEqual([
      expect.objectContaining({ value: 'trace', layer: 'app-environment' }),
    ]);
    expect(await list('?app=billing')).toEqual([]);

    const unset = await edge.request('/api/tenants/acme/config/LOG_LEVEL?environment=dev&app=orders', {
      method: 'DELETE',
      token,
    });
    expect(unset.status).toBe(204);
    expect(await list('?environment=dev&app=orders')).toEqual([]);
    const again = await edge.request('/api/tenants/acme/config/LOG_LEVEL?environment=dev&app=orders', {
      method: 'DELETE',
      token,
    });
    expect(again.status).toBe(404);
    expect((await edge.request('/api/tenants/acme/config?app=nope', { token })).status).toBe(404);
  });

  it('resolves each key from its most specific layer: global, environment, app, app in the environment', async () => {
    await put('A_GLOBAL', { value: 'g' });
    await put('B_ENV', { value: 'g' });
    await put('B_ENV', { value: 'e' }, '?environment=prod');
    await put('C_APP', { value: 'e' }, '?environment=prod');
    await put('C_APP', { value: 'a' }, '?app=billing');
    await put('D_APP_ENV', { value: 'a' }, '?app=billing');
    await put('D_APP_ENV', { value: 'ae' }, '?app=billing&environment=prod');
    await put('D_APP_ENV', { value: 'other app' }, '?app=orders&environment=prod');

    const prod = Object.fromEntries(
      (await resolved('billing', 'prod')).items
        .filter((e) => /^[A-D]_/.test(e.key))
        .map((e) => [e.key, `${e.value}@${e.layer}`]),
    );
    expect(prod).toEqual({
      A_GLOBAL: 'g@global',
      B_ENV: 'e@environment',
      C_APP: 'a@app',
      D_APP_ENV: 'ae@app-environment',
    });
    const dev = Object.fromEntries(
      (await resolved('billing', 'dev')).items
        .filter((e) => /^[A-D]_/.test(e.key))
        .map((e) => [e.key, e.value]),
    );
    expect(dev).toEqual({ A_GLOBAL: 'g', B_ENV: 'g', C_APP: 'a', D_APP_ENV: 'a' });
    expect((await edge.request('/api/tenants/acme/apps/billing/config/resolved', { token })).status).toBe(
      400,
    );
  });

  it('stores a secret sealed, never shows it, and audits no value', async () => {
    const created = await put('DB_PASSWORD', { value: 's3cr3t-hunter2', secret: true }, '?app=orders');
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ key: 'DB_PASSWORD', value: null, secret: true });
    expect(await list('?app=orders')).toContainEqual(
      expect.objectContaining({ key: 'DB_PASSWORD', value: null, secret: true }),
    );
    expect((await resolved('orders', 'dev')).items).toContainEqual(
      expect.objectContaining({ key: 'DB_PASSWORD', value: null, secret: true, layer: 'app' }),
    );

    const raw = await withTenant(edge.db, acme.id, (tx) =>
      tx.execute(sql`select value, value_encrypted, secret from config_entries where key = 'DB_PASSWORD'`),
    );
    const rows = (raw as unknown as { rows: Array<{ value: string | null; value_encrypted: string }> }).rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]?.value).toBeNull();
    expect(rows[0]?.value_encrypted).toMatch(/^v1\./);
    expect(JSON.stringify(rows)).not.toContain('hunter2');

    const audit = JSON.stringify(
      await (
        await edge.request('/api/tenants/acme/audit-log?action=config.set', { token: acme.tokens.admin })
      ).json(),
    );
    expect(audit).toContain('DB_PASSWORD');
    expect(audit).not.toContain('hunter2');
    expect(audit).not.toContain('"warn"');
  });

  it('refuses invalid and reserved keys and oversized values with a 400 problem, writing nothing', async () => {
    const before = await tableCounts(edge.db, acme.id);
    const cases: Array<[string, unknown]> = [
      ['PORT', { value: '1' }],
      ['SERVER_PORT', { value: '1' }],
      ['APP_VERSION', { value: '1' }],
      ['CAMELEER_TENANT', { value: 'evil' }],
      ['1ABC', { value: 'x' }],
      ['BAD-NAME', { value: 'x' }],
      ['K'.repeat(129), { value: 'x' }],
      ['BIG', { value: 'x'.repeat(32 * 1024 + 1) }],
      ['MULTIBYTE', { value: 'é'.repeat(16 * 1024 + 1) }],
      ['NUL', { value: 'a\0b' }],
      ['NO_VALUE', {}],
      ['EXTRA', { value: 'x', other: true }],
    ];
    for (const [key, json] of cases) {
      const res = await put(key, json);
      expect(res.status, key).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      const problem = (await res.json()) as Problem;
      expect(problem.errors?.length, key).toBeGreaterThan(0);
    }
    const reserved = (await (await put('CAMELEER_APP', { value: 'x' })).json()) as Problem;
    expect(JSON.stringify(reserved.errors)).toContain('set by the platform');
    expect(await tableCounts(edge.db, acme.id)).toEqual(before);
  });

  it('lets viewers read but not write, and answers 503 for secrets without a secrets key', async () => {
    expect((await edge.request('/api/tenants/acme/config', { token: acme.tokens.viewer })).status).toBe(200);
    const denied = await edge.request('/api/tenants/acme/config/X', {
      method: 'PUT',
      token: acme.tokens.viewer,
      json: { value: 'x' },
    });
    expect(denied.status).toBe(403);

    const box = edge.services.secretBox;
    edge.services.secretBox = undefined;
    try {
      const res = await put('NO_BOX', { value: 'x', secret: true });
      expect(res.status).toBe(503);
      expect(((await res.json()) as Problem).detail).toMatch(/secrets key/);
      expect((await put('NO_BOX', { value: 'plain is fine' })).status).toBe(201);
    } finally {
      edge.services.secretBox = box;
    }
  });

  it('deletes the entries of an app with the app', async () => {
    await edge.request('/api/tenants/acme/apps', { method: 'POST', token, json: { name: 'temp' } });
    await put('TEMP', { value: 'x' }, '?app=temp');
    expect((await edge.request('/api/tenants/acme/apps/temp', { method: 'DELETE', token })).status).toBe(204);
    const raw = await withTenant(edge.db, acme.id, (tx) =>
      tx.execute(sql`select count(*)::int as n from config_entries where key = 'TEMP'`),
    );
    expect((raw as unknown as { rows: Array<{ n: number }> }).rows[0]?.n).toBe(0);
  });
});
