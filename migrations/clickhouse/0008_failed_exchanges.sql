-- Failed exchanges as the app's agent captured them (route, endpoint, exception, headers and body,
-- size-capped and redacted in the app before they left it), per tenant, with the tier's retention.
-- A failed exchange is looked up by id for its detail and its replay: the bloom filter finds its
-- granule without reading the tenant's whole range.
CREATE TABLE IF NOT EXISTS failed_exchanges (
  TenantId LowCardinality(String) CODEC(ZSTD(1)),
  Environment LowCardinality(String) CODEC(ZSTD(1)),
  App LowCardinality(String) CODEC(ZSTD(1)),
  DeploymentId LowCardinality(String) CODEC(ZSTD(1)),
  RetentionDays UInt16 DEFAULT 30,
  Timestamp DateTime64(9) CODEC(Delta, ZSTD(1)),
  ExchangeId String CODEC(ZSTD(1)),
  RouteId LowCardinality(String) CODEC(ZSTD(1)),
  FromUri String CODEC(ZSTD(1)),
  FailedEndpoint String CODEC(ZSTD(1)),
  ExceptionType LowCardinality(String) CODEC(ZSTD(1)),
  ExceptionMessage String CODEC(ZSTD(1)),
  StackTrace String CODEC(ZSTD(1)),
  Headers Map(LowCardinality(String), String) CODEC(ZSTD(1)),
  HeadersTruncated UInt8,
  Body String CODEC(ZSTD(1)),
  BodyTruncated UInt8,
  BodySize UInt32,
  Redactions UInt32,
  TraceId String CODEC(ZSTD(1)),
  SpanId String CODEC(ZSTD(1)),
  ReplayOf String CODEC(ZSTD(1)),
  INDEX idx_exchange_id ExchangeId TYPE bloom_filter(0.001) GRANULARITY 1
) ENGINE = MergeTree
PARTITION BY toDate(Timestamp)
ORDER BY (TenantId, Environment, App, Timestamp)
TTL toDateTime(Timestamp) + toIntervalDay(RetentionDays)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 0, non_replicated_deduplication_window = 100000;
