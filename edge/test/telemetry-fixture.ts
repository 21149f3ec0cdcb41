/**
 * Telemetry rows for tests of the observability API: spans and log records of a scope, at times
 * relative to now (TTL drops old rows at insert), inserted as the pipeline does (JSONEachRow).
 */
import { createHash } from 'node:crypto';
import {
  type LogRow,
  nanosToDateTime64,
  ownerColumns,
  type SpanRow,
  type TelemetryScope,
} from '@cameleer/shared';
import type { ClickHouseClient } from '@clickhouse/client';
import { camelHopsOf } from '../../runner/test/telemetry/camel-shape-rows.ts';

export const scopeOf = (tenantId: string, app: string, environment = 'dev'): TelemetryScope => ({
  tenantId,
  environment,
  app,
  deploymentId: `dep_${app}`,
  retentionDays: 30,
});

/** Epoch milliseconds as a DateTime64(9) string. */
export const at = (ms: number) => nanosToDateTime64(BigInt(Math.round(ms)) * 1_000_000n);

export function spanRow(
  scope: TelemetryScope,
  span: Pick<SpanRow, 'Timestamp' | 'TraceId' | 'SpanId' | 'SpanName'> & Partial<SpanRow>,
): SpanRow {
  return {
    ...ownerColumns(scope),
    ParentSpanId: '',
    TraceState: '',
    SpanKind: 'Internal',
    ServiceName: scope.app,
    ResourceAttributes: { 'service.name': scope.app },
    ScopeName: 'org.apache.camel.opentelemetry',
    ScopeVersion: '',
    SpanAttributes: {},
    Duration: 1_000_000,
    StatusCode: 'Unset',
    StatusMessage: '',
    'Events.Timestamp': [],
    'Events.Name': [],
    'Events.Attributes': [],
    'Links.TraceId': [],
    'Links.SpanId': [],
    'Links.TraceState': [],
    'Links.Attributes': [],
    ...span,
  };
}

export function logRow(
  scope: TelemetryScope,
  log: Pick<LogRow, 'Timestamp' | 'Body'> & Partial<LogRow>,
): LogRow {
  return {
    ...ownerColumns(scope),
    TraceId: '',
    SpanId: '',
    TraceFlags: 0,
    SeverityText: 'INFO',
    SeverityNumber: 9,
    ServiceName: scope.app,
    ResourceSchemaUrl: '',
    ResourceAttributes: {},
    ScopeSchemaUrl: '',
    ScopeName: 'cameleer.stdout',
    ScopeVersion: '',
    ScopeAttributes: {},
    LogAttributes: {},
    ...log,
  };
}

/**
 * One Camel exchange as camel-opentelemetry (v1, camel-tracing) reports it: a SERVER span of route
 * `routeId` fed by `from`, with a CLIENT span per endpoint the route calls (`to`), `failed` ones
 * with status Error. The runner resolves these into camel hops (insertRows does it here).
 */
export function exchange(
  scope: TelemetryScope,
  opts: {
    traceId: string;
    /** Epoch milliseconds. */
    atMs: number;
    routeId: string;
    from: string;
    durationMs: number;
    to?: Array<{ uri: string; durationMs: number; failed?: boolean }>;
    failed?: boolean;
  },
): SpanRow[] {
  const rootId = `${opts.traceId.slice(0, 14)}00`;
  const root = spanRow(scope, {
    Timestamp: at(opts.atMs),
    TraceId: opts.traceId,
    SpanId: rootId,
    SpanName: opts.routeId,
    SpanKind: 'Server',
    Duration: opts.durationMs * 1_000_000,
    StatusCode: opts.failed ? 'Error' : 'Ok',
    SpanAttributes: { 'camel.route.id': opts.routeId, 'camel.uri': opts.from, 'http.route': '' },
  });
  const children = (opts.to ?? []).map((call, i) =>
    spanRow(scope, {
      Timestamp: at(opts.atMs + i + 1),
      TraceId: opts.traceId,
      SpanId: `${opts.traceId.slice(0, 14)}${String(i + 1).padStart(2, '0')}`,
      ParentSpanId: rootId,
      SpanName: call.uri,
      SpanKind: 'Client',
      Duration: call.durationMs * 1_000_000,
      StatusCode: call.failed ? 'Error' : 'Ok',
      SpanAttributes: { 'camel.route.id': opts.routeId, 'camel.uri': call.uri },
    }),
  );
  return [root, ...children];
}

