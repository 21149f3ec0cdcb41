import { generateSigningKeyJwk, importSigningKey, type SigningKey, signProductToken } from '@cameleer/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { CommandVerifier } from '../commands/command-verifier.ts';
import { AgentTokenRefused, agentTokenVerifier } from './agent-token.ts';
import type { TelemetryScope } from './rows.ts';

const scope: TelemetryScope = {
  tenantId: 'tnt_acme',
  environment: 'prod',
  app: 'orders',
  deploymentId: 'dep_1',
  retentionDays: 30,
};
const claims = (s: TelemetryScope) => ({
  sub: s.deploymentId,
  tid: s.tenantId,
  env: s.environment,
  app: s.app,
  dep: s.deploymentId,
  ret: s.retentionDays,
});

describe('agent token verifier', () => {
  let edgeKey: SigningKey;
  let strangerKey: SigningKey;
  const t0 = new Date('2026-11-30T10:00:00Z');
  const sign = (
    kind: 'agentSession' | 'agentBootstrap',
    extra: Record<string, unknown> = {},
    key = edgeKey,
  ) => signProductToken(kind, key, { ...claims(scope), ...extra }, { now: t0, ttlSeconds: 3600 });
  const refusal = async (promise: Promise<unknown>) => {
    const err = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AgentTokenRefused);
    return (err as AgentTokenRefused).reason;
  };

  beforeAll(async () => {
    edgeKey = await importSigningKey(await generateSigningKeyJwk());
    strangerKey = await importSigningKey(await generateSigningKeyJwk());
  });

  it('gives the scope of an agent session token signed by a trusted command key', async () => {
    const verify = agentTokenVerifier(() => [edgeKey.publicJwk], { now: () => t0 });
    expect(await verify(await sign('agentSession'))).toEqual(scope);
  });

  it('refuses forged, wrong-kind, malformed, incomplete and expired tokens', async () => {
    let now = t0;
    const verify = agentTokenVerifier(() => [edgeKey.publicJwk], { now: () => now });
    expect(await refusal(verify(await sign('agentSession', {}, strangerKey)))).toBe('invalid');
    expect(await refusal(verify(await sign('agentBootstrap')))).toBe('invalid');
    expect(await refusal(verify('not.a.token'))).toBe('invalid');
    expect(await refusal(verify(''))).toBe('invalid');
    expect(await refusal(verify(await sign('agentSession', { ret: undefined })))).toBe('scope');
    expect(await refusal(verify(await sign('agentSession', { dep: 'dep_other' })))).toBe('scope');
    // Remembered while valid, refused once expired: the cache does not outlive the token.
    const token = await sign('agentSession');
    expect(await verify(token)).toEqual(scope);
    now = new Date(t0.getTime() + 3601_000);
    expect(await refusal(verify(token))).toBe('expired');
    expect(await refusal(agentTokenVerifier(() => [edgeKey.publicJwk], { now: () => now })(token))).toBe(
      'expired',
    );
  });

  it('refuses tokens of deployments that no longer run here, each time it is asked', async () => {
    const live = new Set(['dep_1']);
    const verify = agentTokenVerifier(() => [edgeKey.publicJwk], {
      now: () => t0,
      isLive: async (id) => live.has(id),
    });
    const token = await sign('agentSession');
    expect(await verify(token)).toEqual(scope);
    live.delete('dep_1');
    expect(await refusal(verify(token))).toBe('not-live');
  });

  it('follows key rotation: a key no longer trusted proves nothing, even for a remembered token', async () => {
    let keys = [edgeKey.publicJwk];
    const verify = agentTokenVerifier(() => keys, { now: () => t0 });
    const token = await sign('agentSession');
    expect(await verify(token)).toEqual(scope);
    keys = [strangerKey.publicJwk];
    expect(await refusal(verify(token))).toBe('invalid');
    keys = [strangerKey.publicJwk, edgeKey.publicJwk];
    expect(await verify(token)).toEqual(scope);
  });

  it('keeps at most cacheSize tokens and still verifies the evicted ones', async () => {
    const verify = agentTokenVerifier(() => [edgeKey.publicJwk], { now: () => t0, cacheSize: 2 });
    const tokens = await Promise.all(
      ['dep_a', 'dep_b', 'dep_c'].map((dep) => sign('agentSession', { sub: dep, dep })),
    );
    for (const token of [...tokens, ...tokens]) {
      const verified = await verify(token);
      expect(verified.deploymentId).toMatch(/^dep_[abc]$/);
    }
  });

  it("trusts the keys of the runner's command verifier, rotations included", async () => {
    const commands = await CommandVerifier.fromJwks([edgeKey.publicJwk], {
      runnerId: 'rnr_1',
      tenantId: 'tnt_acme',
    });
    const verify = agentTokenVerifier(() => commands.jwks, { now: () => t0 });
    const token = await sign('agentSession');
    expect(await verify(token)).toEqual(scope);
    const endorsed = await signProductToken(
      'commandKeys',
      edgeKey,
      { sub: 'command-keys', keys: [strangerKey.publicJwk] },
      { now: new Date(), ttlSeconds: 60 },
    );
    expect(await commands.rotate(endorsed)).toMatchObject({ ok: true });
    expect(await refusal(verify(token))).toBe('invalid');
  });
});
