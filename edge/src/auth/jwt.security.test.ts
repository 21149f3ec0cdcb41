import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  generateSigningKeyJwk,
  importSigningKey,
  signProductToken,
  type TokenKind,
  tokenKinds,
} from '@cameleer/shared';
import {
  base64url,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTHeaderParameters,
  type JWTPayload,
  SignJWT,
} from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestEdge, databaseKinds, type TestEdge, tableCounts } from '../../test/fixtures.ts';
import { findOrCreateUser } from '../db/queries/identity.ts';
import { createOidcVerifier } from './oidc.ts';

type Tenant = Awaited<ReturnType<TestEdge['tenant']>>;
type IdpKey = { alg: 'RS256' | 'ES256'; kid: string; privateKey: CryptoKey; publicJwk: JWK };

/** An identity provider: key pairs, and their public halves served as JWKS by a real HTTP server that counts fetches. */
type Idp = {
  issuer: string;
  rsa: IdpKey;
  ec: IdpKey;
  fetches: () => number;
  publish: (key: IdpKey) => void;
  /** While true, the key set answers 500. */
  fail: (failing: boolean) => void;
  close: () => Promise<void>;
};

const audience = 'cameleer-api';
const toleranceSeconds = 30;

async function newKey(alg: IdpKey['alg'], kid: string): Promise<IdpKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { alg, kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

async function startIdp(): Promise<Idp> {
  const rsa = await newKey('RS256', 'rsa-1');
  const ec = await newKey('ES256', 'ec-1');
  const published = [rsa.publicJwk, ec.publicJwk];
  let fetches = 0;
  let failing = false;
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/jwks') {
      res.writeHead(404).end();
      return;
    }
    fetches += 1;
    if (failing) {
      res.writeHead(500).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    issuer: `http://127.0.0.1:${port}`,
    rsa,
    ec,
    fetches: () => fetches,
    publish: (key) => {
      published.push(key.publicJwk);
    },
    fail: (on) => {
      failing = on;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The verifier as the Node entry point builds it; the JWKS address is the default `${issuer}/jwks`. */
function oidcFor(idp: Idp) {
  return createOidcVerifier({
    issuer: idp.issuer,
    audience,
    tenantClaim: 'organization_id',
    rolesClaim: 'roles',
    clockToleranceSeconds: toleranceSeconds,
  });
}

const epoch = (d: Date) => Math.floor(d.getTime() / 1000);

/** Logto-shaped access-token claims, valid at `now`; every token is unique (`jti`), so no cache answers for it. */
function claims(idp: Idp, now: Date, extra: JWTPayload = {}): JWTPayload {
  return {
    iss: idp.issuer,
    aud: audience,
    sub: 'alice',
    organization_id: 'org-a',
    roles: ['cameleer:developer'],
    iat: epoch(now),
    exp: epoch(now) + 300,
    jti: crypto.randomUUID(),
    ...extra,
  };
}

function sign(key: IdpKey, payload: JWTPayload, header: Partial<JWTHeaderParameters> = {}): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...header })
    .sign(key.privateKey);
}

const encode = (value: unknown) => base64url.encode(JSON.stringify(value));

/** A JWT with no signature at all. */
function unsigned(header: Record<string, unknown>, payload: JWTPayload): string {
  return `${encode(header)}.${encode(payload)}.`;
}

function hmac(secret: Uint8Array | string, header: Partial<JWTHeaderParameters>, payload: JWTPayload) {
  const key = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  return new SignJWT(payload).setProtectedHeader({ alg: 'HS256', ...header }).sign(key);
}

async function publicKeyOf(key: IdpKey): Promise<CryptoKey> {
  return (await importJWK(key.publicJwk, key.alg)) as CryptoKey;
}

function stripKid(jwk: JWK): JWK {
  const { kid: _kid, use: _use, ...rest } = jwk;
  return rest;
}

async function expectUnauthenticated(edge: TestEdge, token: string, tenant: Tenant, what: string) {
  const me = await edge.request('/api/me', { token });
  expect(me.status, `${what}: GET /api/me`).toBe(401);
  expect(me.headers.get('content-type')).toBe('application/problem+json');
  expect(me.headers.get('www-authenticate'), what).toMatch(
    /^Bearer realm="cameleer", error="invalid_token", /,
  );
  const apps = await edge.request(`/api/tenants/${tenant.slug}/apps`, { token });
  expect(apps.status, `${what}: GET /api/tenants/${tenant.slug}/apps`).toBe(401);
}

type Me = {
  actor: { type: string; id: string; name: string };
  memberships: { tenantId: string; role: string; permissions: string[] }[];
};