/**
 * Inserts rows as the pipeline does: spans with the camel hops the runner's route resolver makes of
 * them; the per-minute and trace-window views fill themselves.
 */
export async function insertRows(
  client: ClickHouseClient,
  table: 'otel_traces' | 'otel_logs',
  values: ReadonlyArray<SpanRow | LogRow>,
): Promise<void> {
  await client.insert({ table, values: [...values], format: 'JSONEachRow' });
  if (table !== 'otel_traces') return;
  const hops = camelHopsOf(values as readonly SpanRow[]);
  if (hops.length > 0) await client.insert({ table: 'camel_hops', values: hops, format: 'JSONEachRow' });
}

/** A 32-hex trace id, the same for the same tenant and name. */
export const traceIdOf = (tenantId: string, name: string) =>
  createHash('md5').update(`${tenantId}/${name}`).digest('hex');

/**
 * A small, known picture of one tenant's telemetry over the last minutes: app `orders` in `dev`
 * serves `platform-http:/orders` (route `rest-orders`, calling `kafka:orders` and `sql:insert`),
 * once failing on Kafka; app `billing` consumes `kafka:orders`; logs at several levels. `mark`
 * is written into app names' log bodies so a test can look for another tenant's text.
 */
export async function seedTelemetry(client: ClickHouseClient, tenantId: string, now: number, mark: string) {
  const orders = scopeOf(tenantId, 'orders');
  const billing = scopeOf(tenantId, 'billing');
  const ids = {
    ok: traceIdOf(tenantId, 'ok'),
    failed: traceIdOf(tenantId, 'failed'),
    consumed: traceIdOf(tenantId, 'consumed'),
  };
  const spans = [
    ...exchange(orders, {
      traceId: ids.ok,
      atMs: now - 120_000,
      routeId: 'rest-orders',
      from: 'platform-http:/orders',
      durationMs: 120,
      to: [
        { uri: 'kafka:orders', durationMs: 30 },
        { uri: 'sql:insert', durationMs: 10 },
      ],
    }),
    ...exchange(orders, {
      traceId: ids.failed,
      atMs: now - 60_000,
      routeId: 'rest-orders',
      from: 'platform-http:/orders',
      durationMs: 250,
      to: [{ uri: 'kafka:orders', durationMs: 200, failed: true }],
    }),
    ...exchange(billing, {
      traceId: ids.consumed,
      atMs: now - 30_000,
      routeId: 'bill',
      from: 'kafka:orders',
      durationMs: 5,
    }),
  ];
  const logs = [
    logRow(orders, {
      Timestamp: at(now - 50_000),
      Body: `order accepted ${mark}`,
      SeverityText: 'INFO',
      SeverityNumber: 9,
    }),
    logRow(orders, {
      Timestamp: at(now - 40_000),
      Body: `Kafka send failed ${mark}`,
      SeverityText: 'ERROR',
      SeverityNumber: 17,
      TraceId: ids.failed,
    }),
    logRow(orders, {
      Timestamp: at(now - 30_000),
      Body: `slow query ${mark}`,
      SeverityText: 'WARN',
      SeverityNumber: 0,
      ScopeName: 'cameleer.stderr',
    }),
    logRow(billing, {
      Timestamp: at(now - 20_000),
      Body: `invoice sent ${mark}`,
      SeverityText: 'DEBUG',
      SeverityNumber: 5,
    }),
    logRow(orders, { Timestamp: at(now - 3 * 3_600_000), Body: `old news ${mark}` }),
  ];
  await insertRows(client, 'otel_traces', spans);
  await insertRows(client, 'otel_logs', logs);
  return ids;
}
