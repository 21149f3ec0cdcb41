import { randomUUID } from 'node:crypto';
import type { TestClickHouse } from '../../../edge/test/clickhouse.ts';

/** A tenant id of its own per test, so counts see only that test's rows. */
export const testTenant = () => `ten_${randomUUID().replaceAll('-', '').slice(0, 26)}`;

/**
 * What ClickHouse holds of a tenant: spans, distinct span ids, errors, and the failed spans the
 * trace-errors view took (a view fed per span: a lost or doubled block shows in it).
 */
export async function storedSpans(ch: Pick<TestClickHouse, 'client'>, tenantId: string) {
  const query = async (sql: string) => {
    const result = await ch.client.query({ query: sql, query_params: { tenantId }, format: 'JSONEachRow' });
    const [row] = await result.json<Record<string, string | number>>();
    return row ?? {};
  };
  const spans = await query(
    "SELECT count() AS spans, uniqExact(SpanId) AS ids, countIf(StatusCode = 'Error') AS errors FROM otel_traces WHERE TenantId = {tenantId:String}",
  );
  const failed = await query(
    'SELECT count() AS failures FROM otel_traces_errors WHERE TenantId = {tenantId:String}',
  );
  // UInt64 comes back as a string from a ClickHouse server and as a number from chDB.
  return {
    spans: Number(spans.spans),
    ids: Number(spans.ids),
    errors: Number(spans.errors),
    failures: Number(failed.failures),
  };
}
