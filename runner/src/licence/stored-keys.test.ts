import { mkdtempSync, statSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningKeyJwk, importSigningKey } from '@cameleer/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, createTestEdge, listenTestEdge, type TestEdge } from '../../../edge/test/fixtures.ts';
import { startRealRunner, until } from '../../../edge/test/runners.ts';
import { runRunnerCli } from '../../test/runner-cli.ts';
import { registerRunner } from '../registration.ts';
import type { Runner } from '../runner.ts';
import { licenceKeysFile, readStoredLicenceKeys } from './stored-keys.ts';

const verify = (file: string, stateDir: string) =>
  runRunnerCli(['license', 'verify', file, '--state-dir', stateDir]);

describe('the runner keeps its edge licence keys for offline verification', () => {
  let edge: TestEdge;
  let server: Awaited<ReturnType<typeof listenTestEdge>>;
  let runner: Runner;
  let make: () => Runner;
  let stateDir: string;
  let tenant: Awaited<ReturnType<TestEdge['tenant']>>;

  beforeAll(async () => {
    edge = await createTestEdge('pglite');
    server = await listenTestEdge(edge);
    tenant = await edge.tenant('offline');
    ({ runner, make, stateDir } = await startRealRunner(server.url, tenant.tokens.admin, tenant.slug));
    await runner.connected();
  });
  afterAll(async () => {
    await runner?.stop();
    await server?.close();
    await edge?.close();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  const licenceFile = async (name: string, token: string) => {
    const path = join(stateDir, name);
    await writeFile(path, `${token}\n`);
    return path;
  };
  const issue = async () => {
    const res = await edge.request(`/api/tenants/${tenant.slug}/licence`, {
      method: 'POST',
      token: adminToken,
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { token: string }).token;
  };

  it('stores the keys at registration, owner-only, and verifies licences without --keys', async () => {
    const edgeKey = edge.services.licenceKeys?.[0];
    const res = await edge.request(`/api/tenants/${tenant.slug}/runner-tokens`, {
      method: 'POST',
      token: tenant.tokens.admin,
      json: {},
    });
    const { token } = (await res.json()) as { token: string };
    const registeredOnly = mkdtempSync(join(tmpdir(), 'cameleer-runner-'));
    try {
      await registerRunner({ edgeUrl: server.url, token, stateDir: registeredOnly, name: 'never-started' });
      expect(readStoredLicenceKeys(registeredOnly).map((k) => k.x)).toEqual([edgeKey?.publicJwk.x]);
    } finally {
      await rm(registeredOnly, { recursive: true, force: true });
    }

    expect(readStoredLicenceKeys(stateDir).map((k) => k.x)).toEqual([edgeKey?.publicJwk.x]);
    expect(statSync(licenceKeysFile(stateDir)).mode & 0o777).toBe(0o600);

    const good = await verify(await licenceFile('good.jwt', await issue()), stateDir);
    expect(good.stderr).toBe('');
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/is valid: tenant offline .*signed by key/);

    const [h, p, s] = (await issue()).split('.');
    const payload = JSON.parse(Buffer.from(p ?? '', 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...payload, exp: payload.exp + 9e7 })).toString('base64url');
    const tampered = await verify(await licenceFile('tampered.jwt', [h, forged, s].join('.')), stateDir);
    expect(tampered.code).toBe(3);
    expect(tampered.stderr).toMatch(/licence rejected \(bad-signature\).*altered/);
    expect(tampered.stdout).toBe('');
  });

  it('takes a key rotated on the edge on reconnect and keeps the old one for older licences', async () => {
    const old = await licenceFile('old.jwt', await issue());
    const oldKey = edge.services.licenceKeys?.[0];
    const next = await importSigningKey(await generateSigningKeyJwk());
    // The edge drops the old key entirely: only the runner's copy can verify the old licence now.
    edge.services.licenceKeys = [next];
    await runner.stop();
    runner = make();
    const reconnected = runner.connected();
    await runner.start();
    await reconnected;
    await until(
      () => readStoredLicenceKeys(stateDir).some((k) => k.x === next.publicJwk.x),
      10_000,
      'rotated key stored',
    );
    expect(readStoredLicenceKeys(stateDir).map((k) => k.x)).toEqual([next.publicJwk.x, oldKey?.publicJwk.x]);

    const fresh = await verify(await licenceFile('new.jwt', await issue()), stateDir);
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toContain(`signed by key ${next.kid}`);
    const older = await verify(old, stateDir);
    expect(older.code).toBe(0);
    expect(older.stdout).toContain(`signed by key ${oldKey?.kid}`);
  });
});
