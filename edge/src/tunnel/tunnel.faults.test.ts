import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SignedCommand } from '@cameleer/shared';
import { afterAll, describe, expect, it } from 'vitest';
import { type EdgeProcess, freePort, startEdgeProcess } from '../../test/edge-process.ts';
import { startFaultProxy } from '../../test/fault-proxy.ts';
import { createTestEdge, listenTestEdge } from '../../test/fixtures.ts';
import { startRealRunner, until } from '../../test/runners.ts';

type Command = { id: string; seq: number; state: string; output?: unknown; error: string | null };

describe('tunnel faults', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('completes a command whose edge was killed mid-command, with its effect once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cameleer-kill-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const port = String(await freePort());
    const admin = 'kill-test-admin-token-0123456789';
    const env = {
      PORT: port,
      CAMELEER_ADMIN_TOKEN: admin,
      CAMELEER_LOCAL_RUNNER: 'false',
      CAMELEER_TUNNEL_HEARTBEAT_MS: '500',
    };
    let edge: EdgeProcess = await startEdgeProcess(dataDir, env);
    cleanups.push(() => edge.stop('SIGKILL'));
    const url = `http://127.0.0.1:${port}`;

    let effects = 0;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { runner, runnerId } = await startRealRunner(url, admin, 'default', {
      handlers: {
        echo: async ({ command }: { command: SignedCommand }) => {
          effects++;
          await gate;
          return command.payload;
        },
      },
    });
    cleanups.push(() => runner.stop());
    await runner.connected(10_000);

    const auth = { authorization: `Bearer ${admin}`, 'content-type': 'application/json' };
    const res = await fetch(`${url}/api/tenants/default/runners/${runnerId}/commands`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ kind: 'echo', payload: { once: true } }),
    });
    const { id } = (await res.json()) as Command;
    await until(() => effects === 1, 10_000, 'the handler started');

    await edge.stop('SIGKILL');
    release();
    edge = await startEdgeProcess(dataDir, env);

    const state = async () =>
      (
        (await (
          await fetch(`${url}/api/tenants/default/commands/${id}`, { headers: auth })
        ).json()) as Command
      ).state;
    await until(
      async () => (await state()) === 'succeeded',
      20_000,
      'the command completed after the restart',
    );
    expect(effects).toBe(1);
    expect(runner.effectCount(id)).toBe(1);
    await runner.stop();
    await edge.stop();
  }, 90_000);

  it('delivers 500 commands through a proxy that drops and delays at random: all final, each once, in order', async () => {
    const edge = await createTestEdge('postgres', { settings: { heartbeatIntervalMs: 1000 } });
    cleanups.push(() => edge.close());
    const server = await listenTestEdge(edge);
    cleanups.push(() => server.close());
    const t = await edge.tenant('flaky');
    const target = new URL(server.url);
    const proxy = await startFaultProxy(
      { host: target.hostname, port: Number(target.port) },
      { lifetimeMs: [100, 1500], delayMs: [0, 25], refuseRatio: 0.15 },
    );
    cleanups.push(() => proxy.close());

    const executed: number[] = [];
    const counts = new Map<string, number>();
    const { runner, runnerId } = await startRealRunner(proxy.url, t.tokens.admin, 'flaky', {
      apiUrl: server.url,
      handlers: {
        echo: ({ command }: { command: SignedCommand }) => {
          executed.push(command.seq);
          counts.set(command.commandId, (counts.get(command.commandId) ?? 0) + 1);
          return { seq: command.seq };
        },
      },
    });
    cleanups.push(() => runner.stop());
    proxy.storm();

    const total = 500;
    const created: Command[] = [];
    for (let batch = 0; batch < total / 50; batch++) {
      const made = await Promise.all(
        Array.from({ length: 50 }, () =>
          edge.request(`/api/tenants/flaky/runners/${runnerId}/commands`, {
            method: 'POST',
            token: t.tokens.developer,
            json: { kind: 'echo', payload: {} },
          }),
        ),
      );
      for (const res of made) created.push((await res.json()) as Command);
      await new Promise((r) => setTimeout(r, 100));
    }

    const finals = async () => {
      const list = (await (
        await edge.request(`/api/tenants/flaky/runners/${runnerId}/commands?limit=500`, {
          token: t.tokens.viewer,
        })
      ).json()) as { items: Command[] };
      return list.items.filter((c) => c.state === 'succeeded' || c.state === 'failed');
    };
    await until(async () => (await finals()).length === total, 120_000, 'every command final');

    const done = await finals();
    expect(done.every((c) => c.state === 'succeeded')).toBe(true);
    expect(counts.size).toBe(total);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(executed).toEqual([...created.map((c) => c.seq)].sort((a, b) => a - b));
    // The network really was hostile while they flowed.
    expect(proxy.stats().cuts + proxy.stats().refused).toBeGreaterThanOrEqual(3);
  }, 180_000);

  it('brings the local and a second runner back online after the edge restarts, without any action', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cameleer-restart-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const port = String(await freePort());
    const admin = 'restart-test-admin-token-0123456789';
    const env = { PORT: port, CAMELEER_ADMIN_TOKEN: admin, CAMELEER_TUNNEL_HEARTBEAT_MS: '1000' };
    let edge = await startEdgeProcess(dataDir, env);
    cleanups.push(() => edge.stop());
    const url = `http://127.0.0.1:${port}`;
    const { runner } = await startRealRunner(url, admin, 'default', {
      name: 'second',
      timing: { stableAfterMs: 50 },
    });
    cleanups.push(() => runner.stop());
    await runner.connected(10_000);

    const online = async () => {
      const res = await fetch(`${url}/api/tenants/default/runners`, {
        headers: { authorization: `Bearer ${admin}` },
      });
      const { items } = (await res.json()) as { items: Array<{ name: string; status: string }> };
      return items
        .filter((r) => r.status === 'online')
        .map((r) => r.name)
        .sort();
    };
    await until(async () => (await online()).length === 2, 10_000, 'both online');
    expect(await online()).toEqual(['local', 'second']);

    await edge.stop();
    edge = await startEdgeProcess(dataDir, env);
    await until(async () => (await online()).length === 2, 20_000, 'both back online');
    expect(await online()).toEqual(['local', 'second']);
    await runner.stop();
    await edge.stop();
  }, 90_000);
});
