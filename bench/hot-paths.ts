import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { registerRunner } from '@cameleer/runner';
import { withBenchEdge } from './bench-edge.ts';
import { benchCommandLatency, type CommandLatencyBench } from './command-latency.ts';
import type { EdgeApi } from './edge-api.ts';
import { type BenchPlan, benchForwardAuth, type ForwardAuthBench } from './forward-auth.ts';
import { benchSignatureCheck } from './hot-paths-signature.ts';
import { type LoadResult, median, percentile } from './load.ts';
import { cpuPath } from './server-process.ts';

export type HotPathsPlan = {
  forwardAuth: BenchPlan;
  commands: { commands: number; warmup: number; rounds: number };
};

/** Server CPU time per request (user + system, µs), median over rounds: what a request costs, however busy the machine. */
export type CpuPerRequest = { bare: number; verify: number };

export type CommandWrites = { samples: number; p50Ms: number; p99Ms: number; cpuPerPostMs: number };

export type HotPathsBench = {
  forwardAuth: ForwardAuthBench;
  forwardAuthCpu: CpuPerRequest;
  /** Read-only commands (`noop`): journaled on the runner without fsync. */
  replaySafe: CommandLatencyBench;
  /** `echo`: journaled with fsync before and after, as build, deploy, stop, restart and remove are. */
  durable: CommandLatencyBench;
  /** `POST …/commands` for a runner that is not connected: the write alone, and the edge's CPU per write. */
  writes: CommandWrites;
  /** One command signature check on the runner (Ed25519, `node:crypto`), p50 ms. */
  signatureCheckMs: number;
  /** 1-minute load average before and after, as a note on how busy the machine was. */
  load: { before: number; after: number };
};

type CpuUsage = { user: number; system: number };
const cpuOf = async (url: string): Promise<number> => {
  const res = await fetch(`${url}${cpuPath}`);
  const { user, system } = (await res.json()) as CpuUsage;
  return user + system;
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
  const cpu: Record<string, number[]> = { bare: [], verify: [] };
  let serverUrl = '';
  let startCpu = 0;
  const forwardAuth = await benchForwardAuth(
    plan.forwardAuth,
    async (name: string, r: LoadResult) => {
      const used = (await cpuOf(serverUrl)) - startCpu;
      cpu[name]?.push(used / r.requests);
      progress(
        `  ${name.padEnd(6)} ${r.requestsPerSecond.toFixed(0).padStart(8)} req/s  p50 ${r.p50Ms.toFixed(2)} ms  ` +
          `server CPU ${(used / r.requests).toFixed(1)} µs/request`,
      );
    },
    async (server) => {
      serverUrl = server.url;
      startCpu = await cpuOf(server.url);
    },
  );
  const forwardAuthCpu = { bare: median(cpu.bare ?? []), verify: median(cpu.verify ?? []) };
  const { replaySafe, durable, writes } = await benchCommands(plan.commands);
  progress(`  ${replaySafe.result.samples} noop and ${durable.result.samples} echo commands measured`);
  const signatureCheckMs = await benchSignatureCheck();
  return {
    signatureCheckMs,
    forwardAuth,
    forwardAuthCpu,
    replaySafe,
    durable,
    writes,
    load: { before, after: loadavg()[0] ?? 0 },
  };
}

async function benchCommands(plan: HotPathsPlan['commands']) {
  return withBenchEdge(async (api, server) => {
    const durable = await benchCommandLatency(api, server, { ...plan, kind: 'echo', stopRecording: false });
    const replaySafe = await benchCommandLatency(api, server, { ...plan, kind: 'noop' });
    const writes = await benchWrites(api, plan);
    return { replaySafe, durable, writes };
  });
}

/** Commands for a registered runner that never connects: nothing but the write runs in the edge. */
async function benchWrites(api: EdgeApi, plan: HotPathsPlan['commands']): Promise<CommandWrites> {
  const stateDir = await mkdtemp(join(tmpdir(), 'cameleer-bench-runner-'));
  try {
    const token = await api.registrationToken();
    const { runnerId } = await registerRunner({ edgeUrl: api.url, token, stateDir, name: 'offline' });
    for (let i = 0; i < plan.warmup; i++) await api.sendCommand(runnerId, 'noop');
    const latencies: number[] = [];
    const cpuBefore = await cpuOf(api.url);
    for (let i = 0; i < plan.commands; i++) {
      const sentAt = performance.now();
      await api.sendCommand(runnerId, 'noop');
      latencies.push(performance.now() - sentAt);
    }
    const cpuPerPostMs = ((await cpuOf(api.url)) - cpuBefore) / plan.commands / 1000;
    latencies.sort((a, b) => a - b);
    return {
      samples: latencies.length,
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      cpuPerPostMs,
    };
  } finally {
    await rm(stateDir, { recursive: true, force: true });
  }
}
