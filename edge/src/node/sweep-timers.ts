import { runSweeps, type SweepDeps, scheduledSweeps } from '../services/sweeps.ts';

/** Node's clock for the scheduled sweeps: one interval each, `intervals` overriding a sweep's own period by name. */
export function startSweepTimers(deps: SweepDeps, intervals: Record<string, number> = {}): () => void {
  const timers = scheduledSweeps.map((sweep) => {
    const timer = setInterval(() => void runSweeps(deps, [sweep]), intervals[sweep.name] ?? sweep.everyMs);
    timer.unref();
    return timer;
  });
  return () => {
    for (const timer of timers) clearInterval(timer);
  };
}
