import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningKeyJwk, importSigningKey, signProductToken } from '@cameleer/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEdge, listenTestEdge, type TestEdge } from '../../../edge/test/fixtures.ts';
import { runRunnerCli } from '../../test/runner-cli.ts';

describe('cameleer-runner license verify', () => {
  let edge: TestEdge;
  let server: Awaited<ReturnType<typeof listenTestEdge>>;
  let dir: string;
  let keysFile: string;
  let token: string;
  let claims: Record<string, unknown>;

  beforeAll(async () => {
    edge = await createTestEdge('pglite');
    server = await listenTestEdge(edge);
    const t = await edge.tenant('airgap');
    ({ token, claims } = (await (
      await edge.request('/api/tenants/airgap/licence', { token: t.tokens.viewer })
    ).json()) as {
      token: string;
      claims: Record<string, unknown>;
    });
    dir = await mkdtemp(join(tmpdir(), 'cameleer-licence-'));
    keysFile = join(dir, 'license-keys.json');
    await writeFile(keysFile, await (await edge.request('/.well-known/license-keys')).text());
  });
  afterAll(async () => {
    await server.close();
    await edge.close();
    await rm(dir, { recursive: true, force: true });
  });

  const file = async (name: string, content: string) => {
    const path = join(dir, name);
    await writeFile(path, `${content}\n`);
    return path;
  };
  const sign = async (
    key: Awaited<ReturnType<typeof importSigningKey>>,
    extra: Record<string, unknown>,
    ttlSeconds = 3600,
    now = new Date(),
  ) => signProductToken('licence', key, { ...(claims as { sub: string }), ...extra }, { now, ttlSeconds });

  it('accepts the edge licence with a JWKS file or the edge URL, and prints what it grants', async () => {
    const licence = await file('good.jwt', token);
    const run = await runRunnerCli(['license', 'verify', licence, '--keys', keysFile]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/is valid: tenant airgap .*tier high/);
    const json = await runRunnerCli([
      'license',
      'verify',
      licence,
      '--keys',
      `${server.url}/.well-known/license-keys`,
      '--json',
    ]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      valid: true,
      state: 'valid',
      claims: { tenant: 'airgap' },
    });
  });

  it('refuses tampered, foreign-key, unknown-kid and expired licences with their own exit codes and reasons', async () => {
    const [h, p, s] = token.split('.');
    const payload = JSON.parse(Buffer.from(p ?? '', 'base64url').toString());
    const tampered = [
      h,
      Buffer.from(JSON.stringify({ ...payload, tier: 'high', exp: payload.exp + 9e7 })).toString('base64url'),
      s,
    ].join('.');
    const foreign = await importSigningKey(await generateSigningKeyJwk());
    const edgeKid = edge.services.licenceKeys?.[0]?.kid ?? '';
    const cases = [
      { name: 'tampered', token: tampered, code: 3, message: /bad-signature.*altered/ },
      {
        name: 'wrong-key',
        token: await sign({ ...foreign, kid: edgeKid }, {}),
        code: 3,
        message: /bad-signature/,
      },
      {
        name: 'unknown-kid',
        token: await sign(foreign, {}),
        code: 4,
        message: /unknown-key.*not among the trusted/,
      },
      {
        name: 'expired',
        token: await sign(
          edge.services.licenceKeys?.[0] ?? foreign,
          {},
          86_400,
          new Date(Date.now() - 30 * 86_400_000),
        ),
        code: 5,
        message: /expired.*14-day grace period is over/,
      },
      { name: 'garbage', token: 'hello', code: 2, message: /malformed/ },
    ];
    for (const c of cases) {
      const run = await runRunnerCli([
        'license',
        'verify',
        await file(`${c.name}.jwt`, c.token),
        '--keys',
        keysFile,
      ]);
      expect(run.code, c.name).toBe(c.code);
      expect(run.stderr, c.name).toMatch(c.message);
      expect(run.stdout, c.name).toBe('');
    }
  });

  it('accepts an expired licence within the grace period with a warning, and honours --grace-days', async () => {
    const key = edge.services.licenceKeys?.[0];
    if (!key) throw new Error('no licence key');
    const expired = await file(
      'grace.jwt',
      await sign(key, {}, 86_400, new Date(Date.now() - 3 * 86_400_000)),
    );
    const run = await runRunnerCli(['license', 'verify', expired, '--keys', keysFile]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/warning: it expired on/);
    const strict = await runRunnerCli([
      'license',
      'verify',
      expired,
      '--keys',
      keysFile,
      '--grace-days',
      '1',
    ]);
    expect(strict.code).toBe(5);
  });

  it('says what is missing when there are no keys to trust or no file', async () => {
    const licence = await file('plain.jwt', token);
    const noKeys = await runRunnerCli(['license', 'verify', licence, '--state-dir', join(dir, 'no-state')]);
    expect(noKeys.code).toBe(1);
    expect(noKeys.stderr).toMatch(
      /no-state\/licence-keys\.json does not exist .* embeds none; .*pass --keys/,
    );
    const missing = await runRunnerCli(['license', 'verify', join(dir, 'nope.jwt'), '--keys', keysFile]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope\.jwt/);
  });
});
