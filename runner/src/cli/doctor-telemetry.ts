import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { isProcessAlive, type RunnerStatus, type TelemetryStatus } from '../state/status-file.ts';
import {
  estimatedSpoolBytesPerRecord,
  minimumSpoolHours,
  type PipelineTuning,
  parsePipelineTuning,
  pipelineTuningFromEnv,
  spoolHours,
} from '../telemetry/pipeline/index.ts';
import { telemetryConfigFromEnv } from '../telemetry/telemetry-config.ts';
import type { CheckResult } from './doctor-checks.ts';

/**
 * Whether apps' telemetry has somewhere to go, and whether the spool lasts a day of ClickHouse being
 * away. The environment names the ClickHouse of a runner started from this shell; a runner that
 * runs already (the local runner of `npm start`, given the embedded chDB's URL by the edge, not by
 * the environment) says in its status file where its telemetry goes and whether that answers.
 */
export async function checkTelemetry(
  env: NodeJS.ProcessEnv,
  runnerStatus?: RunnerStatus,
): Promise<CheckResult[]> {
  let config: ReturnType<typeof telemetryConfigFromEnv>;
  try {
    config = telemetryConfigFromEnv(env);
  } catch (err) {
    return [{ name: 'telemetry', status: 'fail', message: (err as Error).message }];
  }
  const running = runnerStatus?.running && isProcessAlive(runnerStatus.pid) ? runnerStatus : undefined;
  if (!config && running?.telemetry) return runningRunnerTelemetry(running.pid, running.telemetry, env);
  if (!config) {
    return [
      {
        name: 'telemetry',
        status: 'warn',
        message: 'CAMELEER_CLICKHOUSE_URL is not set: apps run without stored logs, traces and metrics',
      },
    ];
  }
  const where = new URL(config.clickhouse.url);
  where.password = '';
  const client = createClient({
    ...config.clickhouse,
    request_timeout: 10_000,
    log: { level: ClickHouseLogLevel.OFF },
  });
  const results: CheckResult[] = [];
  try {
    const ping = await client.ping();
    results.push(
      ping.success
        ? { name: 'telemetry', status: 'ok', message: `ClickHouse answers at ${where.origin}` }
        : {
            name: 'telemetry',
            status: 'fail',
            message: `cannot reach ClickHouse at ${where.origin} (${String(ping.error.message)}): apps' telemetry waits in the spool until it answers`,
          },
    );
  } finally {
    await client.close();
  }
  results.push(spoolCheck(parsePipelineTuning(config.tuning)));
  return results;
}

/** What the running runner reports: it pings ClickHouse with every batch, with its own credentials. */
function runningRunnerTelemetry(pid: number, t: TelemetryStatus, env: NodeJS.ProcessEnv): CheckResult[] {
  const where = t.clickhouseUrl ?? 'its ClickHouse';
  const telemetry: CheckResult =
    t.clickhouse === 'up'
      ? {
          name: 'telemetry',
          status: 'ok',
          message: `the running runner (pid ${pid}) stores telemetry in ClickHouse at ${where}, up`,
        }
      : {
          name: 'telemetry',
          status: 'fail',
          message: `the running runner (pid ${pid}) cannot reach ClickHouse at ${where}: apps' telemetry waits in the spool until it answers`,
        };
  try {
    // The rate is this shell's guess (CAMELEER_TELEMETRY_RATE); the budget is the runner's own.
    const tuning = parsePipelineTuning({ ...pipelineTuningFromEnv(env), spoolBytes: t.spool.budgetBytes });
    return [telemetry, spoolCheck(tuning)];
  } catch (err) {
    return [telemetry, { name: 'telemetry spool', status: 'fail', message: (err as Error).message }];
  }
}

function spoolCheck(tuning: PipelineTuning): CheckResult {
  const hours = spoolHours(tuning.spoolBytes, tuning.ratePerSecond, estimatedSpoolBytesPerRecord);
  const sized = `the spool (${(tuning.spoolBytes / 2 ** 30).toFixed(1)} GiB) holds about ${Math.floor(hours)} h at ${tuning.ratePerSecond} records/s`;
  return hours >= minimumSpoolHours
    ? { name: 'telemetry spool', status: 'ok', message: sized }
    : {
        name: 'telemetry spool',
        status: 'warn',
        message: `${sized}: less than ${minimumSpoolHours} h; raise CAMELEER_TELEMETRY_SPOOL_BYTES`,
      };
}
