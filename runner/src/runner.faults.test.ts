import { afterEach, describe, expect, it } from 'vitest';
import { registeredRunner, until } from '../test/runner-fixture.ts';
import type { Runner, RunnerOptions } from './runner.ts';
import { CommandJournal, interruptedReason } from './state/journal.ts';
import { stateFiles } from './state/state-dir.ts';
import { readStatus } from './state/status-file.ts';

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

async function setup(opts: Partial<RunnerOptions> = {}) {
  const s = await registeredRunner(opts);
  cleanup.push(() => s.edge.stop());
  const runners: Runner[] = [];
  cleanup.push(async () => {
    for (const r of runners) await r.stop();
  });
  const startRunner = async (extra: Partial<RunnerOptions> = {}) => {
    const runner = s.make(extra);
    runners.push(runner);
    const connected = runner.connected();
    await runner.start();
    await connected;
    return runner;
  };
  return { ...s, startRunner };
}

describe('Runner faults', () => {
  it('delivers the result of a command cut off by a dropped connection after reconnecting, effect once', async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { edge, startRunner } = await setup({
      handlers: {
        echo: async ({ command }) => {
          await gate;
          return command.payload;
        },
      },
    });
    const runner = await startRunner();
    const cmd = await edge.command('echo', { n: 1 });
    await until(() => runner.effectCount(cmd.commandId) === 1);
    const reconnected = runner.connected();
    edge.dropConnections();
    await reconnected;
    release();
    await until(() => edge.resultFor(cmd.commandId).length >= 1);
    expect(edge.resultFor(cmd.commandId)[0]).toMatchObject({ status: 'succeeded', output: { n: 1 } });
    expect(runner.effectCount(cmd.commandId)).toBe(1);
  });

  it('does not re-run a finished command after a runner restart: it resends the stored result', async () => {
    const { edge, startRunner } = await setup();
    const first = await startRunner();
    const cmd = await edge.command('echo', { n: 1 });
    await until(() => edge.resultFor(cmd.commandId).length === 1);
    await first.stop();
    const second = await startRunner();
    await edge.deliver(await edge.commandFrame(cmd));
    // the first result may also be replayed on connect (it was unconfirmed when the runner stopped)
    const afterRedelivery = () => {
      const acks = edge.received.flatMap((f, i) =>
        f.type === 'ack' && f.commandId === cmd.commandId ? [i] : [],
      );
      const second = acks[1] ?? Number.POSITIVE_INFINITY;
      return edge.received.find((f, i) => i > second && f.type === 'result' && f.commandId === cmd.commandId);
    };
    await until(() => afterRedelivery() !== undefined);
    expect(afterRedelivery()).toMatchObject({ status: 'succeeded', output: { n: 1 } });
    expect(second.effectCount(cmd.commandId)).toBe(0);
  });

  it('reports a command started before a crash as interrupted, and never runs it again', async () => {
    const { edge, stateDir, startRunner } = await setup();
    const journal = CommandJournal.open(stateFiles(stateDir).journal);
    journal.start({ commandId: 'cmd_crashed', seq: 1, kind: 'echo' });
    journal.close();
    const runner = await startRunner();
    await until(() => edge.resultFor('cmd_crashed').length === 1);
    expect(edge.resultFor('cmd_crashed')[0]).toMatchObject({ status: 'failed', error: interruptedReason });
    const redelivered = {
      commandId: 'cmd_crashed',
      tenantId: 'ten_test',
      runnerId: 'run_test',
      seq: 1,
      kind: 'echo' as const,
      payload: {},
    };
    await edge.deliver(await edge.commandFrame(redelivered));
    await until(() => edge.resultFor('cmd_crashed').length === 2);
    expect(runner.effectCount('cmd_crashed')).toBe(0);
  });

  it('replays results that were not confirmed before a disconnect', async () => {
    const { edge, startRunner } = await setup();
    const runner = await startRunner();
    edge.sendHeartbeats = false;
    const cmd = await edge.command('noop');
    await until(() => edge.resultFor(cmd.commandId).length === 1);
    const reconnected = runner.connected();
    edge.dropConnections();
    await reconnected;
    await until(() => edge.resultFor(cmd.commandId).length === 2);
    expect(runner.effectCount(cmd.commandId)).toBe(1);
  });

  it('detects a silent edge within two heartbeat intervals and reconnects', async () => {
    const { edge, startRunner } = await setup();
    edge.heartbeatIntervalMs = 200;
    const runner = await startRunner();
    edge.sendHeartbeats = false;
    const started = Date.now();
    const dropped = new Promise<{ reason: string }>((resolve) => runner.once('disconnected', resolve));
    expect((await dropped).reason).toMatch(/nothing from the edge/);
    expect(Date.now() - started).toBeLessThan(2 * 200 + 300);
    edge.sendHeartbeats = true;
    await runner.connected();
  });

  it('stops for good when the edge says it was revoked', async () => {
    const { edge, stateDir, startRunner } = await setup();
    const runner = await startRunner();
    const revoked = new Promise<{ reason: string }>((resolve) => runner.once('revoked', resolve));
    const stopped = new Promise((resolve) => runner.once('stopped', resolve));
    edge.revoked = true;
    edge.dropConnections();
    expect((await revoked).reason).toBe('this runner was deleted');
    await stopped;
    const attempts = edge.upgradeAttempts;
    await new Promise((r) => setTimeout(r, 200));
    expect(edge.upgradeAttempts).toBe(attempts);
    expect(readStatus(stateDir)).toMatchObject({
      running: false,
      lastError: 'revoked: this runner was deleted',
    });
  });

  it('keeps retrying while the edge is unreachable and never stops by itself', async () => {
    const { edge, startRunner } = await setup();
    const runner = await startRunner();
    let stopped = false;
    runner.on('stopped', () => {
      stopped = true;
    });
    edge.refuseUpgradesWith = 503;
    edge.dropConnections();
    await until(() => edge.upgradeAttempts >= 5);
    expect(stopped).toBe(false);
    expect(runner.transport).toBeNull();
  });
});

