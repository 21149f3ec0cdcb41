import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestClickHouse, type TestClickHouse } from '../../../../edge/test/clickhouse.ts';
import { sdkMetrics } from '../../../test/otlp/sdk-payloads.ts';
import { summaryRequest } from '../../../test/otlp/summary-payload.ts';
import { startBatch } from '../pipeline/batch.ts';
import { insertBatch } from '../pipeline/clickhouse-insert.ts';
import { type RowsByTable, type TelemetryScope, telemetryTables } from '../rows.ts';
import { decodeOtlp } from './decode.ts';

const scope: TelemetryScope = {
  tenantId: 'ten_stored',
  environment: 'dev',
  app: 'orders',
  deploymentId: 'dep_stored',
  retentionDays: 30,
};

let ch: TestClickHouse;
beforeAll(async () => {
  ch = await startTestClickHouse();
}, 60_000);
afterAll(() => ch?.close());

async function store(rows: RowsByTable) {
  for (const table of telemetryTables) {
    const tableRows = rows[table] ?? [];
    if (tableRows.length === 0) continue;
    const batch = startBatch(table);
    for (const row of tableRows) batch.chunks.push(`${JSON.stringify(row)}\n`);
    batch.rows = tableRows.length;
    await insertBatch(ch.client, batch);
  }
}

async function select<T>(query: string): Promise<T[]> {
  const result = await ch.client.query({
    query,
    query_params: { tenant: scope.tenantId },
    format: 'JSONEachRow',
  });
  return result.json<T>();
}

it('stores every kind of metric point in the table of its kind, with its owner', async () => {
  await store(decodeOtlp('metrics', 'protobuf', (await sdkMetrics('protobuf', {})).body, scope));
  await store(decodeOtlp('metrics', 'protobuf', summaryRequest('protobuf'), scope));
  const owned = 'TenantId = {tenant:String}';
  expect(await select(`SELECT MetricName, Value FROM otel_metrics_gauge WHERE ${owned}`)).toEqual([
    { MetricName: 'queue.depth', Value: 7 },
  ]);
  expect(await select(`SELECT MetricName, Value, IsMonotonic FROM otel_metrics_sum WHERE ${owned}`)).toEqual([
    { MetricName: 'exchanges', Value: 5, IsMonotonic: true },
  ]);
  expect(await select(`SELECT MetricName, Count, Sum FROM otel_metrics_histogram WHERE ${owned}`)).toEqual([
    { MetricName: 'latency', Count: 1, Sum: 12 },
  ]);
  const [exponential] = await select<Record<string, unknown>>(
    `SELECT MetricName, App, DeploymentId, Count, Sum, ZeroCount, Min, Max, Scale, PositiveOffset,
            arraySum(PositiveBucketCounts) AS positive, length(NegativeBucketCounts) AS negative
       FROM otel_metrics_exponential_histogram WHERE ${owned}`,
  );
  expect(exponential).toMatchObject({
    MetricName: 'payload.size',
    App: 'orders',
    DeploymentId: 'dep_stored',
    Count: 4,
    Sum: 543,
    ZeroCount: 1,
    Min: 0,
    Max: 500,
    positive: 3,
    negative: 0,
  });
  expect(
    await select(
      `SELECT MetricName, Count, Sum, ValueAtQuantiles.Quantile AS q, ValueAtQuantiles.Value AS v,
              toUnixTimestamp(TimeUnix) + RetentionDays * 86400 > now() AS kept
         FROM otel_metrics_summary WHERE ${owned}`,
    ),
  ).toEqual([
    { MetricName: 'http.server.requests', Count: 10, Sum: 2.5, q: [0.5, 0.99], v: [0.2, 0.9], kept: 1 },
  ]);
});
