import { readFileSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeEdge } from '../test/fake-edge.ts';
import { registeredRunner, until } from '../test/runner-fixture.ts';
import { readIdentity } from './state/identity.ts';
import { stateFiles } from './state/state-dir.ts';
import { readStatus } from './state/status-file.ts';

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

async function connectedRunner(opts: Parameters<typeof registeredRunner>[0] = {}) {
  const setup = await registeredRunner(opts);
  const runner = setup.make();
  cleanup.push(() => setup.edge.stop());
  cleanup.push(() => runner.stop());
  const connected = runner.connected();
  await runner.start();
  await connected;
  return { ...setup, runner };
}

const resultOf = (edge: FakeEdge, commandId: string) => edge.resultFor(commandId)[0];

describe('registration', () => {
  it('keeps the private key 0600 in a 0700 directory and only sends the public key', async () => {
    const { stateDir, edge } = await registeredRunner();
    cleanup.push(() => edge.stop());
    const files = stateFiles(stateDir);
    expect(statSync(files.dir).mode & 0o777).toBe(0o700);
    expect(statSync(files.privateKey).mode & 0o777).toBe(0o600);
    expect(readIdentity(stateDir)).toMatchObject({
      runnerId: 'run_test',
      tenantId: 'ten_test',
      tenantSlug: 'acme',
    });
    expect(JSON.parse(readFileSync(files.privateKey, 'utf8'))).toHaveProperty('d');
  });
});

