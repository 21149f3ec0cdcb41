/**
 * Where the edge reads telemetry from: ClickHouse, over `@clickhouse/client` (Node),
 * `@clickhouse/client-web` (Workers) or chDB behind the same HTTP interface (embedded). Every
 * query is parameterised: values are bound by ClickHouse (`{name:Type}`), never spliced into SQL.
 */
import type { ClickHouseClient } from '@clickhouse/client-common';

export interface TelemetryStore {
  query<T>(sql: string, params: Record<string, unknown>): Promise<T[]>;
}

export function clickhouseTelemetryStore(client: Pick<ClickHouseClient, 'query'>): TelemetryStore {
  return {
    async query<T>(sql: string, params: Record<string, unknown>) {
      const result = await client.query({ query: sql, query_params: params, format: 'JSONEachRow' });
      return result.json<T>();
    },
  };
}