describe.each(databaseKinds)('bearer JWTs at the edge on %s', (kind) => {
  let idp: Idp;
  let edge: TestEdge;
  let a: Tenant;
  let b: Tenant;
  let attacker: IdpKey;

  beforeAll(async () => {
    idp = await startIdp();
    attacker = await newKey('RS256', 'rsa-1');
    edge = await createTestEdge(kind, { oidc: oidcFor(idp) });
    a = await edge.tenant('oidc-a');
    b = await edge.tenant('oidc-b');
    for (const [tenant, org] of [
      [a, 'org-a'],
      [b, 'org-b'],
    ] as const) {
      const res = await edge.request(`/api/tenants/${tenant.slug}`, {
        method: 'PATCH',
        token: tenant.tokens.owner,
        json: { oidcOrganizationId: org },
      });
      expect(res.status).toBe(200);
    }
  });
  afterAll(async () => {
    await edge.close();
    await idp.close();
  });

  describe('OIDC access tokens', () => {
    it('accepts an RS256 token, maps organization_id to its tenant with the role of the roles claim', async () => {
      const token = await sign(idp.rsa, claims(idp, edge.clock.now()));
      const me = await edge.request('/api/me', { token });
      expect(me.status).toBe(200);
      const body = (await me.json()) as Me;
      expect(body.actor).toMatchObject({ type: 'user', name: 'alice' });
      expect(body.memberships).toEqual([expect.objectContaining({ tenantId: a.id, role: 'developer' })]);
      // What the console shows is what the role holds: deploying yes, managing tokens no.
      expect(body.memberships[0]?.permissions).toContain('deployments:write');
      expect(body.memberships[0]?.permissions).not.toContain('api-tokens:write');

      expect((await edge.request('/api/tenants/oidc-a/apps', { token })).status).toBe(200);
      const created = await edge.request('/api/tenants/oidc-a/apps', {
        method: 'POST',
        token,
        json: { name: 'from-oidc' },
      });
      expect(created.status).toBe(201);
      // developer, not more: renaming the tenant needs tenant:update
      const rename = await edge.request('/api/tenants/oidc-a', {
        method: 'PATCH',
        token,
        json: { name: 'x' },
      });
      expect(rename.status).toBe(403);
    });

    it('cannot reach another tenant: 404 by slug and by id, on reads and writes', async () => {
      const token = await sign(idp.rsa, claims(idp, edge.clock.now(), { roles: ['cameleer:owner'] }));
      for (const ref of [b.slug, b.id]) {
        expect((await edge.request(`/api/tenants/${ref}/apps`, { token })).status).toBe(404);
        const write = await edge.request(`/api/tenants/${ref}/apps`, {
          method: 'POST',
          token,
          json: { name: 'planted' },
        });
        expect(write.status).toBe(404);
      }
      const before = await tableCounts(edge.db, b.id);
      expect(before.apps).toBe(0);
    });

    it('accepts an ES256 token; another organization maps to its own tenant only', async () => {
      const token = await sign(
        idp.ec,
        claims(idp, edge.clock.now(), { sub: 'bob', organization_id: 'org-b', roles: ['viewer'] }),
      );
      const me = (await (await edge.request('/api/me', { token })).json()) as Me;
      expect(me.memberships).toEqual([expect.objectContaining({ tenantId: b.id, role: 'viewer' })]);
      expect((await edge.request('/api/tenants/oidc-b/apps', { token })).status).toBe(200);
      expect((await edge.request('/api/tenants/oidc-a/apps', { token })).status).toBe(404);
      const write = await edge.request('/api/tenants/oidc-b/apps', {
        method: 'POST',
        token,
        json: { name: 'viewer-write' },
      });
      expect(write.status).toBe(403);
    });

    it('gives no tenant for an unmapped organization, and lets the member table outrank the roles claim', async () => {
      const stray = await sign(idp.rsa, claims(idp, edge.clock.now(), { organization_id: 'org-unknown' }));
      const strayMe = (await (await edge.request('/api/me', { token: stray })).json()) as Me;
      expect(strayMe.memberships).toEqual([]);
      expect((await edge.request('/api/tenants/oidc-a/apps', { token: stray })).status).toBe(404);

      const added = await edge.request('/api/tenants/oidc-a/members', {
        method: 'POST',
        token: a.tokens.owner,
        json: { issuer: idp.issuer, subject: 'carol', role: 'viewer' },
      });
      expect(added.status).toBe(201);
      const token = await sign(idp.rsa, claims(idp, edge.clock.now(), { sub: 'carol', roles: ['owner'] }));
      const me = (await (await edge.request('/api/me', { token })).json()) as Me;
      expect(me.memberships).toEqual([expect.objectContaining({ tenantId: a.id, role: 'viewer' })]);
    });

    it('accepts expiry and not-before that are off by less than the clock tolerance', async () => {
      const now = edge.clock.now();
      const late = await sign(idp.rsa, claims(idp, now, { exp: epoch(now) - toleranceSeconds + 10 }));
      const early = await sign(idp.rsa, claims(idp, now, { nbf: epoch(now) + toleranceSeconds - 10 }));
      expect((await edge.request('/api/me', { token: late })).status).toBe(200);
      expect((await edge.request('/api/me', { token: early })).status).toBe(200);
    });
  });

  /**
   * Each forgery starts from a token that would be accepted (owner of tenant A) and changes one thing.
   * None may authenticate, and none may leave a user or any other row behind.
   */
  const forgeries: Array<[string, () => Promise<string> | string]> = [
    ['alg none', () => unsigned({ alg: 'none', typ: 'at+jwt', kid: 'rsa-1' }, mallory())],
    ['alg None', () => unsigned({ alg: 'None', kid: 'rsa-1' }, mallory())],
    ['alg NONE without kid', () => unsigned({ alg: 'NONE' }, mallory())],
    [
      'alg none with a signature of the real token',
      async () => {
        const [, , signature] = (await sign(idp.rsa, mallory())).split('.');
        return `${unsigned({ alg: 'none', kid: 'rsa-1' }, mallory()).slice(0, -1)}.${signature}`;
      },
    ],
    [
      'HS256 keyed with the public key PEM (RS/HS confusion)',
      async () =>
        hmac(await exportSPKI(await publicKeyOf(idp.rsa)), { kid: 'rsa-1', typ: 'at+jwt' }, mallory()),
    ],
    [
      'HS256 keyed with the published JWK JSON',
      () => hmac(JSON.stringify(idp.rsa.publicJwk), { kid: 'rsa-1' }, mallory()),
    ],
    [
      'HS256 keyed with the RSA modulus',
      () => hmac(base64url.decode(idp.rsa.publicJwk.n ?? ''), { kid: 'rsa-1' }, mallory()),
    ],
    [
      'HS256 keyed with the EC public key, kid of the EC key',
      () => hmac(base64url.decode(idp.ec.publicJwk.x ?? ''), { kid: 'ec-1' }, mallory()),
    ],
    ['unknown kid', () => sign({ ...attacker, kid: 'rsa-attacker' }, mallory())],
    ['known kid, signed by another key', () => sign(attacker, mallory())],
    [
      'attacker key embedded as jwk header',
      () => sign(attacker, mallory(), { kid: undefined, jwk: stripKid(attacker.publicJwk) }),
    ],
    [
      'attacker JWKS named by jku',
      () => sign(attacker, mallory(), { kid: 'rsa-attacker', jku: 'http://127.0.0.1:9/jwks' }),
    ],
    ['wrong issuer', () => sign(idp.rsa, mallory({ iss: 'https://evil.example' }))],
    ['issuer with a trailing slash', () => sign(idp.rsa, mallory({ iss: `${idp.issuer}/` }))],
    ['wrong audience', () => sign(idp.rsa, mallory({ aud: 'another-api' }))],
    ['audience list without ours', () => sign(idp.rsa, mallory({ aud: ['another-api', 'cameleer'] }))],
    [
      'expired beyond the clock tolerance',
      () => sign(idp.rsa, mallory({ exp: epoch(edge.clock.now()) - toleranceSeconds - 5 })),
    ],
    [
      'not yet valid beyond the clock tolerance',
      () => sign(idp.rsa, mallory({ nbf: epoch(edge.clock.now()) + toleranceSeconds + 5 })),
    ],
    ['no exp', () => sign(idp.rsa, mallory({ exp: undefined }))],
    ['no sub', () => sign(idp.rsa, mallory({ sub: undefined }))],
    [
      'payload tampered after signing',
      async () => {
        const [header, , signature] = (await sign(idp.rsa, mallory({ roles: ['viewer'] }))).split('.');
        return `${header}.${encode(mallory())}.${signature}`;
      },
    ],
    [
      'signature of another valid token',
      async () => {
        const [header, payload] = (await sign(idp.rsa, mallory())).split('.');
        const [, , signature] = (await sign(idp.rsa, mallory({ roles: ['viewer'] }))).split('.');
        return `${header}.${payload}.${signature}`;
      },
    ],
    [
      'IdP-signed token with a Cameleer runner typ',
      () => sign(idp.rsa, mallory(), { typ: tokenKinds.runner.typ }),
    ],
    [
      'IdP-signed token with the Cameleer session typ',
      () => sign(idp.rsa, mallory(), { typ: tokenKinds.session.typ }),
    ],
  ];

  function mallory(extra: JWTPayload = {}): JWTPayload {
    return claims(idp, edge.clock.now(), { sub: 'mallory', roles: ['owner'], ...extra });
  }

  it('accepts the token the forgeries start from (the control for the cases below)', async () => {
    const me = (await (
      await edge.request('/api/me', { token: await sign(idp.rsa, mallory()) })
    ).json()) as Me;
    expect(me.memberships).toEqual([expect.objectContaining({ tenantId: a.id, role: 'owner' })]);
  });

  it('says an IdP-signed token has expired, and only when its signature verifies', async () => {
    const stale = { exp: epoch(edge.clock.now()) - toleranceSeconds - 5 };
    const description = async (token: string) => {
      const res = await edge.request('/api/me', { token });
      expect(res.status).toBe(401);
      return /error_description="([^"]*)"/.exec(res.headers.get('www-authenticate') ?? '')?.[1];
    };
    expect(await description(await sign(idp.rsa, mallory(stale)))).toMatch(/^The token has expired/);
    expect(await description(await sign(attacker, mallory(stale)))).toMatch(/^The token is not valid/);
  });

  it.each(forgeries)('refuses an OIDC token: %s', async (what, forge) => {
    const before = await tableCounts(edge.db, a.id);
    await expectUnauthenticated(edge, await forge(), a, what);
    expect(await tableCounts(edge.db, a.id)).toEqual(before);
  });

  describe('Cameleer-issued tokens', () => {
    let ownerId: string;
    beforeAll(async () => {
      ownerId = (await findOrCreateUser(edge.db, { issuer: 'test', subject: `owner-of-${a.slug}` })).id;
    });
    const now = () => edge.clock.now();

    it('accepts a session signed with the edge key (the control for the cases below)', async () => {
      const token = await signProductToken(
        'session',
        edge.sessionKey,
        { sub: ownerId },
        { now: now(), ttlSeconds: 60 },
      );
      const me = (await (await edge.request('/api/me', { token })).json()) as Me;
      expect(me.actor.id).toBe(ownerId);
      expect((await edge.request('/api/tenants/oidc-a/apps', { token })).status).toBe(200);
    });

    const otherKinds = (Object.keys(tokenKinds) as TokenKind[]).filter((k) => k !== 'session');
    it.each(otherKinds)('refuses a %s token signed with the edge key as a session', async (other) => {
      const token = await signProductToken(
        other,
        edge.sessionKey,
        { sub: ownerId },
        { now: now(), ttlSeconds: 60 },
      );
      await expectUnauthenticated(edge, token, a, other);
    });

    it('refuses a session signed by another Ed25519 key under the same kid', async () => {
      const other = await importSigningKey(await generateSigningKeyJwk());
      const token = await signProductToken(
        'session',
        { ...other, kid: edge.sessionKey.kid },
        { sub: ownerId },
        { now: now(), ttlSeconds: 60 },
      );
      await expectUnauthenticated(edge, token, a, 'foreign key, same kid');
    });

    it('refuses a session with alg none or HS256 keyed with the public Ed25519 key', async () => {
      const t = epoch(now());
      const payload = {
        sub: ownerId,
        iss: 'cameleer',
        aud: tokenKinds.session.aud,
        iat: t,
        nbf: t,
        exp: t + 60,
      };
      const header = { typ: tokenKinds.session.typ, kid: edge.sessionKey.kid };
      await expectUnauthenticated(edge, unsigned({ alg: 'none', ...header }, payload), a, 'alg none');
      const raw = base64url.decode(edge.sessionKey.publicJwk.x ?? '');
      await expectUnauthenticated(edge, await hmac(raw, header, payload), a, 'HS256, raw public key');
      const jwk = JSON.stringify(edge.sessionKey.publicJwk);
      await expectUnauthenticated(edge, await hmac(jwk, header, payload), a, 'HS256, public JWK');
    });

    it('refuses an expired session', async () => {
      const issued = new Date(now().getTime() - 120_000);
      const token = await signProductToken(
        'session',
        edge.sessionKey,
        { sub: ownerId },
        { now: issued, ttlSeconds: 60 },
      );
      await expectUnauthenticated(edge, token, a, 'expired session');
    });
  });
});

