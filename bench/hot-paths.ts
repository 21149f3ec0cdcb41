import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchCommandLatency, type CommandLatencyBench } from './command-latency.ts';
import { EdgeApi } from './edge-api.ts';
import { type BenchPlan, benchForwardAuth, type ForwardAuthBench } from './forward-auth.ts';
import type { LoadResult } from './load.ts';
import { spawnTunnelServer } from './tunnel-server-process.ts';

export type HotPathsPlan = {
  forwardAuth: BenchPlan;
  commands: { commands: number; warmup: number; rounds: number };
};

export type HotPathsBench = {
  forwardAuth: ForwardAuthBench;
  /** Read-only commands (`noop`): journaled on the runner without fsync. */
  replaySafe: CommandLatencyBench;
  /** `echo`: journaled with fsync before and after, as build, deploy, stop, restart and remove are. */
  durable: CommandLatencyBench;
  /** 1-minute load average before and after, as a note on how busy the machine was. */
  load: { before: number; after: number };
};

/**
 * The issue 17 rows this part owns: ForwardAuth against a bare route of the same edge, then the
 * command API write and the tunnel hop for a read-only command and for a durably journaled one,
 * each against a raw `ws` echo measured in alternating blocks within the same run.
 */
export async function benchHotPaths(
  plan: HotPathsPlan,
  progress: (line: string) => void,
): Promise<HotPathsBench> {
  const before = loadavg()[0] ?? 0;
  const onRound = (name: string, r: LoadResult) =>
    progress(
      `  ${name.padEnd(6)} ${r.requestsPerSecond.toFixed(0).padStart(8)} req/s  p50 ${r.p50Ms.toFixed(2)} ms`,
    );
  const forwardAuth = await benchForwardAuth(plan.forwardAuth, onRound);
  const { replaySafe, durable } = await benchCommandKinds(plan.commands);
  progress(`  ${replaySafe.result.samples} noop and ${durable.result.samples} echo commands measured`);
  return { forwardAuth, replaySafe, durable, load: { before, after: loadavg()[0] ?? 0 } };
}

async function benchCommandKinds(plan: HotPathsPlan['commands']) {
  const dataDir = await mkdtemp(join(tmpdir(), 'cameleer-bench-'));
  const adminToken = randomBytes(24).toString('base64url');
  const server = await spawnTunnelServer({
    CAMELEER_DATA_DIR: dataDir,
    PORT: '0',
    CAMELEER_ADMIN_TOKEN: adminToken,
    CAMELEER_LOCAL_RUNNER: 'false',
  }).catch(async (err: unknown) => {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  });
  try {
    const api = new EdgeApi(server.url, adminToken);
    const durable = await benchCommandLatency(api, server, { ...plan, kind: 'echo', stopRecording: false });
    const replaySafe = await benchCommandLatency(api, server, { ...plan, kind: 'noop' });
    return { replaySafe, durable };
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
