/**
 * Synthetic Camel traces for the query bench, generated inside ClickHouse (`INSERT … SELECT FROM
 * numbers()`), so ten tenants' millions of spans take seconds, not a client round trip per row.
 * Every trace is four spans of the sample app's shape (camel-opentelemetry2's): the `orders` route's
 * span (root, `op` EVENT_RECEIVED), its send to `direct:validate` (EVENT_SENT), the `validate`
 * route's span, and a send to an HTTP endpoint; 2 % of traces fail. Spans spread evenly over the
 * last `hours`, across `apps` apps in dev and prod. Next to them, the Camel hops the runner resolves
 * from such spans (`hopDataSql`), one per span, which topology and route metrics read.
 */
export type SpanDataPlan = { tenantId: string; spans: number; apps: number; hours: number };

const uris =
  "['platform-http://orders', 'direct://validate', 'direct://validate', 'http://inventory/reserve']";

/** The hops of the same traces as `spanDataSql` makes: what the runner's route resolver writes for them. */
export function hopDataSql(plan: SpanDataPlan, nowSeconds: number, first: number, count: number): string {
  const traces = Math.floor(plan.spans / 4);
  const step = (plan.hours * 3600) / Math.max(1, traces);
  return `
INSERT INTO camel_hops (TenantId, Environment, App, DeploymentId, RetentionDays, Timestamp, TraceId, SpanId,
  Hop, Route, RouteId, Target, Shape, Duration, Failed)
SELECT
  '${plan.tenantId}' AS TenantId,
  if(t % 2 = 0, 'dev', 'prod') AS Environment,
  concat('app-', toString(t % ${plan.apps})) AS App,
  'dep_bench' AS DeploymentId,
  90 AS RetentionDays,
  toDateTime64(${nowSeconds} - ${plan.hours * 3600} + t * ${step}, 9) + toIntervalMillisecond(p) AS Timestamp,
  lower(hex(MD5(concat('${plan.tenantId}', toString(t))))) AS TraceId,
  substring(lower(hex(MD5(concat('${plan.tenantId}', toString(t), '/', toString(p))))), 1, 16) AS SpanId,
  if(p % 2 = 0, 'route', 'edge') AS Hop,
  if(p = 2, 'direct://validate', 'platform-http://orders') AS Route,
  if(p = 0, 'orders', '') AS RouteId,
  if(p % 2 = 0, '', ${uris}[p + 1]) AS Target,
  'camel-telemetry' AS Shape,
  (1000000 + (cityHash64(t, p) % 50000000)) AS Duration,
  if(cityHash64(t) % 50 = 0, 1, 0) AS Failed
FROM (SELECT intDiv(number, 4) AS t, number % 4 AS p FROM numbers(${first * 4}, ${count * 4}))`;
}

/** The SQL that inserts traces `first` to `first + count - 1` of the plan's (one statement per chunk keeps each short). */
export function spanDataSql(plan: SpanDataPlan, nowSeconds: number, first: number, count: number): string {
  const traces = Math.floor(plan.spans / 4);
  const step = (plan.hours * 3600) / Math.max(1, traces);
  // t: trace number, p: position in the trace; ids are derived from both so they are unique.
  return `
INSERT INTO otel_traces (TenantId, Environment, App, DeploymentId, RetentionDays, Timestamp, TraceId, SpanId,
  ParentSpanId, SpanName, SpanKind, ServiceName, SpanAttributes, Duration, StatusCode, StatusMessage)
SELECT
  '${plan.tenantId}' AS TenantId,
  if(t % 2 = 0, 'dev', 'prod') AS Environment,
  concat('app-', toString(t % ${plan.apps})) AS App,
  'dep_bench' AS DeploymentId,
  90 AS RetentionDays,
  toDateTime64(${nowSeconds} - ${plan.hours * 3600} + t * ${step}, 9) + toIntervalMillisecond(p) AS Timestamp,
  lower(hex(MD5(concat('${plan.tenantId}', toString(t))))) AS TraceId,
  substring(lower(hex(MD5(concat('${plan.tenantId}', toString(t), '/', toString(p))))), 1, 16) AS SpanId,
  multiIf(p = 0, '', p = 2,
    substring(lower(hex(MD5(concat('${plan.tenantId}', toString(t), '/1')))), 1, 16),
    substring(lower(hex(MD5(concat('${plan.tenantId}', toString(t), '/0')))), 1, 16)) AS ParentSpanId,
  ['POST', 'validate', 'validate', 'POST'][p + 1] AS SpanName,
  ['Server', 'Internal', 'Internal', 'Client'][p + 1] AS SpanKind,
  concat('app-', toString(t % ${plan.apps})) AS ServiceName,
  map('op', if(p % 2 = 0, 'EVENT_RECEIVED', 'EVENT_SENT'), 'camel.route.id', 'orders', 'camel.uri', ${uris}[p + 1])
    AS SpanAttributes,
  (1000000 + (cityHash64(t, p) % 50000000)) AS Duration,
  if(cityHash64(t) % 50 = 0, 'Error', 'Ok') AS StatusCode,
  if(cityHash64(t) % 50 = 0, 'inventory unavailable', '') AS StatusMessage
FROM (SELECT intDiv(number, 4) AS t, number % 4 AS p FROM numbers(${first * 4}, ${count * 4}))`;
}
