import { generateSigningKeyJwk, importSigningKey, signProductToken } from '@cameleer/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEdge, databaseKinds, type TestEdge } from '../../test/fixtures.ts';
import { findOrCreateUser } from '../db/queries/identity.ts';

type Tenant = Awaited<ReturnType<TestEdge['tenant']>>;
type Problem = { type: string; status: number; detail: string; requestId: string };

const noCredential = 'Bearer realm="cameleer"';
const invalidToken = /^Bearer realm="cameleer", error="invalid_token", error_description="([^"\\]+)"$/;

/** The 401 of one credential, as a client sees it: the challenge and the problem without its request id. */
async function refusal(res: Response) {
  expect(res.status).toBe(401);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const { requestId, ...problem } = (await res.json()) as Problem;
  expect(requestId).toMatch(/^req_/);
  expect(problem.type).toMatch(/unauthenticated$/);
  return { challenge: res.headers.get('www-authenticate') ?? '', problem };
}

/** The challenge names `invalid_token`, and its description is the problem's detail. */
async function expectInvalidToken(res: Response, detail: RegExp) {
  const { challenge, problem } = await refusal(res);
  const description = invalidToken.exec(challenge)?.[1];
  expect(description, challenge).toBe(problem.detail);
  expect(problem.detail).toMatch(detail);
  return { challenge, problem };
}

describe.each(databaseKinds)('the 401 says why a credential was refused, on %s', (kind) => {
  let edge: TestEdge;
  let t: Tenant;
  let userId: string;
  const apps = () => `/api/tenants/${t.slug}/apps`;
  const withCookie = (cookie: string) =>
    edge.request(apps(), { headers: { cookie: `cameleer_session=${cookie}` } });

  beforeAll(async () => {
    edge = await createTestEdge(kind);
    t = await edge.tenant('why');
    userId = (await findOrCreateUser(edge.db, { issuer: 'test', subject: `owner-of-${t.slug}` })).id;
  });
  afterAll(() => edge.close());

  it('without a credential: a bare challenge and "send a bearer token or sign in"', async () => {
    for (const res of [await edge.request(apps()), await edge.request('/api/me')]) {
      const { challenge, problem } = await refusal(res);
      expect(challenge).toBe(noCredential);
      expect(problem.detail).toBe('Send a bearer token or sign in');
    }
  });

  it('a malformed credential: invalid_token, "malformed"', async () => {
    const malformed: Record<string, string>[] = [
      { authorization: 'Bearer short' },
      { authorization: 'Bearer a.b.c' },
      { authorization: 'Basic dXNlcjpwYXNz' },
      { cookie: 'cameleer_session=not-a-session' },
    ];
    for (const headers of malformed) {
      await expectInvalidToken(await edge.request(apps(), { headers }), /malformed/);
    }
  });

  it('an unknown API token and a wrong secret next to a real one answer exactly alike', async () => {
    const real = t.tokens.viewer;
    const wrongSecret = `${real.slice(0, -4)}${real.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    const unknown = await expectInvalidToken(
      await edge.request(apps(), { token: `cam_${'x'.repeat(43)}` }),
      /not valid/,
    );
    const wrong = await expectInvalidToken(await edge.request(apps(), { token: wrongSecret }), /not valid/);
    expect(wrong).toEqual(unknown);
  });

  it('a revoked API token: "revoked"; an expired one: "expired"', async () => {
    const mint = async (json: Record<string, unknown>) =>
      (await (
        await edge.request(`/api/tenants/${t.slug}/api-tokens`, {
          method: 'POST',
          token: t.tokens.owner,
          json,
        })
      ).json()) as { id: string; secret: string };
    const doomed = await mint({ name: 'doomed', role: 'viewer' });
    expect((await edge.request(apps(), { token: doomed.secret })).status).toBe(200);
    const deleted = await edge.request(`/api/tenants/${t.slug}/api-tokens/${doomed.id}`, {
      method: 'DELETE',
      token: t.tokens.owner,
    });
    expect(deleted.status).toBe(204);
    await expectInvalidToken(await edge.request(apps(), { token: doomed.secret }), /revoked/);

    const day = await mint({ name: 'day', role: 'viewer', expiresInDays: 1 });
    edge.clock.advance(2 * 86_400_000);
    try {
      await expectInvalidToken(await edge.request(apps(), { token: day.secret }), /expired/);
      await expectInvalidToken(await edge.request('/api/me', { token: day.secret }), /expired/);
    } finally {
      edge.clock.advance(-2 * 86_400_000);
      edge.services.authCache.invalidate();
    }
  });

  it('an expired session, as cookie or bearer token: "expired"', async () => {
    const issued = new Date(edge.clock.now().getTime() - 120_000);
    const expired = await signProductToken(
      'session',
      edge.sessionKey,
      { sub: userId },
      { now: issued, ttlSeconds: 60 },
    );
    await expectInvalidToken(await withCookie(expired), /expired/);
    await expectInvalidToken(await edge.request(apps(), { token: expired }), /expired/);
  });

  it("a forged session answers alike whether or not its user exists, and never says it's expired", async () => {
    const forger = await importSigningKey(await generateSigningKeyJwk());
    const forge = (sub: string, now = edge.clock.now()) =>
      signProductToken('session', { ...forger, kid: edge.sessionKey.kid }, { sub }, { now, ttlSeconds: 60 });
    const ofReal = await expectInvalidToken(await withCookie(await forge(userId)), /not valid/);
    const ofNobody = await expectInvalidToken(await withCookie(await forge('usr_nobody')), /not valid/);
    expect(ofNobody).toEqual(ofReal);
    const stale = await forge(userId, new Date(edge.clock.now().getTime() - 120_000));
    expect(await expectInvalidToken(await withCookie(stale), /not valid/)).toEqual(ofReal);
  });

  it('a public route still answers a request with a bad credential', async () => {
    const res = await edge.request('/api/openapi.json', { token: 'cam_not-a-real-token-at-all' });
    expect(res.status).toBe(200);
    expect(res.headers.get('www-authenticate')).toBeNull();
  });

  it('ForwardAuth says the same', async () => {
    const verify = (headers: Record<string, string>) =>
      edge.app.request('/auth/verify', {
        headers: {
          'x-forwarded-host': `orders.dev.${t.slug}.apps.test`,
          accept: 'application/json',
          ...headers,
        },
      });
    expect((await refusal(await verify({}))).challenge).toBe(noCredential);
    await expectInvalidToken(await verify({ authorization: 'Bearer short' }), /malformed/);
    const unknown = await expectInvalidToken(
      await verify({ authorization: `Bearer cam_${'y'.repeat(43)}` }),
      /not valid/,
    );
    // The cached verdict answers the same the second time.
    expect(
      await expectInvalidToken(await verify({ authorization: `Bearer cam_${'y'.repeat(43)}` }), /not valid/),
    ).toEqual(unknown);
  });
});
