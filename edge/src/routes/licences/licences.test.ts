import {
  generateSigningKeyJwk,
  importSigningKey,
  importVerifyingKey,
  LicenceRejected,
  signProductToken,
  verifyLicence,
} from '@cameleer/shared';
import type { JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, createTestEdge, databaseKinds, type TestEdge } from '../../../test/fixtures.ts';

type Licence = {
  id: string;
  token: string;
  kid: string;
  state: string;
  revoked: boolean;
  claims: Record<string, unknown>;
};
type Verdict = { valid: boolean; state: string; reason?: string; detail?: string };

const day = 86_400_000;

describe.each(databaseKinds)('licences on %s', (kind) => {
  let edge: TestEdge;
  let t: Awaited<ReturnType<TestEdge['tenant']>>;
  beforeAll(async () => {
    edge = await createTestEdge(kind);
    t = await edge.tenant('lic');
  });
  afterAll(() => edge.close());

  const current = async () =>
    (await (
      await edge.request(`/api/tenants/${t.slug}/licence`, { token: t.tokens.viewer })
    ).json()) as Licence;
  const publicKeys = async () => {
    const res = await edge.request('/.well-known/license-keys');
    expect(res.status).toBe(200);
    const { keys } = (await res.json()) as { keys: JWK[] };
    return Promise.all(keys.map((k) => importVerifyingKey(k)));
  };
  const online = async (token: string) =>
    (await (
      await edge.request('/api/licences/verify', { method: 'POST', token: t.tokens.viewer, json: { token } })
    ).json()) as Verdict;
  const offlineReason = (token: string, now = edge.clock.now()) =>
    publicKeys()
      .then((keys) => verifyLicence(token, keys, { now }))
      .then(
        () => 'accepted',
        (err: unknown) => (err instanceof LicenceRejected ? err.reason : String(err)),
      );

  it('issues a signed licence a viewer can read and anyone can verify with the published keys', async () => {
    const licence = await current();
    expect(licence.state).toBe('valid');
    expect(licence.revoked).toBe(false);
    expect(licence.kid).toBe(edge.services.licenceKeys?.[0]?.kid);
    expect(licence.claims).toMatchObject({ sub: t.id, tenant: 'lic', tier: 'high', jti: licence.id });
    const verified = await verifyLicence(licence.token, await publicKeys(), { now: edge.clock.now() });
    expect(verified.claims.limits.apps).toBe(100);
    expect(verified.state).toBe('valid');
    expect(await online(licence.token)).toMatchObject({ valid: true, state: 'valid' });
    // The same licence until something changes.
    expect((await current()).id).toBe(licence.id);
  });

  it('rejects tampered, foreign-key and unknown-kid licences, online and offline', async () => {
    const { token } = await current();
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
    const tampered = [
      header,
      Buffer.from(
        JSON.stringify({ ...claims, tier: 'high', limits: { ...claims.limits, apps: 9999 } }),
      ).toString('base64url'),
      signature,
    ].join('.');
    const foreign = await importSigningKey(await generateSigningKeyJwk());
    const edgeKid = edge.services.licenceKeys?.[0]?.kid ?? '';
    const wrongKey = await signProductToken('licence', { ...foreign, kid: edgeKid }, claims, {
      now: edge.clock.now(),
      ttlSeconds: 3600,
    });
    const unknownKid = await signProductToken('licence', foreign, claims, {
      now: edge.clock.now(),
      ttlSeconds: 3600,
    });

    expect(await offlineReason(tampered)).toBe('bad-signature');
    expect(await offlineReason(wrongKey)).toBe('bad-signature');
    expect(await offlineReason(unknownKid)).toBe('unknown-key');
    expect(await offlineReason('not.a.licence')).toBe('malformed');
    expect(await online(tampered)).toMatchObject({ valid: false, reason: 'bad-signature' });
    expect(await online(wrongKey)).toMatchObject({ valid: false, reason: 'bad-signature' });
    expect(await online(unknownKid)).toMatchObject({ valid: false, reason: 'unknown-key' });
  });

  it('accepts an expired licence during the grace period, then refuses it and new deployments', async () => {
    const g = await edge.tenant('grace');
    const token = g.tokens.owner;
    const { token: licence } = (await (
      await edge.request(`/api/tenants/grace/licence`, { token })
    ).json()) as Licence;
    expect(
      (await edge.request('/api/tenants/grace/apps', { method: 'POST', token, json: { name: 'svc' } }))
        .status,
    ).toBe(201);
    const deploy = async () =>
      (
        await edge.request('/api/tenants/grace/apps/svc/deployments', {
          method: 'POST',
          token,
          json: { environment: 'dev' },
        })
      ).json() as Promise<{ type: string; licenceState?: string }>;

    const inGrace = new Date(edge.clock.now().getTime() + 370 * day);
    expect(await offlineReason(licence, inGrace)).toBe('accepted');
    const past = new Date(edge.clock.now().getTime() + 380 * day);
    expect(await offlineReason(licence, past)).toBe('expired');

    edge.clock.advance(370 * day);
    try {
      expect(
        (await (await edge.request('/api/tenants/grace/licence', { token })).json()) as Licence,
      ).toMatchObject({ state: 'grace' });
      expect(await online(licence)).toMatchObject({ valid: true, state: 'grace' });
      // Within grace the licence does not stand in the way (the app has no version yet, so something else refuses).
      expect((await deploy()).type).not.toMatch(/licence-invalid$/);
      edge.clock.advance(10 * day);
      expect(await online(licence)).toMatchObject({ valid: false, reason: 'expired' });
      const refused = await deploy();
      expect(refused.type).toMatch(/licence-invalid$/);
      expect(refused.licenceState).toBe('expired');
    } finally {
      edge.clock.advance(-380 * day);
    }
  });

  it('revokes: the online check says so and deployments are refused; a new licence restores them', async () => {
    const r = await edge.tenant('revoked');
    const { token } = (await (
      await edge.request('/api/tenants/revoked/licence', { token: r.tokens.viewer })
    ).json()) as Licence;
    const res = await edge.request('/api/tenants/revoked/licence/revoke', {
      method: 'POST',
      token: adminToken,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ revoked: true, state: 'revoked' });
    expect(await online(token)).toMatchObject({ valid: false, state: 'revoked' });
    expect(
      (await (
        await edge.request('/api/tenants/revoked/licence', { token: r.tokens.viewer })
      ).json()) as Licence,
    ).toMatchObject({ revoked: true });
    expect(
      (
        await edge.request('/api/tenants/revoked/apps', {
          method: 'POST',
          token: r.tokens.owner,
          json: { name: 'svc' },
        })
      ).status,
    ).toBe(201);
    const refused = await edge.request('/api/tenants/revoked/apps/svc/deployments', {
      method: 'POST',
      token: r.tokens.owner,
      json: { environment: 'dev' },
    });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ licenceState: 'revoked' });
    // Only platform administrators issue and revoke.
    expect(
      (await edge.request('/api/tenants/revoked/licence', { method: 'POST', token: r.tokens.owner })).status,
    ).toBe(403);
    expect(
      (await edge.request('/api/tenants/revoked/licence', { method: 'POST', token: adminToken })).status,
    ).toBe(201);
    expect(
      (
        (await (
          await edge.request('/api/tenants/revoked/licence', { token: r.tokens.viewer })
        ).json()) as Licence
      ).state,
    ).toBe('valid');
  });

  it('re-issues on a tier change and still verifies older licences after a key rotation', async () => {
    const old = await current();
    const keys = edge.services.licenceKeys ?? [];
    const rotated = await importSigningKey(await generateSigningKeyJwk());
    edge.services.licenceKeys = [rotated, ...keys];
    try {
      const changed = await edge.request(`/api/tenants/${t.slug}/tier`, {
        method: 'PUT',
        token: adminToken,
        json: { tier: 'mid' },
      });
      expect(changed.status).toBe(200);
      const fresh = (await changed.json()) as Licence;
      expect(fresh.kid).toBe(rotated.kid);
      expect(fresh.claims).toMatchObject({ tier: 'mid' });
      expect((await current()).id).toBe(fresh.id);
      const published = await publicKeys();
      expect(published.map((k) => k.kid)).toEqual([rotated.kid, keys[0]?.kid]);
      expect(await offlineReason(old.token)).toBe('accepted');
      expect(await offlineReason(fresh.token)).toBe('accepted');
      expect(await online(old.token)).toMatchObject({ valid: true });
    } finally {
      edge.services.licenceKeys = keys;
    }
  });
});
