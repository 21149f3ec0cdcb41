import { setTimeout as sleep } from 'node:timers/promises';
import type { EdgeApi } from './edge-api.ts';
import { type ProcessUsage, processUsage } from './process-usage.ts';
import { SimulatedRunner } from './simulated-runner.ts';

export type WorkerdIdlePlan = { runners: number; windowSeconds: number };

export type WorkerdIdle = {
  runners: number;
  windowSeconds: number;
  /** workerd's RSS before and after the runners connected. */
  rssBeforeBytes: number;
  rssAfterBytes: number;
  /** workerd's CPU time over an idle window without, then with, the runners connected. */
  cpuWithoutMs: number;
  cpuWithMs: number;
};

const settleMs = 1_000;

/**
 * What local workerd spends on idle connected runners, as far as the OS sees it: its resident memory and CPU
 * time, without and then with N simulated runners holding their Durable Objects' sockets open. Registration
 * happens first, so database work is not counted. An approximation of one local workerd, not Cloudflare's billing.
 */
export async function benchWorkerdIdle(
  api: EdgeApi,
  workerdPid: number,
  plan: WorkerdIdlePlan,
): Promise<WorkerdIdle> {
  const runners: SimulatedRunner[] = [];
  for (let i = 0; i < plan.runners; i++) runners.push(await SimulatedRunner.register(api, `idle-${i}`));
  try {
    await sleep(settleMs);
    const without = await idleWindow(workerdPid, plan.windowSeconds);
    for (const runner of runners) await runner.connect(api.url);
    await sleep(settleMs);
    const withRunners = await idleWindow(workerdPid, plan.windowSeconds);
    return {
      runners: plan.runners,
      windowSeconds: plan.windowSeconds,
      rssBeforeBytes: without.start.rssBytes,
      rssAfterBytes: withRunners.start.rssBytes,
      cpuWithoutMs: without.end.cpuMs - without.start.cpuMs,
      cpuWithMs: withRunners.end.cpuMs - withRunners.start.cpuMs,
    };
  } finally {
    for (const runner of runners) runner.close();
  }
}

async function idleWindow(pid: number, seconds: number): Promise<{ start: ProcessUsage; end: ProcessUsage }> {
  const start = await processUsage(pid);
  await sleep(seconds * 1000);
  return { start, end: await processUsage(pid) };
}
