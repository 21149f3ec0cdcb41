import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { check, fmt } from './format.ts';
import { freePort, median, timeProcess } from './startup-process.ts';
import { recordTarget } from './targets.ts';

const root = join(import.meta.dirname, '..');
const banner = /auth\/login\?ticket=\S+/;
export const startupTargets = { freshMs: 5_000, restartMs: 2_000 };

export type StartupBench = { fresh: number[]; restart: number[]; nodeFloor: number[] };

/**
 * `npm start` as a user runs it, until the one-time sign-in link of the banner: from an empty data
 * directory, then again on the same one (a restart), `runs` times each, with the local runner as
 * by default. Bare `node -e 0` is timed beside it, the floor any start pays on this machine now.
 */
export async function benchStartup(
  plan: { runs: number },
  log: (line: string) => void,
): Promise<StartupBench> {
  const result: StartupBench = { fresh: [], restart: [], nodeFloor: [] };
  for (let i = 0; i < plan.runs; i++) {
    const dataDir = mkdtempSync(join(tmpdir(), 'cameleer-bench-start-'));
    try {
      // One port for both starts, as a user's `npm start` keeps 8080: on another port the local
      // runner registers again (its edge moved), which a user's restart does not do.
      const env = { PORT: String(await freePort()), CAMELEER_DATA_DIR: dataDir };
      const start = () => timeProcess('npm', ['start'], { cwd: root, env, until: banner });
      const fresh = await start();
      const restart = await start();
      const floor = await timeProcess(process.execPath, ['-e', '0'], { cwd: root, env: {} });
      result.fresh.push(fresh.ms);
      result.restart.push(restart.ms);
      result.nodeFloor.push(floor.ms);
      log(
        `  run ${i + 1}: fresh ${fmt(fresh.ms, 0)} ms, restart ${fmt(restart.ms, 0)} ms, node -e 0 ${fmt(floor.ms, 0)} ms`,
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return result;
}

export function startupReport(r: StartupBench): string {
  const fresh = median(r.fresh);
  const restart = median(r.restart);
  const freshMet = fresh <= startupTargets.freshMs;
  const restartMet = restart <= startupTargets.restartMs;
  recordTarget({
    where: '`npm start`, fresh data dir / restart',
    now: `${fmt(fresh / 1000, 1)} s / ${fmt(restart / 1000, 1)} s`,
    target: '≤ 5 s / ≤ 2 s',
    met: freshMet && restartMet,
  });
  return [
    '',
    `Medians over ${r.fresh.length} runs (until the sign-in link is printed):`,
    check('npm start, fresh data dir', `${fmt(fresh, 0)} ms`, `≤ ${startupTargets.freshMs} ms`, freshMet),
    check('npm start, restart', `${fmt(restart, 0)} ms`, `≤ ${startupTargets.restartMs} ms`, restartMet),
    `  (node -e 0 on this machine now: ${fmt(median(r.nodeFloor), 0)} ms)`,
    '',
  ].join('\n');
}
