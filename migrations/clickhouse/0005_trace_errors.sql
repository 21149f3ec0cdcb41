-- The failed spans' traces, per tenant, environment, app and time: a trace list filtered by status
-- reads these few rows instead of every span's status over the range.
CREATE TABLE IF NOT EXISTS otel_traces_errors (
  TenantId LowCardinality(String) CODEC(ZSTD(1)),
  Environment LowCardinality(String) CODEC(ZSTD(1)),
  App LowCardinality(String) CODEC(ZSTD(1)),
  Timestamp DateTime64(9) CODEC(Delta, ZSTD(1)),
  TraceId String CODEC(ZSTD(1)),
  RetentionDays UInt16 DEFAULT 30
) ENGINE = MergeTree
PARTITION BY toDate(Timestamp)
ORDER BY (TenantId, Environment, App, Timestamp)
TTL toDateTime(Timestamp) + toIntervalDay(RetentionDays)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 0, non_replicated_deduplication_window = 100000;

CREATE MATERIALIZED VIEW IF NOT EXISTS otel_traces_errors_mv TO otel_traces_errors AS
SELECT TenantId, Environment, App, Timestamp, TraceId, RetentionDays
FROM otel_traces
WHERE StatusCode = 'Error';