describe('Runner over WebSocket', () => {
  it('says hello, is welcomed, and reports itself in the status file', async () => {
    const { edge, runner, stateDir } = await connectedRunner();
    const hello = edge.framesOf('hello')[0];
    expect(hello).toMatchObject({ transport: 'websocket', capabilities: ['process'], inventory: [] });
    expect(runner.transport).toBe('websocket');
    expect(readStatus(stateDir)).toMatchObject({ connected: true, transport: 'websocket', pid: process.pid });
  });

  it('acks, runs and reports the built-in commands, unsupported kinds fail', async () => {
    const { edge } = await connectedRunner();
    const noop = await edge.command('noop');
    const echo = await edge.command('echo', { hello: 'world' });
    const status = await edge.command('status');
    const list = await edge.command('list');
    const deploy = await edge.command('deploy', { app: 'x' });
    await until(() => edge.framesOf('result').length === 5);
    expect(edge.framesOf('ack').map((a) => a.commandId)).toEqual(
      [noop, echo, status, list, deploy].map((c) => c.commandId),
    );
    expect(resultOf(edge, noop.commandId)).toMatchObject({ status: 'succeeded', output: {} });
    expect(resultOf(edge, echo.commandId)).toMatchObject({ status: 'succeeded', output: { hello: 'world' } });
    expect(resultOf(edge, status.commandId)?.output).toMatchObject({
      runnerId: 'run_test',
      transport: 'websocket',
    });
    expect(resultOf(edge, list.commandId)?.output).toEqual({ items: [] });
    expect(resultOf(edge, deploy.commandId)).toMatchObject({
      status: 'failed',
      error: 'deploy: not supported by this runner yet',
    });
  });

  it('runs commands in the order they came, one at a time, with progress', async () => {
    const order: string[] = [];
    const { edge } = await connectedRunner({
      handlers: {
        echo: async ({ command, progress }) => {
          order.push(`start ${command.seq}`);
          progress(`working on ${command.seq}`);
          await new Promise((r) => setTimeout(r, 20));
          order.push(`end ${command.seq}`);
          return command.payload;
        },
      },
    });
    for (let i = 0; i < 3; i++) await edge.command('echo', { i });
    await until(() => edge.framesOf('result').length === 3);
    expect(order).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
    expect(edge.framesOf('progress').map((p) => p.message)).toEqual([
      'working on 1',
      'working on 2',
      'working on 3',
    ]);
  });

  it('runs a log follow beside the queue: a later command does not wait for it, stop interrupts it', async () => {
    const { edge, runner } = await connectedRunner({
      handlers: {
        logs: ({ signal }) =>
          new Promise((resolve) => signal.addEventListener('abort', () => resolve({ interrupted: true }))),
        stop: () => ({ stopped: true }),
      },
    });
    await edge.command('logs', { follow: true });
    const stop = await edge.command('stop', {});
    await until(() => resultOf(edge, stop.commandId)?.status === 'succeeded');
    expect(edge.framesOf('result')).toHaveLength(1);
    await runner.stop();
  });

  it('runs a redelivered command once and resends its stored result', async () => {
    const { edge, runner } = await connectedRunner();
    const cmd = await edge.command('echo', { n: 1 });
    await until(() => edge.resultFor(cmd.commandId).length === 1);
    await edge.deliver(await edge.commandFrame(cmd));
    await edge.deliver(await edge.commandFrame(cmd));
    await until(() => edge.resultFor(cmd.commandId).length === 3);
    expect(runner.effectCount(cmd.commandId)).toBe(1);
    expect(edge.framesOf('ack').filter((a) => a.commandId === cmd.commandId)).toHaveLength(3);
  });

  it('answers a forged command with an error frame only, and runs nothing', async () => {
    const { edge, runner } = await connectedRunner();
    const { generateSigningKeyJwk, importSigningKey } = await import('@cameleer/shared');
    const forger = await importSigningKey(await generateSigningKeyJwk());
    const cmd = {
      commandId: 'cmd_forged',
      tenantId: 'ten_test',
      runnerId: 'run_test',
      seq: 1,
      kind: 'echo' as const,
      payload: {},
    };
    await edge.deliver(await edge.commandFrame(cmd, { key: { ...forger, kid: edge.commandKey.kid } }));
    await edge.deliver(
      await edge.commandFrame({ ...cmd, commandId: 'cmd_other_tenant', tenantId: 'ten_other' }),
    );
    await until(() => edge.framesOf('error').length === 2);
    expect(edge.framesOf('error').every((e) => e.code === 'unauthorized')).toBe(true);
    expect(edge.framesOf('ack')).toHaveLength(0);
    expect(edge.framesOf('result')).toHaveLength(0);
    expect(runner.effectCount('cmd_forged')).toBe(0);
  });

  it('fails an expired but genuine command on the record without running it', async () => {
    const { edge, runner } = await connectedRunner();
    const cmd = {
      commandId: 'cmd_old',
      tenantId: 'ten_test',
      runnerId: 'run_test',
      seq: 1,
      kind: 'echo' as const,
      payload: {},
    };
    await edge.deliver(
      await edge.commandFrame(cmd, { now: new Date(Date.now() - 3_600_000), ttlSeconds: 60 }),
    );
    await until(() => edge.resultFor('cmd_old').length === 1);
    expect(resultOf(edge, 'cmd_old')).toMatchObject({ status: 'failed', error: 'command token expired' });
    expect(runner.effectCount('cmd_old')).toBe(0);
  });

  it('rotates to endorsed command keys and persists them; ignores unendorsed ones', async () => {
    const { generateSigningKeyJwk, importSigningKey } = await import('@cameleer/shared');
    const { edge, runner, stateDir } = await connectedRunner();
    const next = await importSigningKey(await generateSigningKeyJwk());
    edge.announcedKeys = [edge.commandKey.publicJwk, next.publicJwk];
    const rotated = new Promise((resolve) => runner.once('keys-rotated', resolve));
    edge.dropConnections();
    await rotated;
    expect(readIdentity(stateDir).commandKeys.map((k) => k.x)).toEqual([
      edge.commandKey.publicJwk.x,
      next.publicJwk.x,
    ]);

    const rogue = await importSigningKey(await generateSigningKeyJwk());
    edge.announcedKeys = [rogue.publicJwk];
    edge.endorsingKey = rogue;
    const reconnected = runner.connected();
    edge.dropConnections();
    await reconnected;
    expect(readIdentity(stateDir).commandKeys).toHaveLength(2);
  });
});
