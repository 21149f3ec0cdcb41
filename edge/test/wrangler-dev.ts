import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { WebSocketServer } from 'ws';
import { ensureConsoleBuilt } from '../../scripts/console-build.ts';
import type { Database } from '../src/node/database.ts';

/*
 * The edge in the real Workers runtime for tests: `wrangler dev` (workerd, with
 * Miniflare's local R2 and the scheduled-event route) in front of PostgreSQL,
 * reached through Neon's driver and a WebSocket-to-TCP relay.
 */

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The URL of the throw-away database, for the worker's own connection. */
export async function databaseUrl(database: Database): Promise<string> {
  const res = await database.db.execute<{ name: string }>(sql`select current_database() as name`);
  const name = (res as unknown as { rows: Array<{ name: string }> }).rows[0]?.name;
  const serverUrl = process.env.CAMELEER_TEST_PG_URL;
  if (!name || !serverUrl) throw new Error('no test database');
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export type Relay = { port: number; startups: string[]; close(): Promise<void> };

/** WebSocket to TCP, as Neon's proxy does, for loopback PostgreSQL only; keeps each connection's startup message. */
export async function startRelay(): Promise<Relay> {
  const startups: string[] = [];
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((ok) => wss.once('listening', ok));
  wss.on('connection', (ws, req) => {
    const address = new URL(req.url ?? '/', 'ws://relay').searchParams.get('address') ?? '';
    const [host, port] = address.split(':');
    if (host !== '127.0.0.1' && host !== 'localhost') return ws.close(1008, 'loopback only');
    const socket = tcpConnect(Number(port), host);
    let first = true;
    ws.on('message', (data: Buffer) => {
      if (first) startups.push(data.toString('latin1'));
      first = false;
      socket.write(data);
    });
    socket.on('data', (data) => ws.send(data));
    socket.on('close', () => ws.close());
    socket.on('error', () => ws.close());
    ws.on('close', () => socket.destroy());
  });
  const { port } = wss.address() as { port: number };
  return {
    port,
    startups,
    close: () =>
      new Promise<void>((ok) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => ok());
      }),
  };
}

export type Wrangler = {
  url: string;
  /** wrangler's process id, leader of the process group that holds workerd too. */
  pid: number;
  /** Where wrangler keeps the local R2 bucket and other state (`--persist-to`). */
  stateDir: string;
  output(): string;
  stop(): Promise<void>;
};

/** `wrangler dev` on the repo's wrangler.toml, from a temp dir holding the bindings and wrangler's state. */
export async function startWrangler(vars: Record<string, string>): Promise<Wrangler> {
  const dir = mkdtempSync(join(tmpdir(), 'cameleer-wrangler-'));
  await ensureConsoleBuilt({ quiet: true });
  const config = readFileSync(join(repoRoot, 'wrangler.toml'), 'utf8')
    .replace(/^main = .*$/m, `main = ${JSON.stringify(join(repoRoot, 'edge/src/worker.ts'))}`)
    .replace(/^directory = .*$/m, `directory = ${JSON.stringify(join(repoRoot, 'dashboard/dist'))}`)
    // `--test-scheduled` answers this path inside the worker; without this the console's assets would.
    .replace(/^run_worker_first = \[/m, 'run_worker_first = ["/__scheduled", ');
  writeFileSync(join(dir, 'wrangler.toml'), config);
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${port}`;
  writeFileSync(
    join(dir, '.dev.vars'),
    Object.entries(vars)
      // `{url}` in a value is where this worker listens (a public URL that runners must reach).
      .map(([k, v]) => `${k}='${v.replaceAll('{url}', url)}'`)
      .join('\n'),
    { mode: 0o600 },
  );
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(repoRoot, 'node_modules/wrangler/bin/wrangler.js'),
      'dev',
      '--config',
      join(dir, 'wrangler.toml'),
      '--local',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--inspector-port',
      String(inspectorPort),
      '--persist-to',
      join(dir, 'state'),
      '--show-interactive-dev-session=false',
      '--test-scheduled',
    ],
    {
      cwd: dir,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true', NO_COLOR: '1' },
    },
  );
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));

  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      process.kill(-child.pid, 'SIGTERM');
      const killed = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]);
      if (!killed) process.kill(-child.pid, 'SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };

  let lastAnswer = '';
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    // wrangler stays up after a failed build, waiting for an edit: give up at once instead.
    if (child.exitCode !== null || output.includes('Build failed')) break;
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200)
        return { url, pid: child.pid ?? 0, stateDir: join(dir, 'state'), stop, output: () => output };
      // Why it is not healthy (bad bindings answer a coded 500), for the error below.
      lastAnswer = `/healthz answered ${res.status}: ${(await res.text()).slice(0, 400)}`;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  await stop();
  throw new Error(`wrangler dev did not become healthy (${lastAnswer || 'no answer'}):\n${output}`);
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));
