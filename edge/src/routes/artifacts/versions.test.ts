import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEdge, databaseKinds, type TestEdge } from '../../../test/fixtures.ts';
import { buildJar, uploadJar } from '../../../test/jars.ts';
import { signedArtifactUrl } from '../../services/versions.ts';

type Version = {
  id: string;
  label: string;
  sha256: string;
  sizeBytes: number;
  mainClass: string;
  filename: string;
};

describe.each(databaseKinds)('app versions on %s', (kind) => {
  let edge: TestEdge;
  let acme: Awaited<ReturnType<TestEdge['tenant']>>;
  const jar = buildJar({ mainClass: 'com.example.Orders', message: 'v1' });
  const jar2 = buildJar({ mainClass: 'com.example.Orders', message: 'v2' });
  const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

  beforeAll(async () => {
    edge = await createTestEdge(kind);
    acme = await edge.tenant('acme');
    const token = acme.tokens.developer;
    await edge.request('/api/tenants/acme/apps', { method: 'POST', token, json: { name: 'orders' } });
  });
  afterAll(() => edge.close());

  it('uploads a JAR (201), reuses the version for the same bytes (200), lists and reads it', async () => {
    const token = acme.tokens.developer;
    const created = await uploadJar(edge, '/api/tenants/acme/apps/orders/versions', token, jar, {
      'content-disposition': 'attachment; filename="orders-1.0.jar"',
    });
    expect(created.status).toBe(201);
    const v1 = (await created.json()) as Version;
    expect(v1).toMatchObject({
      id: expect.stringMatching(/^ver_/),
      label: 'v1',
      sha256: sha(jar),
      sizeBytes: jar.byteLength,
      mainClass: 'com.example.Orders',
      filename: 'orders-1.0.jar',
    });

    const again = await uploadJar(edge, '/api/tenants/acme/apps/orders/versions', token, jar, {
      'content-type': 'application/octet-stream',
    });
    expect(again.status).toBe(200);
    expect(((await again.json()) as Version).id).toBe(v1.id);

    const second = await uploadJar(
      edge,
      '/api/tenants/acme/apps/orders/versions?label=1.1.0&filename=orders.jar',
      token,
      jar2,
    );
    expect(second.status).toBe(201);
    expect(await second.json()).toMatchObject({ label: '1.1.0', filename: 'orders.jar', sha256: sha(jar2) });

    const viewer = acme.tokens.viewer;
    const list = (await (
      await edge.request('/api/tenants/acme/apps/orders/versions', { token: viewer })
    ).json()) as {
      items: Version[];
    };
    expect(list.items.map((v) => v.label)).toEqual(['1.1.0', 'v1']);
    for (const ref of [v1.id, 'v1']) {
      const one = await edge.request(`/api/tenants/acme/apps/orders/versions/${ref}`, { token: viewer });
      expect(one.status).toBe(200);
      expect(((await one.json()) as Version).id).toBe(v1.id);
    }
    expect((await edge.request('/api/tenants/acme/apps/orders/versions/v9', { token: viewer })).status).toBe(
      404,
    );

    const audit = (await (
      await edge.request('/api/tenants/acme/audit-log?action=version.create', { token: acme.tokens.admin })
    ).json()) as { items: Array<{ status: number; targetId: string }> };
    expect(audit.items.map((e) => e.status).sort()).toEqual([200, 201, 201]);
  });

  it('streams a chunked upload without content-length', async () => {
    const half = Math.floor(jar.byteLength / 2);
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(jar.slice(0, half));
        c.enqueue(jar.slice(half));
        c.close();
      },
    });
    await edge.request('/api/tenants/acme/apps', {
      method: 'POST',
      token: acme.tokens.developer,
      json: { name: 'chunked' },
    });
    const res = await uploadJar(edge, '/api/tenants/acme/apps/chunked/versions', acme.tokens.developer, body);
    expect(res.status).toBe(201);
    expect(((await res.json()) as Version).sha256).toBe(sha(jar));
  });

  it('serves the JAR through a signed link, which a runner can use without other credentials', async () => {
    const list = (await (
      await edge.request('/api/tenants/acme/apps/orders/versions', { token: acme.tokens.viewer })
    ).json()) as { items: Version[] };
    const v = list.items.find((i) => i.label === 'v1');
    if (!v) throw new Error('no v1');
    const link = await signedArtifactUrl(edge.services, { tenantId: acme.id, versionId: v.id });
    expect(link.url.startsWith('http://console.test/api/artifacts/')).toBe(true);
    expect(link.expiresAt.getTime() - Date.now()).toBeGreaterThan(9 * 60_000);
    const res = await edge.app.request(link.path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/java-archive');
    expect(sha(new Uint8Array(await res.arrayBuffer()))).toBe(v.sha256);
  });

  it('refuses uploads without the permission, of the wrong type, or to an unknown app', async () => {
    const path = '/api/tenants/acme/apps/orders/versions';
    expect((await uploadJar(edge, path, acme.tokens.viewer, jar)).status).toBe(403);
    const json = await edge.request(path, { method: 'POST', token: acme.tokens.developer, json: {} });
    expect(json.status).toBe(415);
    expect(json.headers.get('content-type')).toBe('application/problem+json');
    expect(
      (await uploadJar(edge, '/api/tenants/acme/apps/nope/versions', acme.tokens.developer, jar)).status,
    ).toBe(404);
  });
});
