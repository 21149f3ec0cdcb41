import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { benchStartup, startupReport } from './startup.ts';
import { benchCli, cliReport } from './startup-cli.ts';

/** `BENCH_ONLY=startup`: `npm start` until its banner, then the `cameleer` CLI, as a user runs them. */
export async function benchStartupPart(log: (line: string) => void): Promise<void> {
  const runs = { start: envRuns('BENCH_STARTUP_RUNS', 3), cli: envRuns('BENCH_CLI_RUNS', 7) };
  // Built once up front, as `npm install` does: the runs then measure starts, not the first build.
  execFileSync(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, '../scripts/build-entries.ts')],
    {
      stdio: 'ignore',
    },
  );
  log(
    `Start-up bench: ${runs.start} × (npm start on a fresh data dir, then again on it), until the sign-in link`,
  );
  log(`  load before: ${loadAverage()}`);
  log(startupReport(await benchStartup({ runs: runs.start }, log)));
  log(`CLI bench: ${runs.cli} rounds of cameleer status, logs -n 20 and traces against npm start`);
  log(cliReport(await benchCli({ runs: runs.cli }, log)));
  log(`  load after: ${loadAverage()}`);
}

function loadAverage(): string {
  return execFileSync('uptime', { encoding: 'utf8' }).trim();
}

function envRuns(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}
