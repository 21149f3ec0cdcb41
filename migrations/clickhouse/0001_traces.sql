-- Spans, in the layout of the OpenTelemetry Collector's ClickHouse exporter (otel_traces), plus who
-- they belong to: tenant, environment, app and deployment, stamped by the runner from the agent's
-- token. Ordered and partitioned for tenant + time queries; kept for the tenant tier's retention.
CREATE TABLE IF NOT EXISTS otel_traces (
  TenantId LowCardinality(String) CODEC(ZSTD(1)),
  Environment LowCardinality(String) CODEC(ZSTD(1)),
  App LowCardinality(String) CODEC(ZSTD(1)),
  DeploymentId LowCardinality(String) CODEC(ZSTD(1)),
  RetentionDays UInt16 DEFAULT 30,
  Timestamp DateTime64(9) CODEC(Delta, ZSTD(1)),
  TraceId String CODEC(ZSTD(1)),
  SpanId String CODEC(ZSTD(1)),
  ParentSpanId String CODEC(ZSTD(1)),
  TraceState String CODEC(ZSTD(1)),
  SpanName LowCardinality(String) CODEC(ZSTD(1)),
  SpanKind LowCardinality(String) CODEC(ZSTD(1)),
  ServiceName LowCardinality(String) CODEC(ZSTD(1)),
  ResourceAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
  ScopeName String CODEC(ZSTD(1)),
  ScopeVersion String CODEC(ZSTD(1)),
  SpanAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
  Duration UInt64 CODEC(ZSTD(1)),
  StatusCode LowCardinality(String) CODEC(ZSTD(1)),
  StatusMessage String CODEC(ZSTD(1)),
  Events Nested (
    Timestamp DateTime64(9),
    Name LowCardinality(String),
    Attributes Map(LowCardinality(String), String)
  ) CODEC(ZSTD(1)),
  Links Nested (
    TraceId String,
    SpanId String,
    TraceState String,
    Attributes Map(LowCardinality(String), String)
  ) CODEC(ZSTD(1)),
  INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1,
  INDEX idx_duration Duration TYPE minmax GRANULARITY 1
) ENGINE = MergeTree
PARTITION BY toDate(Timestamp)
ORDER BY (TenantId, Environment, App, Timestamp)
TTL toDateTime(Timestamp) + toIntervalDay(RetentionDays)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 0, non_replicated_deduplication_window = 100000;

-- Where each trace starts and ends, so a trace detail reads only the parts that hold it.
CREATE TABLE IF NOT EXISTS otel_traces_trace_id_ts (
  TenantId LowCardinality(String) CODEC(ZSTD(1)),
  TraceId String CODEC(ZSTD(1)),
  Start DateTime64(9) CODEC(Delta, ZSTD(1)),
  End DateTime64(9) CODEC(Delta, ZSTD(1)),
  RetentionDays UInt16 DEFAULT 30,
  INDEX idx_trace_id TraceId TYPE bloom_filter(0.01) GRANULARITY 1
) ENGINE = MergeTree
PARTITION BY toDate(Start)
ORDER BY (TenantId, TraceId, Start)
TTL toDateTime(Start) + toIntervalDay(RetentionDays)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 0, non_replicated_deduplication_window = 100000;

CREATE MATERIALIZED VIEW IF NOT EXISTS otel_traces_trace_id_ts_mv TO otel_traces_trace_id_ts AS
SELECT TenantId, TraceId, min(Timestamp) AS Start, max(Timestamp) AS End, max(RetentionDays) AS RetentionDays
FROM otel_traces
WHERE TraceId != ''
GROUP BY TenantId, TraceId;
