import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminToken,
  createTestEdge,
  databaseKinds,
  type TestEdge,
  tableCounts,
} from '../../test/fixtures.ts';

type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  requestId: string;
  errors?: Array<{ path: string; message: string }>;
};

describe.each(databaseKinds)('bad input on %s', (kind) => {
  let edge: TestEdge;
  let t: Awaited<ReturnType<TestEdge['tenant']>>;
  beforeAll(async () => {
    edge = await createTestEdge(kind, { settings: { maxBodyBytes: 4096 } });
    t = await edge.tenant('strict');
  });
  afterAll(() => edge.close());

  const send = (path: string, body: string, contentType = 'application/json', token = t.tokens.owner) =>
    edge.app.request(path, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
      body,
    });

  async function expectProblem(res: Response, status: number, type: string): Promise<Problem> {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const problem = (await res.json()) as Problem;
    expect(problem).toMatchObject({ status, type: `https://cameleer.dev/problems/${type}` });
    expect(problem.title.length).toBeGreaterThan(0);
    expect(problem.detail.length).toBeGreaterThan(0);
    expect(problem.requestId).toMatch(/^req_/);
    return problem;
  }

  const cases: Array<[string, () => Response | Promise<Response>, number, string, string?]> = [
    ['malformed JSON', () => send('/api/tenants/strict/apps', '{"name": "orders"'), 400, 'malformed-json'],
    ['an empty body', () => send('/api/tenants/strict/apps', ''), 400, 'malformed-json'],
    ['a JSON array', () => send('/api/tenants/strict/apps', '[1,2]'), 400, 'invalid-request'],
    [
      'an unknown field',
      () => send('/api/tenants/strict/apps', '{"name":"orders","admin":true}'),
      400,
      'invalid-request',
      'admin',
    ],
    ['a wrong type', () => send('/api/tenants/strict/apps', '{"name":42}'), 400, 'invalid-request', 'name'],
    [
      'an invalid slug',
      () => send('/api/tenants/strict/apps', '{"name":"Orders App!"}'),
      400,
      'invalid-request',
      'name',
    ],
    [
      'a missing field',
      () => send('/api/tenants/strict/api-tokens', '{"name":"ci"}'),
      400,
      'invalid-request',
      'role',
    ],
    [
      'an unknown role',
      () => send('/api/tenants/strict/api-tokens', '{"name":"ci","role":"god"}'),
      400,
      'invalid-request',
      'role',
    ],
    [
      'an oversized body',
      () => send('/api/tenants/strict/apps', JSON.stringify({ name: 'x', description: 'y'.repeat(10_000) })),
      413,
      'payload-too-large',
    ],
    [
      'a form body',
      () => send('/api/tenants/strict/apps', 'name=orders', 'application/x-www-form-urlencoded'),
      415,
      'unsupported-media-type',
    ],
    [
      'an unknown query parameter',
      () => edge.request('/api/tenants/strict/audit-log?limit=5&drop=1', { token: t.tokens.owner }),
      400,
      'invalid-request',
      'drop',
    ],
    [
      'a query parameter of the wrong type',
      () => edge.request('/api/tenants/strict/audit-log?limit=lots', { token: t.tokens.owner }),
      400,
      'invalid-request',
      'limit',
    ],
    [
      'a nested unknown field',
      () =>
        send(
          '/api/tenants',
          '{"slug":"x","name":"x","owner":{"issuer":"a","subject":"b","admin":true}}',
          'application/json',
          adminToken,
        ),
      400,
      'invalid-request',
    ],
  ];

  it.each(cases)(
    'answers %s with a clear problem and writes nothing',
    async (_, run, status, type, field) => {
      const before = await tableCounts(edge.db, t.id);
      const problem = await expectProblem(await run(), status, type);
      if (field) expect(problem.errors?.map((e) => e.path).join(' ')).toContain(field);
      expect(await tableCounts(edge.db, t.id)).toEqual(before);
    },
  );

  it('answers unknown routes and methods with problem+json', async () => {
    await expectProblem(await edge.request('/api/nothing-here', { token: t.tokens.owner }), 404, 'not-found');
  });

  it('answers requests without a credential with 401', async () => {
    await expectProblem(await edge.request('/api/tenants/strict/apps'), 401, 'unauthenticated');
    await expectProblem(
      await edge.request('/api/tenants/strict/apps', { token: 'cam_not-a-real-token-at-all' }),
      401,
      'unauthenticated',
    );
  });

  it('records refused mutations in the audit log with their outcome', async () => {
    await send('/api/tenants/strict/apps', '{"name":42}');
    await edge.request('/api/tenants/strict/apps', {
      method: 'POST',
      token: t.tokens.viewer,
      json: { name: 'nope' },
    });
    const audit = (await (
      await edge.request('/api/tenants/strict/audit-log?limit=2', { token: t.tokens.owner })
    ).json()) as {
      items: Array<{ action: string; outcome: string; status: number }>;
    };
    expect(audit.items).toEqual([
      expect.objectContaining({ action: 'app.create', outcome: 'denied', status: 403 }),
      expect.objectContaining({ action: 'app.create', outcome: 'failure', status: 400 }),
    ]);
  });
});
