import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSigningKeyJwk } from '@cameleer/shared';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSampleJar, buildTestAgentJar } from '../../../runner/test/java-fixtures.ts';
import { stopAppsUnder } from '../../../runner/test/process-apps.ts';
import { runRunnerCli } from '../../../runner/test/runner-cli.ts';
import { adminToken, openTestDatabase } from '../../test/fixtures.ts';
import { startUpgradeBlockingProxy } from '../../test/http-proxies.ts';
import { startRealRunner, until } from '../../test/runners.ts';
import {
  databaseUrl,
  type Relay,
  startRelay,
  startWrangler,
  type Wrangler,
} from '../../test/wrangler-dev.ts';
import { bootstrap } from '../bootstrap.ts';
import { systemClock } from '../clock.ts';
import { withTenant } from '../db/client.ts';
import { commands } from '../db/schema/index.ts';
import type { Database } from '../node/database.ts';

const runnerBin = fileURLToPath(new URL('../../../runner/bin/cameleer-runner.js', import.meta.url));
const heartbeatMs = 1000;

type Command = { id: string; seq: number; state: string; output?: unknown };

/**
 * The tunnel on Workers: a real `cameleer-runner` process against `wrangler dev`, through one Durable
 * Object per runner. Timeouts are generous because a runner process takes seconds to start on a busy machine.
 */
