import { generateSigningKeyJwk, importSigningKey, type SignedCommand } from '@cameleer/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEdge, listenTestEdge, type TestEdge } from '../../test/fixtures.ts';
import { startRealRunner, until } from '../../test/runners.ts';
import { expireOverdueCommands } from '../services/commands.ts';

type Command = { id: string; state: string; seq: number; output?: unknown; error: string | null };

/** A deploy payload that meets the contract, for runners that have no deploy handler or cannot get it. */
const deployPayload = (extra: Record<string, unknown> = {}) => ({
  deploymentId: 'dep_elsewhere',
  ref: { tenant: 'ops', environment: 'dev', app: 'orders' },
  version: { id: 'ver_1', label: 'v1', sha256: 'a'.repeat(64), artifactUrl: 'http://127.0.0.1:1/artifact' },
  env: {},
  resources: { memoryMb: 512, cpus: 1, pids: 256 },
  writeableVolumes: [],
  healthCheck: { timeoutSeconds: 90 },
  private: false,
  ...extra,
});

describe('a real runner on the real tunnel', () => {
  let edge: TestEdge;
  let server: Awaited<ReturnType<typeof listenTestEdge>>;
  let t: Awaited<ReturnType<TestEdge['tenant']>>;
  const executed: Array<{ id: string; seq: number }> = [];
  const handlers = {
    echo: ({ command }: { command: SignedCommand }) => {
      executed.push({ id: command.commandId, seq: command.seq });
      return command.payload;
    },
  };

  beforeAll(async () => {
    edge = await createTestEdge('pglite', { settings: { heartbeatIntervalMs: 500 } });
    server = await listenTestEdge(edge);
    t = await edge.tenant('ops');
  });
  afterAll(async () => {
    await server.close();
    await edge.close();
  });

  const send = async (runnerId: string, body: unknown) => {
    const res = await edge.request(`/api/tenants/ops/runners/${runnerId}/commands`, {
      method: 'POST',
      token: t.tokens.developer,
      json: body,
    });
    expect(res.status).toBe(202);
    return (await res.json()) as Command;
  };
  const command = async (id: string) =>
    (await (
      await edge.request(`/api/tenants/ops/commands/${id}`, { token: t.tokens.viewer })
    ).json()) as Command;

  it('registers, shows online, runs commands in order and stores their results', async () => {
    const { runner, runnerId } = await startRealRunner(server.url, t.tokens.admin, 'ops', { handlers });
    await runner.connected(5000);
    const list = (await (
      await edge.request('/api/tenants/ops/runners', { token: t.tokens.viewer })
    ).json()) as {
      items: Array<{ id: string; status: string; transport: string; capabilities: string[] }>;
    };
    expect(list.items).toEqual([
      expect.objectContaining({
        id: runnerId,
        status: 'online',
        transport: 'websocket',
        capabilities: ['process'],
      }),
    ]);

    executed.length = 0;
    const sent = await Promise.all(
      Array.from({ length: 20 }, (_, i) => send(runnerId, { kind: 'echo', payload: { i } })),
    );
    await until(
      async () => (await Promise.all(sent.map((c) => command(c.id)))).every((c) => c.state === 'succeeded'),
      10_000,
      'all results',
    );
    expect(executed.map((e) => e.seq)).toEqual([...sent.map((c) => c.seq)].sort((a, b) => a - b));
    expect((await command(sent[3]?.id ?? '')).output).toEqual({ i: 3 });
    const unsupported = await send(runnerId, { kind: 'deploy', payload: deployPayload() });
    await until(async () => (await command(unsupported.id)).state === 'failed');
    expect((await command(unsupported.id)).error).toMatch(/not supported/);
    await runner.stop();
  });

  it('queues commands while a runner is offline and delivers them in order when it returns', async () => {
    const { runner, runnerId, make } = await startRealRunner(server.url, t.tokens.admin, 'ops', {
      handlers,
      name: 'later',
    });
    await runner.connected(5000);
    await runner.stop();
    await until(() => !server.hub.connection(runnerId), 5000, 'offline');
    executed.length = 0;
    const queued: Command[] = [];
    for (let i = 0; i < 5; i++) queued.push(await send(runnerId, { kind: 'echo', payload: { i } }));
    expect((await command(queued[0]?.id ?? '')).state).toBe('queued');
    const back = make();
    await back.start();
    await until(async () =>
      (await Promise.all(queued.map((c) => command(c.id)))).every((c) => c.state === 'succeeded'),
    );
    expect(executed.map((e) => e.id)).toEqual(queued.map((c) => c.id));
    await back.stop();
  });

  it('records the ack of a command that runs for a while, and the result over it', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { runner, runnerId } = await startRealRunner(server.url, t.tokens.admin, 'ops', {
      handlers: { echo: async ({ command }: { command: SignedCommand }) => gate.then(() => command.payload) },
      name: 'slow',
    });
    await runner.connected(5000);
    const slow = await send(runnerId, { kind: 'echo', payload: { slow: true } });
    await until(async () => (await command(slow.id)).state === 'acked', 10_000, 'the ack');
    release();
    await until(async () => (await command(slow.id)).state === 'succeeded', 10_000, 'the result');
    await runner.stop();
  });

  it('fails a deploy whose sealed secrets no longer open, at once, and delivers the commands after it', async () => {
    const { runner, runnerId } = await startRealRunner(server.url, t.tokens.admin, 'ops', {
      handlers,
      name: 'sealed',
    });
    await runner.connected(5000);
    const sealed = await send(runnerId, {
      kind: 'deploy',
      payload: deployPayload({ sealedEnv: 'v1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA' }),
    });
    const after = await send(runnerId, { kind: 'echo', payload: { after: true } });
    await until(async () => (await command(after.id)).state === 'succeeded', 10_000, 'the next command');
    const failed = await command(sealed.id);
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatch(/could not prepare this command/);
    await runner.stop();
  });

  it('fails a command that gets no result by its deadline, with a reason', async () => {
    const { runner, runnerId } = await startRealRunner(server.url, t.tokens.admin, 'ops', { name: 'gone' });
    await runner.connected(5000);
    await runner.stop();
    const late = await send(runnerId, { kind: 'noop', deadlineSeconds: 1 });
    edge.clock.advance(2000);
    expect(await expireOverdueCommands(edge.db, edge.clock)).toBeGreaterThanOrEqual(1);
    const expired = await command(late.id);
    expect(expired.state).toBe('failed');
    expect(expired.error).toMatch(/deadline/);
  });

  it('stops a runner for good when it is revoked', async () => {
    const { runner, runnerId } = await startRealRunner(server.url, t.tokens.admin, 'ops', {
      name: 'revoked',
    });
    await runner.connected(5000);
    const revoked = new Promise((resolve) => runner.on('revoked', resolve));
    expect(
      (
        await edge.request(`/api/tenants/ops/runners/${runnerId}`, {
          method: 'DELETE',
          token: t.tokens.admin,
        })
      ).status,
    ).toBe(204);
    await revoked;
    await until(() => !server.hub.connection(runnerId), 5000, 'dropped');
  });

  it('rotates command keys without downtime: runners adopt an endorsed new key and keep running commands', async () => {
    const { runner, runnerId, make } = await startRealRunner(server.url, t.tokens.admin, 'ops', {
      handlers,
      name: 'rotating',
    });
    await runner.connected(5000);
    const [oldKey] = edge.services.commandKeys;
    if (!oldKey) throw new Error('no command key');
    const newKey = await importSigningKey(await generateSigningKeyJwk());
    edge.services.commandKeys = [newKey, oldKey];
    await runner.stop();
    const back = make();
    const adopted = new Promise<{ kids: string[] }>((resolve) => back.on('keys-rotated', resolve));
    await back.start();
    expect((await adopted).kids).toEqual(expect.arrayContaining([newKey.kid, oldKey.kid]));
    const signedByNewKey = await send(runnerId, { kind: 'echo', payload: { rotated: true } });
    await until(
      async () => (await command(signedByNewKey.id)).state === 'succeeded',
      5000,
      'command signed by the new key',
    );

    // Later the old key is retired; the runner already trusts the new one.
    edge.services.commandKeys = [newKey];
    await back.stop();
    const again = make();
    await again.start();
    await again.connected(5000);
    const afterRetire = await send(runnerId, { kind: 'echo', payload: {} });
    await until(
      async () => (await command(afterRetire.id)).state === 'succeeded',
      5000,
      'command after the old key is retired',
    );
    await again.stop();
  });
});
