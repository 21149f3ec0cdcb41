/**
 * The telemetry bench: intake throughput against a direct insert, and query latency over millions
 * of spans, both on the embedded ClickHouse (chDB behind the ClickHouse HTTP interface) that
 * `npm start` uses, migrated with the product's migrations, in a temporary data directory.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTelemetryClickHouse } from '../edge/src/node/clickhouse-client.ts';
import { benchIntake, type IntakePlan, type IntakeResult } from './telemetry-intake.ts';
import { benchQueries, type QueryPlan, type QueryResult } from './telemetry-queries.ts';

export type TelemetryBench = { intake: IntakeResult; queries: QueryResult };

export async function benchTelemetry(
  plan: { intake: IntakePlan; queries: QueryPlan },
  log: (line: string) => void,
): Promise<TelemetryBench> {
  const dataDir = await mkdtemp(join(tmpdir(), 'cameleer-bench-telemetry-'));
  const clickhouse = await createTelemetryClickHouse({ dataDir });
  try {
    log('Intake throughput (spans/s until ClickHouse holds them all):');
    const intake = await benchIntake(clickhouse.connection.url, plan.intake, log);
    log('Query latency:');
    const queries = await benchQueries(clickhouse.connection.url, plan.queries, log);
    return { intake, queries };
  } finally {
    await clickhouse.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