describe('long-poll fallback', () => {
  it('falls back to long-poll after two broken upgrades while /healthz works, with the same delivery', async () => {
    const { edge, stateDir, startRunner } = await setup();
    edge.refuseUpgradesWith = 502;
    const runner = await startRunner();
    expect(runner.transport).toBe('long-poll');
    expect(edge.upgradeAttempts).toBe(2);
    expect(edge.framesOf('hello')[0]).toMatchObject({ transport: 'long-poll' });
    expect(readStatus(stateDir)).toMatchObject({ connected: true, transport: 'long-poll' });
    const cmd = await edge.command('echo', { via: 'poll' });
    await until(() => edge.resultFor(cmd.commandId).length === 1);
    expect(edge.resultFor(cmd.commandId)[0]).toMatchObject({ status: 'succeeded', output: { via: 'poll' } });
    await edge.deliver(await edge.commandFrame(cmd));
    await until(() => edge.resultFor(cmd.commandId).length === 2);
    expect(runner.effectCount(cmd.commandId)).toBe(1);
  });

  it('does not fall back when the edge itself is unwell', async () => {
    const { edge, make } = await setup();
    edge.refuseUpgradesWith = 502;
    edge.healthy = false;
    const runner = make();
    cleanup.push(() => runner.stop());
    await runner.start();
    await until(() => edge.upgradeAttempts >= 4);
    expect(edge.polls).toBe(0);
  });

  it('goes back to the WebSocket when the periodic retry succeeds', async () => {
    const { edge, startRunner } = await setup();
    edge.refuseUpgradesWith = 400;
    const runner = await startRunner({
      timing: { backoffBaseMs: 20, backoffCapMs: 200, pollWaitSeconds: 1, websocketRetryMs: 300 },
    });
    expect(runner.transport).toBe('long-poll');
    edge.refuseUpgradesWith = undefined;
    await until(() => runner.transport === 'websocket');
  });

  it('stops when the edge answers a poll with runner-revoked', async () => {
    const { edge, startRunner } = await setup();
    edge.refuseUpgradesWith = 426;
    const runner = await startRunner();
    const revoked = new Promise((resolve) => runner.once('revoked', resolve));
    edge.revoked = true;
    await revoked;
  });
});
