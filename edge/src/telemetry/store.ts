/**
 * Where the edge reads telemetry from: ClickHouse, over `@clickhouse/client` (Node),
 * `@clickhouse/client-web` (Workers) or chDB behind the same HTTP interface (embedded). Every
 * query is parameterised: values are bound by ClickHouse (`{name:Type}`), never spliced into SQL.
 */

export interface TelemetryStore {
  query<T>(sql: string, params: Record<string, unknown>): Promise<T[]>;
}

/** What the store needs of a ClickHouse client; `@clickhouse/client` and `@clickhouse/client-web` both fit. */
export type QueryClient = {
  query(params: {
    query: string;
    query_params: Record<string, unknown>;
    format: 'JSONEachRow';
  }): Promise<{ json<T>(): Promise<T[]> }>;
};

export function clickhouseTelemetryStore(client: QueryClient): TelemetryStore {
  return {
    async query<T>(sql: string, params: Record<string, unknown>) {
      const result = await client.query({ query: sql, query_params: params, format: 'JSONEachRow' });
      return result.json<T>();
    },
  };
}
