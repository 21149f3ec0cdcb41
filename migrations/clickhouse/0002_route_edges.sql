-- Camel route topology and per-route metrics, aggregated per minute as spans arrive, so topology
-- and route metrics read minutes, not spans. A span with `camel.route.id` and `camel.uri` is one
-- call on an edge: a consumer span (Server/Consumer) is the endpoint feeding its route
-- (Direction 'from', one exchange of the route); any other is the route calling an endpoint ('to').
CREATE TABLE IF NOT EXISTS route_edges_1m (
  TenantId LowCardinality(String),
  Environment LowCardinality(String),
  App LowCardinality(String),
  Minute DateTime CODEC(Delta, ZSTD(1)),
  Direction LowCardinality(String),
  RouteId LowCardinality(String),
  Endpoint String,
  RetentionDays UInt16 DEFAULT 30,
  Calls AggregateFunction(count),
  Failures AggregateFunction(countIf, UInt8),
  Latency AggregateFunction(quantiles(0.5, 0.99), UInt64)
) ENGINE = AggregatingMergeTree
PARTITION BY toDate(Minute)
ORDER BY (TenantId, Environment, App, Minute, Direction, RouteId, Endpoint, RetentionDays)
TTL Minute + toIntervalDay(RetentionDays)
SETTINGS non_replicated_deduplication_window = 100000;

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
WHERE SpanAttributes['camel.route.id'] != '' AND SpanAttributes['camel.uri'] != ''
GROUP BY TenantId, Environment, App, Minute, Direction, RouteId, Endpoint, RetentionDays;
