import { importVerifyingKey, verifyLicence } from '@cameleer/shared';
import type { JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliEdge } from '../../test/cli-fixture.ts';

describe('cameleer license show', () => {
  let stack: Awaited<ReturnType<typeof startCliEdge>>;
  beforeAll(async () => {
    stack = await startCliEdge({ loginAs: 'viewer' });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('prints the tier, limits, claims and the token', async () => {
    const run = await stack.cli(['license', 'show']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Licence lic_\w+: valid/);
    expect(run.stdout).toMatch(/Tier high: environments dev, staging, prod/);
    expect(run.stdout).toMatch(/apps: 100/);
    expect(run.stdout).toMatch(/"tenant": "acme"/);
  });

  it('prints JSON whose token verifies with the published keys', async () => {
    const run = await stack.cli(['license', 'show', '--json']);
    expect(run.code).toBe(0);
    const licence = JSON.parse(run.stdout) as { token: string; claims: { tier: string }; state: string };
    expect(licence).toMatchObject({ state: 'valid', claims: { tier: 'high' } });
    const { keys } = (await (await fetch(`${stack.server.url}/.well-known/license-keys`)).json()) as {
      keys: JWK[];
    };
    const verified = await verifyLicence(
      licence.token,
      await Promise.all(keys.map((k) => importVerifyingKey(k))),
      {
        now: new Date(),
      },
    );
    expect(verified.claims.tenant).toBe('acme');
  });
});
