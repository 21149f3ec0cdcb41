/**
 * The observability API: tenant-scoped questions about the telemetry of the tenant's apps, answered
 * from ClickHouse. The tenant comes from the route (after the access check), never from the query.
 */
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { HonoEnv } from '../../env.ts';
import { AppError, InvalidRequest, NotFound } from '../../errors.ts';
import {
  createRouter,
  errorResponses,
  jsonResponse,
  Problem,
  TenantParam,
  tenantRoute,
} from '../../openapi.ts';
import { listTraces } from '../../telemetry/queries/list-traces.ts';
import { routeMetrics } from '../../telemetry/queries/route-metrics.ts';
import { routeTopology } from '../../telemetry/queries/route-topology.ts';
import { InvalidCursor, parseLogCursor, searchLogs } from '../../telemetry/queries/search-logs.ts';
import type { TimeRange } from '../../telemetry/queries/time-range.ts';
import { getTrace } from '../../telemetry/queries/trace-detail.ts';
import {
  LogPage,
  LogSearchQuery,
  RouteMetricsList,
  RouteMetricsQuery,
  Topology,
  TopologyQuery,
  TraceDetail,
  TraceIdParam,
  TraceList,
  TraceListQuery,
} from './schema.ts';

const tags = ['Telemetry'];
const permission = 'telemetry:read';
const Params = z.object({ tenant: TenantParam });
const defaultRangeMs = 60 * 60 * 1000;
const responses = {
  ...errorResponses,
  503: {
    description: 'No ClickHouse is configured on this edge, or it cannot be reached',
    content: { 'application/problem+json': { schema: Problem } },
  },
};

const logs = tenantRoute({
  method: 'get',
  path: '/api/tenants/{tenant}/telemetry/logs',
  tags,
  summary: "Search the stored logs of the tenant's apps, newest first",
  'x-permission': permission,
  request: { params: Params, query: LogSearchQuery },
  responses: { 200: jsonResponse(LogPage, 'Log records and the cursor of the next page'), ...responses },
});

const traces = tenantRoute({
  method: 'get',
  path: '/api/tenants/{tenant}/telemetry/traces',
  tags,
  summary: 'Traces whose root span started in the range, newest first',
  'x-permission': permission,
  request: { params: Params, query: TraceListQuery },
  responses: { 200: jsonResponse(TraceList, 'One row per trace'), ...responses },
});

const trace = tenantRoute({
  method: 'get',
  path: '/api/tenants/{tenant}/telemetry/traces/{traceId}',
  tags,
  summary: 'Every span of one trace, as a tree',
  'x-permission': permission,
  request: { params: z.object({ tenant: TenantParam, traceId: TraceIdParam }) },
  responses: { 200: jsonResponse(TraceDetail, 'The span tree'), ...responses },
});

const topology = tenantRoute({
  method: 'get',
  path: '/api/tenants/{tenant}/telemetry/topology',
  tags,
  summary: 'Camel routes and endpoints, with calls, error rate and p50/p99 latency per edge',
  'x-permission': permission,
  request: { params: Params, query: TopologyQuery },
  responses: { 200: jsonResponse(Topology, 'Nodes and edges'), ...responses },
});

const metrics = tenantRoute({
  method: 'get',
  path: '/api/tenants/{tenant}/telemetry/route-metrics',
  tags,
  summary: 'Exchanges, failures and latency percentiles per Camel route, in total and per minute',
  'x-permission': permission,
  request: { params: Params, query: RouteMetricsQuery },
  responses: { 200: jsonResponse(RouteMetricsList, 'One entry per route'), ...responses },
});

export const telemetryRoutes = createRouter()
  .openapi(logs, async (c) => {
    const { from, to, environment, cursor, ...input } = c.req.valid('query');
    if (cursor) validCursor(cursor);
    const page = await ask(
      searchLogs(...scope(c), {
        ...range(c, from, to),
        ...input,
        environment,
        cursor,
      }),
    );
    return c.json(page, 200);
  })
  .openapi(traces, async (c) => {
    const { from, to, ...input } = c.req.valid('query');
    const items = await ask(listTraces(...scope(c), { ...range(c, from, to), ...input }));
    return c.json({ items }, 200);
  })
  .openapi(trace, async (c) => {
    const { traceId } = c.req.valid('param');
    const detail = await ask(getTrace(...scope(c), { traceId: traceId.toLowerCase() }));
    if (!detail) throw new NotFound(`Trace ${traceId}`);
    return c.json(detail, 200);
  })
  .openapi(topology, async (c) => {
    const { from, to, ...input } = c.req.valid('query');
    return c.json(await ask(routeTopology(...scope(c), { ...range(c, from, to), ...input })), 200);
  })
  .openapi(metrics, async (c) => {
    const { from, to, ...input } = c.req.valid('query');
    const items = await ask(routeMetrics(...scope(c), { ...range(c, from, to), ...input }));
    return c.json({ items }, 200);
  });

/** The store and the route's tenant: the first two arguments of every telemetry query. */
export function scope(c: Context<HonoEnv>) {
  const { telemetry } = c.get('services');
  if (!telemetry)
    throw new AppError('unavailable', 'Telemetry is not configured on this edge (no ClickHouse)');
  const tenant = c.get('tenant');
  if (!tenant) throw new Error('telemetry route outside a tenant');
  return [telemetry, tenant.id] as const;
}

export function range(c: Context<HonoEnv>, from?: string, to?: string): TimeRange {
  const end = to ? new Date(to) : c.get('services').clock.now();
  const start = from ? new Date(from) : new Date(end.getTime() - defaultRangeMs);
  if (start >= end) {
    throw new InvalidRequest('The time range is empty', [{ path: 'from', message: 'must be before `to`' }]);
  }
  return { from: start, to: end };
}

function validCursor(cursor: string) {
  try {
    parseLogCursor(cursor);
  } catch (e) {
    if (e instanceof InvalidCursor)
      throw new InvalidRequest('Invalid cursor', [{ path: 'cursor', message: e.message }]);
    throw e;
  }
}

const unreachableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);

/** ClickHouse down is a 503 the caller can retry; anything else it says is ours to fix (500). */
export async function ask<T>(answer: Promise<T>): Promise<T> {
  try {
    return await answer;
  } catch (e) {
    if (unreachable(e))
      throw new AppError('unavailable', 'The telemetry store cannot be reached; try again shortly');
    throw e;
  }
}

function unreachable(err: unknown): boolean {
  for (let e: unknown = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && unreachableCodes.has(code)) return true;
    if (typeof message === 'string' && /^Timeout error|socket hang up/.test(message)) return true;
  }
  return false;
}
