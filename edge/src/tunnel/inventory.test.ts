import { type EdgeFrame, newId, protocolVersion, signProductToken } from '@cameleer/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  createTestEdge,
  databaseKinds,
  listenTestEdge,
  registerTestRunner,
  type TestEdge,
} from '../../test/fixtures.ts';
import { until } from '../../test/runners.ts';

type Registered = Awaited<ReturnType<typeof registerTestRunner>>;

const credential = (runner: Registered) =>
  signProductToken(
    'runner',
    runner.key,
    { sub: runner.runnerId, tid: runner.tenantId, jti: newId('req') },
    { now: new Date(), ttlSeconds: 60 },
  );
const hello = (transport: string) => ({
  v: protocolVersion,
  id: newId('req'),
  type: 'hello',
  runnerVersion: 'test',
  capabilities: ['process'],
  transport,
  inventory: [],
});
const inventory = (names: string[]) => ({
  v: protocolVersion,
  id: newId('req'),
  type: 'inventory',
  inventory: names.map((name) => ({
    kind: 'app',
    name,
    state: 'running',
    labels: { deploymentId: 'dep_x' },
  })),
});

/** The `inventory` frame over both transports: stored on the runner, reconciled, commands go out on the same link. */
describe.each(databaseKinds)('inventory frames on %s', (kind) => {
  let edge: TestEdge;
  let server: Awaited<ReturnType<typeof listenTestEdge>>;
  let t: Awaited<ReturnType<TestEdge['tenant']>>;
  beforeAll(async () => {
    edge = await createTestEdge(kind);
    server = await listenTestEdge(edge);
    t = await edge.tenant('inv');
  });
  afterAll(async () => {
    await server.close();
    await edge.close();
  });

  const commandOf = async (id: string) =>
    (await (await edge.request(`/api/tenants/inv/commands/${id}`, { token: t.tokens.viewer })).json()) as {
      kind: string;
      payload: { ref: unknown };
    };
  const storedInventory = async (runnerId: string) =>
    (
      (await (
        await edge.request(`/api/tenants/inv/runners/${runnerId}`, { token: t.tokens.viewer })
      ).json()) as {
        inventory: Array<{ name: string }>;
      }
    ).inventory.map((i) => i.name);

  it('over WebSocket', async () => {
    const runner = await registerTestRunner(edge, t, 'ws-runner');
    const ws = new WebSocket(server.wsUrl, {
      headers: { authorization: `Bearer ${await credential(runner)}` },
    });
    const frames: EdgeFrame[] = [];
    ws.on('message', (data) => frames.push(JSON.parse(data.toString()) as EdgeFrame));
    await new Promise((resolve) => ws.once('open', resolve));
    try {
      ws.send(JSON.stringify(hello('websocket')));
      await until(() => frames.some((f) => f.type === 'welcome'));
      ws.send(JSON.stringify(inventory(['inv/dev/ghost', 'other/dev/ghost'])));
      await until(() => frames.some((f) => f.type === 'command'));
      const command = frames.find((f) => f.type === 'command') as { commandId: string };
      expect(await commandOf(command.commandId)).toMatchObject({
        kind: 'remove',
        payload: { ref: { tenant: 'inv', environment: 'dev', app: 'ghost' } },
      });
      expect(frames.filter((f) => f.type === 'command')).toHaveLength(1);
      expect(await storedInventory(runner.runnerId)).toEqual(['inv/dev/ghost', 'other/dev/ghost']);
    } finally {
      ws.close();
    }
  });

  it('over long-poll', async () => {
    const runner = await registerTestRunner(edge, t, 'poll-runner');
    const poll = async (frames: unknown[]) => {
      const res = await fetch(`${server.url}/tunnel/poll?wait=0`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await credential(runner)}`, 'content-type': 'application/json' },
        body: JSON.stringify({ frames }),
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { frames: EdgeFrame[] }).frames;
    };
    expect((await poll([hello('long-poll')])).map((f) => f.type)).toContain('welcome');
    const answer = await poll([inventory(['inv/staging/phantom'])]);
    const command = answer.find((f) => f.type === 'command') as { commandId: string } | undefined;
    if (!command) throw new Error(`no command in ${JSON.stringify(answer)}`);
    expect(await commandOf(command.commandId)).toMatchObject({
      kind: 'remove',
      payload: { ref: { tenant: 'inv', environment: 'staging', app: 'phantom' } },
    });
    expect(await storedInventory(runner.runnerId)).toEqual(['inv/staging/phantom']);
  });
});
