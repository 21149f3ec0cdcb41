import { newId, protocolVersion, signProductToken } from '@cameleer/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  createTestEdge,
  listenTestEdge,
  registerTestRunner,
  type TestEdge,
} from '../../../edge/test/fixtures.ts';
import { runCli } from '../../test/cli-fixture.ts';

type Registered = Awaited<ReturnType<typeof registerTestRunner>>;

/** Connects a registered runner over the real WebSocket tunnel and waits for the edge's welcome. */
async function connectRunner(wsUrl: string, runner: Registered, now: Date): Promise<WebSocket> {
  const credential = await signProductToken(
    'runner',
    runner.key,
    { sub: runner.runnerId, tid: runner.tenantId, jti: newId('req') },
    { now, ttlSeconds: 60 },
  );
  const ws = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${credential}` } });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const welcome = new Promise<void>((resolve) =>
    ws.on('message', (data) => {
      if ((JSON.parse(data.toString()) as { type: string }).type === 'welcome') resolve();
    }),
  );
  ws.send(
    JSON.stringify({
      v: protocolVersion,
      id: 'h1',
      type: 'hello',
      runnerVersion: '1.2.3',
      capabilities: ['docker'],
      transport: 'websocket',
      inventory: [],
    }),
  );
  await welcome;
  return ws;
}

describe('cameleer runners with a connected runner', () => {
  let edge: TestEdge;
  let server: Awaited<ReturnType<typeof listenTestEdge>>;
  let tenant: Awaited<ReturnType<TestEdge['tenant']>>;
  let env: Record<string, string>;

  beforeAll(async () => {
    edge = await createTestEdge('pglite');
    server = await listenTestEdge(edge);
    tenant = await edge.tenant('acme');
    env = { CAMELEER_URL: server.url, CAMELEER_TOKEN: tenant.tokens.admin, CAMELEER_TENANT: 'acme' };
  });
  afterAll(async () => {
    await server?.close();
    await edge?.close();
  });

  it('shows it online with its transport and last-seen age, and revoking drops its connection', async () => {
    const runner = await registerTestRunner(edge, tenant);
    // The edge's clock is the test's: seen "5 seconds ago" from the CLI's point of view.
    edge.clock.advance(-5_000);
    const ws = await connectRunner(server.wsUrl, runner, edge.clock.now());
    const closed = new Promise<number>((resolve) => ws.once('close', resolve));

    const table = await runCli(['runners', 'list'], env);
    expect(table.stderr).toBe('');
    const row = table.stdout
      .trimEnd()
      .split('\n')[1]
      ?.split(/\s{2,}/);
    expect(row?.slice(0, 5)).toEqual([runner.runnerId, 'runner', 'online', 'websocket', '1.2.3']);
    expect(Number(row?.[5]?.match(/^(\d+)s ago$/)?.[1])).toBeGreaterThanOrEqual(5);
    expect(row?.[6]).toBe('(all)');

    const revoke = await runCli(['runners', 'revoke', runner.runnerId], env);
    expect(revoke.code).toBe(0);
    await closed;

    const list = await runCli(['runners', 'list', '--json'], env);
    expect(JSON.parse(list.stdout)).toMatchObject([{ id: runner.runnerId, status: 'revoked' }]);
  });
});
