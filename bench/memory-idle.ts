/**
 * Memory of the embedded default as `npm start` runs it (the edge with PGlite, its local runner and
 * the embedded ClickHouse child), idle with one app deployed: the sample app through the public API,
 * as a user would. Measured after a settle period, once on the fresh data directory and once after a
 * restart on it (the state a long-running install lives in). RSS and PSS from /proc/PID/smaps_rollup,
 * of the edge and of the ClickHouse child; the deployed app's own container is not counted. The row is
 * RSS: on a shared machine PSS splits libchdb.so's pages with other engineers' chDB processes, which a
 * user's machine does not have, so PSS would flatter it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export type ProcessMemory = { rssBytes: number; pssBytes: number };
export type EdgeMemory = { edge: ProcessMemory; clickhouse: ProcessMemory };
export type MemoryIdleResult = { fresh: EdgeMemory; restarted: EdgeMemory };
export type MemoryIdlePlan = { settleSeconds: number };

const edgeEntry = fileURLToPath(new URL('../edge/src/node.ts', import.meta.url));
const deployTimeoutMs = 300_000;

export async function benchMemoryIdle(
  plan: MemoryIdlePlan,
  log: (line: string) => void,
): Promise<MemoryIdleResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'cameleer-bench-memory-'));
  const token = `cmlr_${randomBytes(24).toString('hex')}`;
  let edge = await startEdge(dataDir, token);
  let deployed = false;
  try {
    log('  edge started on a fresh data directory; deploying the sample app');
    await deploySample(edge.url, token);
    deployed = true;
    log(`  sample app RUNNING; settling ${plan.settleSeconds} s`);
    await new Promise((r) => setTimeout(r, plan.settleSeconds * 1000));
    const fresh = await edgeMemory(edge);
    log(`  fresh:     ${describe(fresh)}`);
    await edge.stop();
    edge = await startEdge(dataDir, token);
    log(`  restarted on the same data directory; settling ${plan.settleSeconds} s`);
    await new Promise((r) => setTimeout(r, plan.settleSeconds * 1000));
    const restarted = await edgeMemory(edge);
    log(`  restarted: ${describe(restarted)}`);
    return { fresh, restarted };
  } finally {
    if (deployed) await api(edge.url, token, 'DELETE', '/apps/orders').catch(() => undefined);
    await edge.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

export const mib = (bytes: number) => bytes / 1024 / 1024;
export const totalPss = (m: EdgeMemory) => m.edge.pssBytes + m.clickhouse.pssBytes;
export const totalRss = (m: EdgeMemory) => m.edge.rssBytes + m.clickhouse.rssBytes;
const describe = (m: EdgeMemory) =>
  `edge PSS ${mib(m.edge.pssBytes).toFixed(0)} MiB (RSS ${mib(m.edge.rssBytes).toFixed(0)}), ` +
  `ClickHouse PSS ${mib(m.clickhouse.pssBytes).toFixed(0)} MiB (RSS ${mib(m.clickhouse.rssBytes).toFixed(0)})`;

type Edge = { url: string; child: ChildProcess; stop(): Promise<void> };

/** `npm start` without its console build (the console is built once, and its size is not the edge's memory). */
async function startEdge(dataDir: string, adminToken: string): Promise<Edge> {
  const child = spawn(process.execPath, ['--import', 'tsx', edgeEntry], {
    env: { ...process.env, CAMELEER_DATA_DIR: dataDir, PORT: '0', CAMELEER_ADMIN_TOKEN: adminToken },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  let tail = '';
  child.stderr?.on('data', (d) => {
    tail = (tail + d).slice(-4096);
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the edge did not start in 120 s:\n${tail}`)), 120_000);
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      const m = /Cameleer is running at (http:\/\/\S+)/.exec(line);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the edge exited (${code}):\n${tail}`));
    });
  }).catch(async (err: unknown) => {
    await stop();
    throw err;
  });
  return { url, child, stop };
}

async function api<T>(url: string, token: string, method: string, path: string, body?: unknown): Promise<T> {
  const binary = body instanceof Uint8Array;
  const res = await fetch(`${url}/api/tenants/default${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined
        ? {}
        : { 'content-type': binary ? 'application/java-archive' : 'application/json' }),
    },
    body: body === undefined ? undefined : binary ? (body as Uint8Array<ArrayBuffer>) : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json().catch(() => ({}))) as T;
}

async function deploySample(url: string, token: string): Promise<void> {
  const jarRes = await fetch(`${url}/samples/cameleer-sample-1.jar`);
  if (!jarRes.ok) throw new Error(`the sample app: HTTP ${jarRes.status}`);
  const jar = new Uint8Array(await jarRes.arrayBuffer());
  await api(url, token, 'POST', '/apps', { name: 'orders' });
  await api(url, token, 'POST', '/apps/orders/versions?label=1', jar);
  const created = await api<{ id: string }>(url, token, 'POST', '/apps/orders/deployments', {
    environment: 'dev',
    version: '1',
  });
  const deadline = Date.now() + deployTimeoutMs;
  for (;;) {
    const d = await api<{ state: string; reason?: string }>(url, token, 'GET', `/deployments/${created.id}`);
    if (d.state === 'RUNNING') return;
    if (d.state === 'FAILED') throw new Error(`the sample app's deployment failed: ${d.reason}`);
    if (Date.now() > deadline)
      throw new Error(`the sample app was not RUNNING within ${deployTimeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function edgeMemory(edge: Edge): Promise<EdgeMemory> {
  const pid = edge.child.pid;
  if (pid === undefined) throw new Error('the edge has no pid');
  return { edge: await processMemory(pid), clickhouse: await processMemory(await chdbChild(pid)) };
}

/** The embedded ClickHouse: the edge's child running chdb-server-main. */
async function chdbChild(edgePid: number): Promise<number> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (parent !== edgePid) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes('chdb-server-main')) return Number(entry);
  }
  throw new Error(`no embedded ClickHouse child of process ${edgePid}`);
}

export async function processMemory(pid: number): Promise<ProcessMemory> {
  const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kib = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(rollup)?.[1] ?? Number.NaN);
  return { rssBytes: kib('Rss') * 1024, pssBytes: kib('Pss') * 1024 };
}
