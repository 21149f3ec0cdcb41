-- camel-tracing spans (camel-opentelemetry v1, camel-observation: a `camel.uri` on every span, no
-- `op`) are resolved by the runner into camel_hops like camel-telemetry's, so that a sub-route's
-- spans, which carry the caller's camel.route.id (getFromRouteId), are not counted under the caller.
-- The per-span view keeps only what cannot be resolved: spans with `camel.route.id` and no
-- `camel.uri`, named by that id. Rows it already holds stay readable; new camel.uri spans stop
-- reaching it, so they are not counted twice. As in 0007, spans inserted between the drop and the
-- create miss the view.
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
WHERE SpanAttributes['camel.route.id'] != '' AND SpanAttributes['camel.uri'] = '' AND SpanAttributes['op'] = ''
GROUP BY TenantId, Environment, App, Minute, Direction, RouteId, Endpoint, RetentionDays;
