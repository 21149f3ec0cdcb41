import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenScope } from '../../../test/otlp/sdk-payloads.ts';
import { type IntakeServer, startIntakeServer } from '../intake-server.ts';
import type { RowsByTable } from '../rows.ts';
import { ReplayEndpoints } from './replay-endpoints.ts';

const token = 'agent-token-mine';
const exchange = {
  exchangeId: 'ID-1',
  time: '2026-12-01T10:00:00.123Z',
  routeId: 'orders',
  fromUri: 'platform-http:/orders',
  failedEndpoint: 'direct://validate',
  exception: { type: 'java.lang.IllegalStateException', message: 'boom' },
  headers: { 'content-type': 'application/json' },
  body: '{"password":"***"}',
};

describe('POST /v1/failed-exchanges on the intake', () => {
  const batches: RowsByTable[] = [];
  let refuse = false;
  const endpoints = new ReplayEndpoints();
  let intake: IntakeServer;

  beforeAll(async () => {
    intake = await startIntakeServer({
      verifyToken: async (t) => {
        if (t !== token) throw new Error('signature does not verify');
        return tokenScope;
      },
      sink: {
        accept: (rows) => {
          if (refuse) return { ok: false, retryAfterSeconds: 3 };
          batches.push(rows);
          return { ok: true };
        },
      },
      replayEndpoints: endpoints,
    });
  });
  afterAll(() => intake.close());

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${intake.url}/v1/failed-exchanges`, {
      method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    });

  it('stores the exchanges as rows of the token scope and learns where the agent serves replays', async () => {
    const res = await post({ agent: { replayPort: 41234 }, exchanges: [{ ...exchange, app: 'lying' }] });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 1 });
    const row = batches.at(-1)?.failed_exchanges?.[0];
    expect(row).toMatchObject({
      TenantId: tokenScope.tenantId,
      App: tokenScope.app,
      DeploymentId: tokenScope.deploymentId,
      RetentionDays: tokenScope.retentionDays,
      Timestamp: '2026-12-01 10:00:00.123000000',
      ExchangeId: 'ID-1',
      FailedEndpoint: 'direct://validate',
      ExceptionMessage: 'boom',
      Body: '{"password":"***"}',
      BodyTruncated: 0,
    });
    expect(endpoints.get(tokenScope.deploymentId)).toEqual({
      url: 'http://127.0.0.1:41234',
      agentToken: token,
    });
  });

  it('refuses with problem+json: no token, bad JSON, a wrong shape, over the caps, a full spool', async () => {
    const before = batches.length;
    const cases: Array<[Response, number]> = [
      [await post({ exchanges: [] }, { authorization: 'Bearer nope' }), 401],
      [await post('{not json'), 400],
      [await post({ exchanges: [{ ...exchange, time: 'yesterday' }] }), 400],
      [await post({ exchanges: [{ ...exchange, body: 'x'.repeat(64 * 1024 + 1) }] }), 413],
      [await post({ exchanges: [{ ...exchange, headers: { big: 'y'.repeat(9000) } }] }), 413],
      [await post({ exchanges: [] }, { 'content-type': 'text/plain' }), 415],
    ];
    for (const [res, status] of cases) {
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
    refuse = true;
    const full = await post({ exchanges: [exchange] });
    refuse = false;
    expect(full.status).toBe(429);
    expect(full.headers.get('retry-after')).toBe('3');
    expect(batches.length).toBe(before);
  });
});
