import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEdge, databaseKinds, type TestEdge, tableCounts } from '../../../test/fixtures.ts';
import { buildJar, maliciousJars, uploadJar } from '../../../test/jars.ts';
import { signedArtifactUrl } from '../../services/versions.ts';

const maxArtifactBytes = 256 * 1024;

/** Every file under the store's root: a refused upload must leave none. */
function storedFiles(root: string, dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? storedFiles(root, join(dir, e.name)) : [join(dir, e.name).slice(root.length + 1)],
  );
}

describe.each(databaseKinds)('artifact attacks on %s', (kind) => {
  let edge: TestEdge;
  let acme: Awaited<ReturnType<TestEdge['tenant']>>;
  let other: Awaited<ReturnType<TestEdge['tenant']>>;
  const path = '/api/tenants/acme/apps/orders/versions';
  const jar = buildJar();

  beforeAll(async () => {
    edge = await createTestEdge(kind, { settings: { maxArtifactBytes } });
    acme = await edge.tenant('acme');
    other = await edge.tenant('other');
    await edge.request('/api/tenants/acme/apps', {
      method: 'POST',
      token: acme.tokens.developer,
      json: { name: 'orders' },
    });
  });
  afterAll(() => edge.close());

  async function expectRefused(res: Response, status: number, type: string, detail: RegExp) {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const problem = (await res.json()) as { type: string; detail: string };
    expect(problem.type).toBe(`https://cameleer.dev/problems/${type}`);
    expect(problem.detail).toMatch(detail);
  }

  it('refuses every malicious archive with invalid-artifact, storing nothing', async () => {
    const before = await tableCounts(edge.db, acme.id);
    for (const bad of maliciousJars(jar)) {
      const res = await uploadJar(edge, path, acme.tokens.developer, bad.bytes);
      await expectRefused(res, 400, 'invalid-artifact', bad.detail);
    }
    await expectRefused(
      await uploadJar(edge, path, acme.tokens.developer, new Uint8Array()),
      400,
      'invalid-artifact',
      /empty/,
    );
    expect(await tableCounts(edge.db, acme.id)).toEqual(before);
    expect(storedFiles(edge.artifactDir)).toEqual([]);
  });

  it('refuses a JAR over the cap with 413, whether it declares its length or streams it', async () => {
    const before = await tableCounts(edge.db, acme.id);
    const big = new Uint8Array(maxArtifactBytes + 1);
    await expectRefused(
      await uploadJar(edge, path, acme.tokens.developer, big, { 'content-length': String(big.byteLength) }),
      413,
      'payload-too-large',
      /at most 262144 bytes/,
    );
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(c) {
        sent += 64 * 1024;
        if (sent > 100 * maxArtifactBytes) c.close();
        else c.enqueue(new Uint8Array(64 * 1024));
      },
    });
    await expectRefused(
      await uploadJar(edge, path, acme.tokens.developer, endless),
      413,
      'payload-too-large',
      /at most/,
    );
    expect(sent).toBeLessThan(10 * maxArtifactBytes);
    expect(await tableCounts(edge.db, acme.id)).toEqual(before);
    expect(storedFiles(edge.artifactDir)).toEqual([]);
  });

  it('refuses expired, tampered and re-targeted download links with 403', async () => {
    const res = await uploadJar(edge, path, acme.tokens.developer, jar);
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const link = await signedArtifactUrl(edge.services, { tenantId: acme.id, versionId: id, ttlSeconds: 60 });
    expect((await edge.app.request(link.path)).status).toBe(200);

    const url = new URL(link.url);
    const variants = {
      tampered: (u: URL) => u.searchParams.set('sig', `${u.searchParams.get('sig')?.slice(0, -2)}AA`),
      'later expiry': (u: URL) =>
        u.searchParams.set('expires', String(Number(u.searchParams.get('expires')) + 3600)),
      'other tenant': (u: URL) => u.searchParams.set('tenant', other.id),
      'no signature': (u: URL) => u.searchParams.set('sig', 'x'),
    };
    for (const [name, change] of Object.entries(variants)) {
      const u = new URL(url);
      change(u);
      const refused = await edge.app.request(`${u.pathname}${u.search}`);
      expect(refused.status, name).toBe(403);
      expect(refused.headers.get('content-type')).toBe('application/problem+json');
    }
    const otherVersion = new URL(url);
    otherVersion.pathname = '/api/artifacts/ver_00000000000000000000000000';
    expect((await edge.app.request(`${otherVersion.pathname}${otherVersion.search}`)).status).toBe(403);

    edge.clock.advance(61_000);
    await expectRefused(await edge.app.request(link.path), 403, 'forbidden', /expired or not valid/);
  });

  it("hides one tenant's versions from another", async () => {
    await edge.request('/api/tenants/other/apps', {
      method: 'POST',
      token: other.tokens.developer,
      json: { name: 'orders' },
    });
    const list = (await (
      await edge.request(`/api/tenants/acme/apps/orders/versions`, { token: acme.tokens.viewer })
    ).json()) as {
      items: Array<{ id: string }>;
    };
    const id = list.items[0]?.id;
    expect(id).toBeDefined();
    expect(
      (await edge.request(`/api/tenants/other/apps/orders/versions/${id}`, { token: other.tokens.owner }))
        .status,
    ).toBe(404);
    expect(
      (await edge.request(`/api/tenants/acme/apps/orders/versions/${id}`, { token: other.tokens.owner }))
        .status,
    ).toBe(404);
    const own = (await (
      await edge.request('/api/tenants/other/apps/orders/versions', { token: other.tokens.owner })
    ).json()) as {
      items: unknown[];
    };
    expect(own.items).toEqual([]);
  });
});
