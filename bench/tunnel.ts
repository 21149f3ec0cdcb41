import { execFileSync } from 'node:child_process';
import { withBenchEdge } from './bench-edge.ts';
import { benchCommandLatency, type CommandLatencyBench, type LatencyPlan } from './command-latency.ts';
import { benchIdleRunners, type IdleRunnersBench, type IdleRunnersPlan } from './idle-runners.ts';

export type TunnelPlan = { latency: LatencyPlan; idle: IdleRunnersPlan };

export type TunnelBench = { latency: CommandLatencyBench; idle: IdleRunnersBench };

/** Sockets each process holds besides the runners' (database, logs, the bench's own). */
const fdHeadroom = 256;

/**
 * Both tunnel benches against one real edge in a child process (embedded PGlite, no local runner):
 * command round trips first, then idle runners, so the edge's tunnel code is warm when memory is measured.
 */
export async function benchTunnel(plan: TunnelPlan, progress: (line: string) => void): Promise<TunnelBench> {
  assertFileLimit(plan.idle.runners + fdHeadroom);
  return withBenchEdge(async (api, server) => {
    const latency = await benchCommandLatency(api, server, plan.latency);
    progress(
      `  ${latency.result.samples} no-op commands and ${latency.echo.samples} ws echoes measured, alternating blocks`,
    );
    const idle = await benchIdleRunners(api, server.memory, plan.idle, (line) => progress(`  ${line}`));
    return { latency, idle };
  });
}

/** The edge and this process each hold one socket per runner; both inherit this process's limit. */
function assertFileLimit(needed: number): void {
  const limit = Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
  if (Number.isFinite(limit) && limit < needed)
    throw new Error(
      `open-file limit is ${limit}, the idle-runner bench needs ${needed} per process: ` +
        `raise it (ulimit -n ${Math.max(2048, needed)}) or lower BENCH_RUNNERS`,
    );
}