describe.each(databaseKinds)('JWKS refetching under a flood of unknown kids on %s', (kind) => {
  const realNow = Date.now;
  let offsetMs = 0;
  let idp: Idp;
  let edge: TestEdge;
  let attacker: IdpKey;

  /**
   * jose times its cooldown with Date.now, the verifier with the edge clock: move both. Date.now stands
   * still between moves, so a slow machine taking 30 real seconds over the floods ends no cooldown.
   */
  const advance = (ms: number) => {
    offsetMs += ms;
    edge.clock.advance(ms);
  };
  const unknownKids = (n: number, tag: string) =>
    Promise.all(
      Array.from({ length: n }, (_, i) =>
        sign({ ...attacker, kid: `${tag}-${i}` }, claims(idp, edge.clock.now(), { sub: 'mallory' })),
      ),
    );
  const statuses = async (tokens: string[], concurrently: boolean) => {
    if (concurrently) {
      return Promise.all(tokens.map(async (token) => (await edge.request('/api/me', { token })).status));
    }
    const out: number[] = [];
    for (const token of tokens) out.push((await edge.request('/api/me', { token })).status);
    return out;
  };

  beforeEach(async () => {
    offsetMs = 0;
    const base = realNow();
    vi.spyOn(Date, 'now').mockImplementation(() => base + offsetMs);
    idp = await startIdp();
    attacker = await newKey('ES256', 'unused');
    edge = await createTestEdge(kind, { oidc: oidcFor(idp) });
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await edge.close();
    await idp.close();
  });

  it('fetches once for 200 concurrent and 200 sequential unknown kids, and once more only after 30 s', async () => {
    const first = await statuses(await unknownKids(200, 'burst'), true);
    expect(new Set(first)).toEqual(new Set([401]));
    expect(idp.fetches()).toBe(1);

    expect(new Set(await statuses(await unknownKids(200, 'trickle'), false))).toEqual(new Set([401]));
    expect(idp.fetches()).toBe(1);

    advance(29_000);
    expect(new Set(await statuses(await unknownKids(200, 'late'), false))).toEqual(new Set([401]));
    expect(idp.fetches()).toBe(1);

    advance(2_000);
    expect(new Set(await statuses(await unknownKids(200, 'after-cooldown'), true))).toEqual(new Set([401]));
    expect(idp.fetches()).toBe(2);
    expect(new Set(await statuses(await unknownKids(200, 'after-cooldown-seq'), false))).toEqual(
      new Set([401]),
    );
    expect(idp.fetches()).toBe(2);

    const valid = await sign(idp.rsa, claims(idp, edge.clock.now()));
    expect((await edge.request('/api/me', { token: valid })).status).toBe(200);
    expect(idp.fetches()).toBe(2);
  });

  it('after a valid token, a flood adds no fetch within the cooldown; a rotated-in key is picked up after it', async () => {
    const valid = await sign(idp.rsa, claims(idp, edge.clock.now()));
    expect((await edge.request('/api/me', { token: valid })).status).toBe(200);
    expect(idp.fetches()).toBe(1);

    const rotated = await newKey('RS256', 'rsa-2');
    idp.publish(rotated);
    await statuses(await unknownKids(200, 'flood'), true);
    const early = await sign(rotated, claims(idp, edge.clock.now()));
    expect((await edge.request('/api/me', { token: early })).status).toBe(401);
    expect(idp.fetches()).toBe(1);

    advance(30_001);
    expect(new Set(await statuses(await unknownKids(200, 'flood-2'), true))).toEqual(new Set([401]));
    expect(idp.fetches()).toBe(2);
    const late = await sign(rotated, claims(idp, edge.clock.now()));
    expect((await edge.request('/api/me', { token: late })).status).toBe(200);
    expect(idp.fetches()).toBe(2);
  });

  it('while the key set fails, answers 503 (not 401), fetches at most once per 5 s, and recovers', async () => {
    idp.fail(true);
    const tokens = await Promise.all(
      Array.from({ length: 50 }, () => sign(idp.rsa, claims(idp, edge.clock.now()))),
    );
    expect(new Set(await statuses(tokens.slice(0, 25), true))).toEqual(new Set([503]));
    expect(new Set(await statuses(tokens.slice(25), false))).toEqual(new Set([503]));
    expect(idp.fetches()).toBe(1);

    advance(5_001);
    idp.fail(false);
    const valid = await sign(idp.rsa, claims(idp, edge.clock.now()));
    expect((await edge.request('/api/me', { token: valid })).status).toBe(200);
    expect(idp.fetches()).toBe(2);
  });
});
