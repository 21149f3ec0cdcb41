import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningKeyJwk } from '@cameleer/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEdge, type TestEdge } from '../../test/fixtures.ts';
import { serveRunnerReleases } from '../../test/runner-releases.ts';

const release = (version: string, bytes: string) => ({
  version,
  platform: 'linux-x64',
  sha256: 'ab'.repeat(32),
  size: bytes.length,
  signature: `sig-of-${version}`,
});

describe('runner versions and builds', () => {
  let edge: TestEdge;
  let dir: string;

  beforeAll(async () => {
    edge = await createTestEdge('pglite');
    dir = await mkdtemp(join(tmpdir(), 'cameleer-releases-'));
    for (const [version, bytes] of [
      ['0.1.0', 'old build'],
      ['0.10.0', 'new build'],
    ] as const) {
      await mkdir(join(dir, version));
      await writeFile(join(dir, version, 'cameleer-runner-linux-x64'), bytes);
      await writeFile(
        join(dir, version, 'cameleer-runner-linux-x64.release.json'),
        JSON.stringify(release(version, bytes)),
      );
    }
    // A folder whose manifest names another version is not served under this one.
    await mkdir(join(dir, '9.9.9'));
    await writeFile(
      join(dir, '9.9.9', 'cameleer-runner-linux-x64.release.json'),
      JSON.stringify(release('0.1.0', 'x')),
    );
    // Nor one whose manifest is not JSON: it is left out, the listing still answers.
    await mkdir(join(dir, '8.8.8'));
    await writeFile(join(dir, '8.8.8', 'cameleer-runner-linux-x64.release.json'), '{ half a manifest');
  });
  afterAll(async () => {
    await edge.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('without a directory of builds, names the versions and answers downloads with a problem', async () => {
    edge.services.settings.runnerVersions = { minimum: '0.2.0' };
    const list = await (await edge.request('/runner/releases')).json();
    expect(list).toEqual({ minimum: '0.2.0', latest: null, served: false, releases: [] });
    const res = await edge.request('/runner/releases/0.1.0/cameleer-runner-linux-x64');
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    expect((await res.json()).detail).toMatch(/CAMELEER_RUNNER_RELEASES_DIR/);
  });

  it('lists the published builds newest first (by version, not by name) and serves their bytes, without a credential', async () => {
    serveRunnerReleases(edge, dir, { minimum: '0.2.0' });
    const list = (await (await edge.request('/runner/releases')).json()) as {
      latest: string;
      releases: Array<{ version: string; url: string; sha256: string; signature: string }>;
    };
    expect(list.latest).toBe('0.10.0');
    expect(list.releases.map((r) => r.version)).toEqual(['0.10.0', '0.1.0']);
    expect(list.releases[0]?.url).toMatch(/\/runner\/releases\/0\.10\.0\/cameleer-runner-linux-x64$/);
    const download = await edge.request('/runner/releases/0.10.0/cameleer-runner-linux-x64');
    expect(download.status).toBe(200);
    expect(await download.text()).toBe('new build');
    const latest = await edge.request('/runner/releases/latest/cameleer-runner-linux-x64');
    expect(await latest.text()).toBe('new build');
    for (const path of [
      '9.9.9/cameleer-runner-linux-x64',
      '0.1.0/cameleer-runner-linux-arm64',
      '0.1.0/..%2F..%2Fetc',
    ])
      expect((await edge.request(`/runner/releases/${path}`)).status).toBe(404);
  });

  it('marks runners below the minimum version as needing an update in the runners API', async () => {
    const t = await edge.tenant('versions');
    const { token } = (await (
      await edge.request('/api/tenants/versions/runner-tokens', {
        method: 'POST',
        token: t.tokens.admin,
        json: {},
      })
    ).json()) as { token: string };
    const { x } = await generateSigningKeyJwk();
    const publicKey = { kty: 'OKP', crv: 'Ed25519', x };
    const json = { token, name: 'old', publicKey, version: '0.1.0', capabilities: ['process'] };
    expect((await edge.request('/api/runners/register', { method: 'POST', json })).status).toBe(201);
    serveRunnerReleases(edge, dir, { minimum: '0.2.0', latest: '0.10.0' });
    const { items } = (await (
      await edge.request('/api/tenants/versions/runners', { token: t.tokens.viewer })
    ).json()) as {
      items: Array<{ version: string; updateRequired: boolean; minimumVersion: string | null }>;
    };
    expect(items).toEqual([
      expect.objectContaining({ version: '0.1.0', updateRequired: true, minimumVersion: '0.2.0' }),
    ]);
    serveRunnerReleases(edge, dir, {});
    const after = (await (
      await edge.request('/api/tenants/versions/runners', { token: t.tokens.viewer })
    ).json()) as { items: Array<{ updateRequired: boolean; minimumVersion: string | null }> };
    expect(after.items[0]).toMatchObject({ updateRequired: false, minimumVersion: null });
  });
});
