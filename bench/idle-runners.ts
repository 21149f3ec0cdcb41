import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { tiers } from '@cameleer/shared';
import type { EdgeApi } from './edge-api.ts';
import { mapLimit, SimulatedRunner } from './simulated-runner.ts';
import type { EdgeMemory } from './tunnel-server-process.ts';

export type IdleRunnersPlan = { runners: number; concurrency: number };

export type IdleRunnersBench = {
  runners: number;
  registerSeconds: number;
  connectSeconds: number;
  before: EdgeMemory;
  after: EdgeMemory;
};

/** Let the connect burst settle (handshake buffers, pending hellos) before measuring what stays. */
const settleMs = 1_000;

/**
 * Memory the edge holds per idle connected runner: register N simulated runners, measure the edge
 * after a full GC, connect them all, wait, measure again. Registration happens before the first
 * measurement so that database growth from storing the runners does not count as connection cost.
 */
export async function benchIdleRunners(
  api: EdgeApi,
  memory: () => Promise<EdgeMemory>,
  plan: IdleRunnersPlan,
  progress: (line: string) => void,
): Promise<IdleRunnersBench> {
  const indexes = Array.from({ length: plan.runners }, (_, i) => i);
  // A tenant has at most 20 runners (high tier): the simulated fleet is spread over as many as it takes.
  const tenants = Array.from(
    { length: Math.ceil(plan.runners / tiers.high.limits.runners) },
    (_, i) => `sim${i}`,
  );
  // Made one after the other before the registrations race for them.
  for (const tenant of tenants) await api.benchTenantToken(tenant);
  let startedAt = performance.now();
  const runners = await mapLimit(indexes, plan.concurrency, (i) =>
    SimulatedRunner.register(api, `sim-${i}`, tenants[Math.floor(i / tiers.high.limits.runners)]),
  );
  const registerSeconds = (performance.now() - startedAt) / 1000;
  progress(`registered ${plan.runners} runners in ${registerSeconds.toFixed(1)} s`);
  try {
    const before = await memory();
    startedAt = performance.now();
    await mapLimit(runners, plan.concurrency, (runner) => runner.connect(api.url));
    const connectSeconds = (performance.now() - startedAt) / 1000;
    progress(`connected ${plan.runners} runners in ${connectSeconds.toFixed(1)} s`);
    await sleep(settleMs);
    const after = await memory();
    if (after.connectedRunners - before.connectedRunners !== plan.runners)
      throw new Error(
        `the edge holds ${after.connectedRunners - before.connectedRunners} new connections, expected ${plan.runners}`,
      );
    return { runners: plan.runners, registerSeconds, connectSeconds, before, after };
  } finally {
    for (const runner of runners) runner.close();
  }
}
