import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import {
  estimatedSpoolBytesPerRecord,
  minimumSpoolHours,
  parsePipelineTuning,
  spoolHours,
} from '../telemetry/pipeline/index.ts';
import { telemetryConfigFromEnv } from '../telemetry/telemetry-config.ts';
import type { CheckResult } from './doctor-checks.ts';

/** Whether apps' telemetry has somewhere to go, and whether the spool lasts a day of ClickHouse being away. */
export async function checkTelemetry(env: NodeJS.ProcessEnv): Promise<CheckResult[]> {
  let config: ReturnType<typeof telemetryConfigFromEnv>;
  try {
    config = telemetryConfigFromEnv(env);
  } catch (err) {
    return [{ name: 'telemetry', status: 'fail', message: (err as Error).message }];
  }
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
  const tuning = parsePipelineTuning(config.tuning);
  const hours = spoolHours(tuning.spoolBytes, tuning.ratePerSecond, estimatedSpoolBytesPerRecord);
  const sized = `the spool (${(tuning.spoolBytes / 2 ** 30).toFixed(1)} GiB) holds about ${Math.floor(hours)} h at ${tuning.ratePerSecond} records/s`;
  results.push(
    hours >= minimumSpoolHours
      ? { name: 'telemetry spool', status: 'ok', message: sized }
      : {
          name: 'telemetry spool',
          status: 'warn',
          message: `${sized}: less than ${minimumSpoolHours} h; raise CAMELEER_TELEMETRY_SPOOL_BYTES`,
        },
  );
  return results;
}
