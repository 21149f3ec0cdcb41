/**
 * Rows as they are inserted into ClickHouse (`migrations/clickhouse/`), one type per table. Field
 * names are the column names. Times are UTC strings `YYYY-MM-DD HH:MM:SS.nnnnnnnnn` (DateTime64(9));
 * maps are plain objects of strings. Who a row belongs to comes from the agent's token (see
 * `TelemetryScope`), never from the payload.
 */

/** Who a record belongs to; stamped on every row by the intake. */
export type TelemetryScope = {
  tenantId: string;
  environment: string;
  app: string;
  deploymentId: string;
  /** The tenant tier's retention: rows expire this many days after their timestamp. */
  retentionDays: number;
};

export type Attributes = Record<string, string>;

type Owned = {
  TenantId: string;
  Environment: string;
  App: string;
  DeploymentId: string;
  RetentionDays: number;
};

export type SpanRow = Owned & {
  Timestamp: string;
  TraceId: string;
  SpanId: string;
  ParentSpanId: string;
  TraceState: string;
  SpanName: string;
  /** 'Unspecified' | 'Internal' | 'Server' | 'Client' | 'Producer' | 'Consumer' (the exporter's spelling). */
  SpanKind: string;
  ServiceName: string;
  ResourceAttributes: Attributes;
  ScopeName: string;
  ScopeVersion: string;
  SpanAttributes: Attributes;
  /** Nanoseconds. */
  Duration: number;
  /** 'Unset' | 'Ok' | 'Error'. */
  StatusCode: string;
  StatusMessage: string;
  'Events.Timestamp': string[];
  'Events.Name': string[];
  'Events.Attributes': Attributes[];
  'Links.TraceId': string[];
  'Links.SpanId': string[];
  'Links.TraceState': string[];
  'Links.Attributes': Attributes[];
};

export type LogRow = Owned & {
  Timestamp: string;
  TraceId: string;
  SpanId: string;
  TraceFlags: number;
  SeverityText: string;
  SeverityNumber: number;
  ServiceName: string;
  Body: string;
  ResourceSchemaUrl: string;
  ResourceAttributes: Attributes;
  ScopeSchemaUrl: string;
  /** 'cameleer.stdout' / 'cameleer.stderr' for captured container output. */
  ScopeName: string;
  ScopeVersion: string;
  ScopeAttributes: Attributes;
  LogAttributes: Attributes;
};

type MetricPoint = Owned & {
  ResourceAttributes: Attributes;
  ResourceSchemaUrl: string;
  ScopeName: string;
  ScopeVersion: string;
  ScopeAttributes: Attributes;
  ScopeDroppedAttrCount: number;
  ScopeSchemaUrl: string;
  ServiceName: string;
  MetricName: string;
  MetricDescription: string;
  MetricUnit: string;
  Attributes: Attributes;
  StartTimeUnix: string;
  TimeUnix: string;
  Flags: number;
};

export type GaugeRow = MetricPoint & { Value: number };

export type SumRow = MetricPoint & { Value: number; AggregationTemporality: number; IsMonotonic: boolean };

export type HistogramRow = MetricPoint & {
  Count: number;
  Sum: number;
  BucketCounts: number[];
  ExplicitBounds: number[];
  Min: number;
  Max: number;
  AggregationTemporality: number;
};

export type ExponentialHistogramRow = MetricPoint & {
  Count: number;
  Sum: number;
  Scale: number;
  ZeroCount: number;
  PositiveOffset: number;
  PositiveBucketCounts: number[];
  NegativeOffset: number;
  NegativeBucketCounts: number[];
  Min: number;
  Max: number;
  AggregationTemporality: number;
};

export type SummaryRow = MetricPoint & {
  Count: number;
  Sum: number;
  'ValueAtQuantiles.Quantile': number[];
  'ValueAtQuantiles.Value': number[];
};

/**
 * One step of a Camel exchange, resolved by the runner from the spans' parent links: an exchange of
 * a route (`route`), a call from a route to an endpoint (`edge`) or the time in one processor
 * (`processor`). Routes are keyed by their `from` endpoint URI without its options.
 */
export type CamelHopRow = Owned & {
  /** The span's start. */
  Timestamp: string;
  TraceId: string;
  SpanId: string;
  /** 'route' | 'edge' | 'processor'. */
  Hop: string;
  /** The route's `from` URI without options; '' when the route was never seen (an orphan flushed). */
  Route: string;
  /** The route's id when the data tells it for this route, else ''. */
  RouteId: string;
  /** Edge: the endpoint called; processor: the processor's name; route: ''. */
  Target: string;
  /** Who emitted the spans: 'camel-telemetry' (camel-opentelemetry2), 'camel-tracing' (v1) or 'java-agent'. */
  Shape: string;
  /** Nanoseconds. */
  Duration: number;
  Failed: number;
};

/** A failed exchange as its agent captured it, already redacted (`shared/src/failed-exchanges.ts`). */
export type FailedExchangeRow = Owned & {
  Timestamp: string;
  ExchangeId: string;
  RouteId: string;
  FromUri: string;
  FailedEndpoint: string;
  ExceptionType: string;
  ExceptionMessage: string;
  StackTrace: string;
  Headers: Attributes;
  HeadersTruncated: number;
  Body: string;
  BodyTruncated: number;
  BodySize: number;
  Redactions: number;
  TraceId: string;
  SpanId: string;
  ReplayOf: string;
};

export type TableRows = {
  otel_traces: SpanRow;
  camel_hops: CamelHopRow;
  otel_logs: LogRow;
  otel_metrics_gauge: GaugeRow;
  otel_metrics_sum: SumRow;
  otel_metrics_histogram: HistogramRow;
  otel_metrics_exponential_histogram: ExponentialHistogramRow;
  otel_metrics_summary: SummaryRow;
  failed_exchanges: FailedExchangeRow;
};

export type TelemetryTable = keyof TableRows;

export const telemetryTables = [
  'otel_traces',
  'otel_logs',
  'otel_metrics_gauge',
  'otel_metrics_sum',
  'otel_metrics_histogram',
  'otel_metrics_exponential_histogram',
  'otel_metrics_summary',
  'camel_hops',
  'failed_exchanges',
] as const satisfies readonly TelemetryTable[];

/** Rows for some tables, as one OTLP request or one captured stretch of output yields them. */
export type RowsByTable = { [T in TelemetryTable]?: TableRows[T][] };

/** The owner columns of a scope. */
export function ownerColumns(scope: TelemetryScope): Owned {
  return {
    TenantId: scope.tenantId,
    Environment: scope.environment,
    App: scope.app,
    DeploymentId: scope.deploymentId,
    RetentionDays: scope.retentionDays,
  };
}

/** Nanoseconds since the epoch as a DateTime64(9) UTC string. */
export function nanosToDateTime64(nanos: bigint): string {
  const ms = nanos / 1_000_000n;
  const iso = new Date(Number(ms)).toISOString(); // 2026-11-30T02:00:00.123Z
  const fraction = (nanos % 1_000_000_000n).toString().padStart(9, '0');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${fraction}`;
}
