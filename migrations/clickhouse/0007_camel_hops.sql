-- Camel topology from what Camel emits (camel-opentelemetry2 / camel-telemetry, the OpenTelemetry
-- Java agent): the runner resolves each span's route from its parent links (the nearest
-- EVENT_RECEIVED ancestor, which may arrive in a later export batch) and writes one hop per span:
-- a route's exchange ('route'), a route's call to an endpoint ('edge'), a processor's time
-- ('processor'). Aggregated per minute so topology and route metrics read minutes, not hops.
CREATE TABLE IF NOT EXISTS camel_hops (
  TenantId LowCardinality(String) CODEC(ZSTD(1)),
  Environment LowCardinality(String) CODEC(ZSTD(1)),
  App LowCardinality(String) CODEC(ZSTD(1)),
  DeploymentId LowCardinality(String) CODEC(ZSTD(1)),
  RetentionDays UInt16 DEFAULT 30,
  Timestamp DateTime64(9) CODEC(Delta, ZSTD(1)),
  TraceId String CODEC(ZSTD(1)),
  SpanId String CODEC(ZSTD(1)),
  Hop LowCardinality(String),
  Route String CODEC(ZSTD(1)),
  RouteId String CODEC(ZSTD(1)),
  Target String CODEC(ZSTD(1)),
  Shape LowCardinality(String),
  Duration UInt64 CODEC(ZSTD(1)),
  Failed UInt8
) ENGINE = MergeTree
PARTITION BY toDate(Timestamp)
ORDER BY (TenantId, Environment, App, Timestamp)
TTL toDateTime(Timestamp) + toIntervalDay(RetentionDays)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 0, non_replicated_deduplication_window = 100000;

CREATE TABLE IF NOT EXISTS camel_hops_1m (
  TenantId LowCardinality(String),
  Environment LowCardinality(String),
  App LowCardinality(String),
  Minute DateTime CODEC(Delta, ZSTD(1)),
  Hop LowCardinality(String),
  Route String,
  Target String,
  Shape LowCardinality(String),
  RetentionDays UInt16 DEFAULT 30,
  RouteId AggregateFunction(max, String),
  Calls AggregateFunction(count),
  Failures AggregateFunction(sum, UInt8),
  TotalNanos AggregateFunction(sum, UInt64),
  Latency AggregateFunction(quantiles(0.5, 0.99), UInt64)
) ENGINE = AggregatingMergeTree
PARTITION BY toDate(Minute)
ORDER BY (TenantId, Environment, App, Minute, Hop, Route, Target, Shape, RetentionDays)
TTL Minute + toIntervalDay(RetentionDays)
SETTINGS non_replicated_deduplication_window = 100000;

CREATE MATERIALIZED VIEW IF NOT EXISTS camel_hops_1m_mv TO camel_hops_1m AS
SELECT
  TenantId,
  Environment,
  App,
  toStartOfMinute(Timestamp) AS Minute,
  Hop,
  Route,
  Target,
  Shape,
  RetentionDays,
  maxState(RouteId) AS RouteId,
  countState() AS Calls,
  sumState(Failed) AS Failures,
  sumState(Duration) AS TotalNanos,
  quantilesState(0.5, 0.99)(Duration) AS Latency
FROM camel_hops
GROUP BY TenantId, Environment, App, Minute, Hop, Route, Target, Shape, RetentionDays;

-- Spans with an `op` attribute are camel-telemetry's: they reach the topology as hops (above). The
-- per-span view keeps the v1 shape (camel.route.id + camel.uri, SERVER/CLIENT) and stops counting
-- recent camel-telemetry spans, whose camel.route.id is the exchange's originating route, a second time.
-- Spans inserted between the drop and the create miss the per-span view: a migration runs at the
-- edge's start, and those minutes of v1-shaped topology are the price of a view without ALTER.
DROP VIEW IF EXISTS route_edges_1m_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS route_edges_1m_mv TO route_edges_1m AS
SELECT
  TenantId,
  Environment,
  App,
  toStartOfMinute(Timestamp) AS Minute,
  if(SpanKind IN ('Server', 'Consumer'), 'from', 'to') AS Direction,
  SpanAttributes['camel.route.id'] AS RouteId,
  SpanAttributes['camel.uri'] AS Endpoint,
  RetentionDays,
  countState() AS Calls,
  countIfState(StatusCode = 'Error') AS Failures,
  quantilesState(0.5, 0.99)(Duration) AS Latency
FROM otel_traces
WHERE SpanAttributes['camel.route.id'] != '' AND SpanAttributes['camel.uri'] != '' AND SpanAttributes['op'] = ''
GROUP BY TenantId, Environment, App, Minute, Direction, RouteId, Endpoint, RetentionDays;
