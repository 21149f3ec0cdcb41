/**
 * Failed exchanges as the apps' agents reported them (already redacted, `failed_exchanges`), newest
 * first. An agent that retried a report after a lost answer stored it twice: each exchange is listed once.
 */
import type { TelemetryStore } from '../store.ts';
import { tenantQuery } from './tenant-query.ts';
import { allOf, nanosToIso, rangeParams, type TimeRange } from './time-range.ts';

export type FailedExchangeFilters = TimeRange & {
  app?: string;
  environment?: string;
  route?: string;
  limit: number;
};

export type FailedExchangeSummary = {
  exchangeId: string;
  time: string;
  environment: string;
  app: string;
  deploymentId: string;
  routeId: string;
  fromUri: string;
  failedEndpoint: string;
  exceptionType: string;
  exceptionMessage: string;
  traceId: string;
  replayOf: string;
};

export type FailedExchangeDetail = FailedExchangeSummary & {
  stackTrace: string;
  headers: Record<string, string>;
  headersTruncated: boolean;
  body: string;
  bodyTruncated: boolean;
  bodySize: number;
  redactions: number;
  spanId: string;
};

type Row = {
  ExchangeId: string;
  ns: string;
  Environment: string;
  App: string;
  DeploymentId: string;
  RouteId: string;
  FromUri: string;
  FailedEndpoint: string;
  ExceptionType: string;
  ExceptionMessage: string;
  TraceId: string;
  ReplayOf: string;
};
type DetailRow = Row & {
  StackTrace: string;
  Headers: Record<string, string>;
  HeadersTruncated: number;
  Body: string;
  BodyTruncated: number;
  BodySize: number;
  Redactions: number;
  SpanId: string;
};

const summaryColumns = `ExchangeId, toString(toUnixTimestamp64Nano(Timestamp)) AS ns, Environment, App, DeploymentId,
  RouteId, FromUri, FailedEndpoint, ExceptionType, ExceptionMessage, TraceId, ReplayOf`;

export async function listFailedExchanges(
  store: TelemetryStore,
  tenantId: string,
  filters: FailedExchangeFilters,
): Promise<FailedExchangeSummary[]> {
  const where = allOf([
    'TenantId = {tenant:String}',
    filters.environment !== undefined && 'Environment = {environment:String}',
    filters.app !== undefined && 'App = {app:String}',
    filters.route !== undefined && '(RouteId = {route:String} OR FromUri = {route:String})',
    'Timestamp >= fromUnixTimestamp64Milli({fromMs:Int64})',
    'Timestamp < fromUnixTimestamp64Milli({toMs:Int64})',
  ]);
  const rows = await tenantQuery(store, tenantId)<Row>(
    `SELECT ${summaryColumns}
FROM failed_exchanges
WHERE ${where}
ORDER BY Timestamp DESC
LIMIT 1 BY ExchangeId
LIMIT {limit:UInt32}`,
    {
      ...rangeParams(filters),
      environment: filters.environment,
      app: filters.app,
      route: filters.route,
      limit: filters.limit,
    },
  );
  return rows.map(summary);
}

/** One failed exchange of the tenant, by id; undefined when the tenant has none by that id (or it expired). */
export async function getFailedExchange(
  store: TelemetryStore,
  tenantId: string,
  input: { exchangeId: string },
): Promise<FailedExchangeDetail | undefined> {
  const [row] = await tenantQuery(store, tenantId)<DetailRow>(
    `SELECT ${summaryColumns}, StackTrace, Headers, HeadersTruncated, Body, BodyTruncated, BodySize, Redactions, SpanId
FROM failed_exchanges
WHERE TenantId = {tenant:String} AND ExchangeId = {exchangeId:String}
ORDER BY Timestamp DESC
LIMIT 1`,
    { exchangeId: input.exchangeId },
  );
  if (!row) return undefined;
  return {
    ...summary(row),
    stackTrace: row.StackTrace,
    headers: row.Headers,
    headersTruncated: Number(row.HeadersTruncated) === 1,
    body: row.Body,
    bodyTruncated: Number(row.BodyTruncated) === 1,
    bodySize: Number(row.BodySize),
    redactions: Number(row.Redactions),
    spanId: row.SpanId,
  };
}

function summary(row: Row): FailedExchangeSummary {
  return {
    exchangeId: row.ExchangeId,
    time: nanosToIso(row.ns),
    environment: row.Environment,
    app: row.App,
    deploymentId: row.DeploymentId,
    routeId: row.RouteId,
    fromUri: row.FromUri,
    failedEndpoint: row.FailedEndpoint,
    exceptionType: row.ExceptionType,
    exceptionMessage: row.ExceptionMessage,
    traceId: row.TraceId,
    replayOf: row.ReplayOf,
  };
}