describe('the runner tunnel through the Durable Object hub (wrangler dev, workerd)', {
  timeout: 60_000,
}, () => {
  let database: Database;
  let relay: Relay;
  let wrangler: Wrangler;
  let tenantId = '';
  const stateDirs: string[] = [];
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    database = await openTestDatabase('postgres');
    await bootstrap(database.db, systemClock, { adminToken, publicUrl: 'http://console.test' });
    relay = await startRelay();
    wrangler = await startWrangler({
      DATABASE_URL: await databaseUrl(database),
      CAMELEER_SESSION_KEY: JSON.stringify(await generateSigningKeyJwk()),
      CAMELEER_COMMAND_KEYS: JSON.stringify(await generateSigningKeyJwk()),
      // The runner downloads JARs through links signed for the public URL: this worker's own.
      CAMELEER_PUBLIC_URL: '{url}',
      CAMELEER_TUNNEL_HEARTBEAT_MS: String(heartbeatMs),
      NEON_WS_PROXY: `127.0.0.1:${relay.port}`,
      // wrangler.toml binds the R2 bucket, which needs its link key.
      CAMELEER_ARTIFACT_URL_KEY: Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString(
        'base64url',
      ),
    });
    tenantId = ((await (await api('')).json()) as { id: string }).id;
  }, 75_000);

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    for (const dir of stateDirs) stopAppsUnder(dir);
    await wrangler?.stop();
    await relay?.close();
    await database?.close();
    for (const dir of stateDirs) rmSync(dir, { recursive: true, force: true });
  });

  const api = (path: string, init: { method?: string; json?: unknown } = {}) =>
    fetch(`${wrangler.url}/api/tenants/default${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${adminToken}`,
        ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
      signal: AbortSignal.timeout(15_000),
    });
  const send = async (runnerId: string, payload: unknown): Promise<Command> => {
    const res = await api(`/runners/${runnerId}/commands`, {
      method: 'POST',
      json: { kind: 'echo', payload },
    });
    expect(res.status, await res.clone().text()).toBe(202);
    return (await res.json()) as Command;
  };
  const command = async (id: string) => (await (await api(`/commands/${id}`)).json()) as Command;
  const allDone = (ids: string[]) => async () =>
    (await Promise.all(ids.map(command))).every((c) => c.state === 'succeeded');

  /** `cameleer-runner register` with a one-time token made through the worker's API. */
  const register = async (name: string) => {
    const res = await api('/runner-tokens', { method: 'POST', json: {} });
    expect(res.status, await res.clone().text()).toBe(201);
    const { token } = (await res.json()) as { token: string };
    const stateDir = mkdtempSync(join(tmpdir(), 'cameleer-do-runner-'));
    stateDirs.push(stateDir);
    const run = await runRunnerCli(
      ['register', '--url', wrangler.url, '--token', token, '--name', name, '--state-dir', stateDir],
      { env: { ...process.env } },
    );
    expect(run.code, run.stderr).toBe(0);
    const list = (await (await api('/runners')).json()) as { items: Array<{ id: string; name: string }> };
    const runnerId = list.items.find((r) => r.name === name)?.id ?? '';
    return { runnerId, stateDir };
  };

  /** `cameleer-runner start` as its own process; `opened()` counts the tunnels it opened. */
  const start = (stateDir: string, env: Record<string, string> = {}) => {
    const child = spawn(process.execPath, [runnerBin, 'start', '--state-dir', stateDir], {
      env: { ...process.env, CAMELEER_ORCHESTRATOR: 'process', CAMELEER_FRONT_PORT: 'off', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return { child, exited, output: () => output, opened: () => output.split('tunnel open').length - 1 };
  };

  it('connects a real runner process through its object, runs commands, and keeps an idle socket open', async () => {
    const { runnerId, stateDir } = await register('on-workers');
    const runner = start(stateDir);
    const first = await send(runnerId, { n: 1 });
    await until(allDone([first.id]), 30_000, `the first result\n${runner.output()}\n${wrangler.output()}`);
    expect((await command(first.id)).output).toEqual({ n: 1 });
    const view = (await (await api(`/runners/${runnerId}`)).json()) as {
      transport: string;
      connectedAt: string;
    };
    expect(view).toMatchObject({ transport: 'websocket', connectedAt: expect.any(String) });
    // Online as the object's last-seen records show it (the stateless worker cannot ask the object).
    const status = async () =>
      ((await (await api(`/runners/${runnerId}`)).json()) as { status: string }).status;
    await expect.poll(status, { timeout: 10_000 }).toBe('online');

    // Three intervals of silence but for heartbeats: answered by the runtime's auto-response, not the object.
    await new Promise((resolve) => setTimeout(resolve, 3 * heartbeatMs));
    expect(runner.opened()).toBe(1);
    const second = await send(runnerId, { n: 2 });
    await until(allDone([second.id]), 10_000, 'the second result');
    expect(runner.opened()).toBe(1);

    // Killed and restarted: commands queued while it was away arrive on reconnect, in order.
    runner.child.kill('SIGKILL');
    await runner.exited;
    const queued: Command[] = [];
    for (let i = 0; i < 3; i++) queued.push(await send(runnerId, { queued: i }));
    expect((await command(queued[0]?.id ?? '')).state).toBe('queued');
    const back = start(stateDir);
    await until(allDone(queued.map((c) => c.id)), 30_000, `the queued results\n${back.output()}`);
    const rows = await withTenant(database.db, tenantId, (db) =>
      db.select().from(commands).where(eq(commands.runnerId, runnerId)).orderBy(asc(commands.seq)),
    );
    const finished = rows.slice(2).map((r) => r.finishedAt?.getTime() ?? 0);
    expect(finished).toEqual([...finished].sort((a, b) => a - b));

    // Revoked: the object drops the socket at once and the runner stops, saying why.
    const revoked = await api(`/runners/${runnerId}`, { method: 'DELETE' });
    expect(revoked.status).toBe(204);
    const code = await Promise.race([
      back.exited,
      new Promise((resolve) => setTimeout(resolve, 10_000, 'alive')),
    ]);
    expect(code, back.output()).toBe(2);
    expect(back.output()).toMatch(/revoked/);
  });

  it('delivers the same over long-poll when a proxy refuses the upgrade', async () => {
    const proxy = await startUpgradeBlockingProxy(wrangler.url);
    const { runner, runnerId } = await startRealRunner(proxy.url, adminToken, 'default', {
      name: 'behind-proxy',
    });
    try {
      await until(() => proxy.refusedUpgrades() >= 2, 10_000, 'two refused upgrades');
      const sent = [await send(runnerId, { p: 1 }), await send(runnerId, { p: 2 })];
      await until(allDone(sent.map((c) => c.id)), 15_000, `the long-poll results\n${wrangler.output()}`);
      expect((await command(sent[1]?.id ?? '')).output).toEqual({ p: 2 });
      const view = (await (await api(`/runners/${runnerId}`)).json()) as { transport: string };
      expect(view.transport).toBe('long-poll');
    } finally {
      await runner.stop();
      await proxy.close();
    }
  });

  it('deploys the sample app uploaded to the worker: its JAR from R2 through a signed link, run by a real runner', async () => {
    // Only the runner started here may be chosen: the others of this file are revoked or stopped.
    const others = (await (await api('/runners')).json()) as { items: Array<{ id: string; status: string }> };
    for (const r of others.items.filter((r) => r.status !== 'revoked'))
      expect((await api(`/runners/${r.id}`, { method: 'DELETE' })).status).toBe(204);
    const { runnerId, stateDir } = await register('deployer');
    const runner = start(stateDir, { CAMELEER_AGENT_JAR: await buildTestAgentJar() });
    const status = async () =>
      ((await (await api(`/runners/${runnerId}`)).json()) as { status: string }).status;
    await expect.poll(status, { timeout: 30_000 }).toBe('online');

    expect((await api('/apps', { method: 'POST', json: { name: 'orders' } })).status).toBe(201);
    const uploaded = await fetch(
      `${wrangler.url}/api/tenants/default/apps/orders/versions?filename=orders.jar`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/java-archive' },
        body: readFileSync(await buildSampleJar({ version: '1' })),
        signal: AbortSignal.timeout(30_000),
      },
    );
    expect(uploaded.status, await uploaded.clone().text()).toBe(201);
    const version = (await uploaded.json()) as { id: string };
    const created = await api('/apps/orders/deployments', {
      method: 'POST',
      json: { environment: 'dev', version: version.id },
    });
    expect(created.status, await created.clone().text()).toBe(202);
    const { id } = (await created.json()) as { id: string };
    const state = async () => ((await (await api(`/deployments/${id}`)).json()) as { state: string }).state;
    await expect.poll(state, { timeout: 90_000, interval: 500 }).toBe('RUNNING');
    expect(runner.output()).not.toMatch(/download failed/i);
  }, 150_000);
});
