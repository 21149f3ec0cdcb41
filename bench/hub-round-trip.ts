import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Runner, registerRunner, silentLogger } from '@cameleer/runner';
import { CommandTimeline } from './command-latency.ts';
import type { EdgeApi } from './edge-api.ts';
import { percentile } from './load.ts';

export type HubRoundTripPlan = { commands: number; warmup: number; rounds: number };

/** POST until the runner sends its result; `answerP50Ms`: POST until the API's 202 (the command stored). */
export type RoundTrip = { samples: number; p50Ms: number; p95Ms: number; answerP50Ms: number };

export type HubRoundTrips = { workers: RoundTrip; node: RoundTrip };

/** One edge's runner: POST a no-op, wait for the runner's result, in ms on this process's clock. */
type Lane = { roundTrip(): Promise<Sample>; stop(): Promise<void> };

type Sample = { resultMs: number; answerMs: number };

const resultTimeoutMs = 15_000;

/**
 * No-op commands through the API to a real runner (in this process, as the Node tunnel bench runs it), one at
 * a time, on the Workers edge (Durable Object hub) and the Node edge (in-process hub) in alternating blocks,
 * so a busy spell on the shared machine hits both alike.
 */
export async function benchHubRoundTrips(
  workers: EdgeApi,
  node: EdgeApi,
  plan: HubRoundTripPlan,
): Promise<HubRoundTrips> {
  const lanes: Lane[] = [];
  try {
    const w = await startLane(workers);
    lanes.push(w);
    const n = await startLane(node);
    lanes.push(n);
    for (let i = 0; i < plan.warmup; i++) {
      await w.roundTrip();
      await n.roundTrip();
    }
    const samples = { workers: [] as Sample[], node: [] as Sample[] };
    const perRound = Math.ceil(plan.commands / plan.rounds);
    for (let r = 0; r < plan.rounds; r++) {
      for (let i = 0; i < perRound; i++) samples.workers.push(await w.roundTrip());
      for (let i = 0; i < perRound; i++) samples.node.push(await n.roundTrip());
    }
    return { workers: latency(samples.workers), node: latency(samples.node) };
  } finally {
    for (const lane of lanes) await lane.stop();
  }
}

async function startLane(api: EdgeApi): Promise<Lane> {
  const stateDir = await mkdtemp(join(tmpdir(), 'cameleer-bench-runner-'));
  const token = await api.registrationToken();
  const identity = await registerRunner({ edgeUrl: api.url, token, stateDir, name: 'bench' });
  const runner = new Runner({ stateDir, logger: silentLogger, capabilities: [] });
  const timeline = new CommandTimeline(runner);
  await runner.start();
  await runner.connected();
  return {
    roundTrip: async () => {
      const sentAt = performance.now();
      const id = await api.sendCommand(identity.runnerId, 'noop');
      const answeredAt = performance.now();
      const { resultAt } = await timeline.finished(id, resultTimeoutMs);
      return { resultMs: resultAt - sentAt, answerMs: answeredAt - sentAt };
    },
    stop: async () => {
      await runner.stop();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}

function latency(samples: Sample[]): RoundTrip {
  const sorted = samples.map((s) => s.resultMs).sort((a, b) => a - b);
  const answers = samples.map((s) => s.answerMs).sort((a, b) => a - b);
  return {
    samples: sorted.length,
    p50Ms: percentile(sorted, 0.5),
    p95Ms: percentile(sorted, 0.95),
    answerP50Ms: percentile(answers, 0.5),
  };
}
