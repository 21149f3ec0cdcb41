/**
 * Trace detail: every span of one trace as a tree, children under their parent sorted by start.
 * otel_traces_trace_id_ts gives the trace's first and last span time, so only the parts of that
 * window are read. Spans whose parent never arrived are shown as roots.
 */
import type { TelemetryStore } from '../store.ts';
import { tenantQuery } from './tenant-query.ts';
import { nanosToIso, nanosToMs } from './time-range.ts';

export type SpanEvent = { time: string; name: string; attributes: Record<string, string> };

export type SpanNode = {
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: string;
  service: string;
  environment: string;
  app: string;
  deploymentId: string;
  startTime: string;
  /** From the start of the trace. */
  offsetMs: number;
  durationMs: number;
  status: { code: string; message: string };
  attributes: Record<string, string>;
  resource: Record<string, string>;
  events: SpanEvent[];
  children: SpanNode[];
};

export type TraceDetail = {
  traceId: string;
  startTime: string;
  durationMs: number;
  spanCount: number;
  errorCount: number;
  roots: SpanNode[];
};

/** More spans than this in one trace are cut (the newest go); the API says so with `spanCount`. */
export const maxSpansPerTrace = 10_000;

type Row = {
  SpanId: string;
  ParentSpanId: string;
  SpanName: string;
  SpanKind: string;
  ServiceName: string;
  Environment: string;
  App: string;
  DeploymentId: string;
  ns: string;
  Duration: string;
  StatusCode: string;
  StatusMessage: string;
  SpanAttributes: Record<string, string>;
  ResourceAttributes: Record<string, string>;
  eventNs: string[];
  'Events.Name': string[];
  'Events.Attributes': Array<Record<string, string>>;
};

export async function getTrace(
  store: TelemetryStore,
  tenantId: string,
  filters: { traceId: string },
): Promise<TraceDetail | undefined> {
  const rows = await tenantQuery(store, tenantId)<Row>(
    `WITH (SELECT (min(Start), max(End)) FROM otel_traces_trace_id_ts
        WHERE TenantId = {tenant:String} AND TraceId = {traceId:String}) AS window
SELECT SpanId, ParentSpanId, SpanName, SpanKind, ServiceName, Environment, App, DeploymentId,
  toString(toUnixTimestamp64Nano(Timestamp)) AS ns, Duration, StatusCode, StatusMessage, SpanAttributes,
  ResourceAttributes, arrayMap(t -> toString(toUnixTimestamp64Nano(t)), Events.Timestamp) AS eventNs,
  Events.Name, Events.Attributes
FROM otel_traces
WHERE TenantId = {tenant:String}
  AND TraceId = {traceId:String}
  AND Timestamp >= window.1
  AND Timestamp <= window.2
ORDER BY Timestamp, SpanId
LIMIT {maxSpans:UInt32}`,
    { traceId: filters.traceId, maxSpans: maxSpansPerTrace },
  );
  const first = rows[0];
  if (!first) return undefined;
  const start = BigInt(first.ns);
  let end = start;
  for (const row of rows) {
    const rowEnd = BigInt(row.ns) + BigInt(row.Duration);
    if (rowEnd > end) end = rowEnd;
  }
  const roots = buildTree(rows.map((row) => toNode(row, start)));
  return {
    traceId: filters.traceId,
    startTime: nanosToIso(first.ns),
    durationMs: nanosToMs(String(end - start)),
    spanCount: rows.length,
    errorCount: rows.filter((r) => r.StatusCode === 'Error').length,
    roots,
  };
}

/**
 * Nests spans under their parents. Spans come sorted by start, so every children list is too. A
 * span whose parent is missing is a root; so is the earliest span of a parent cycle (a hostile or
 * broken agent can send one), so every span appears exactly once and the tree stays finite.
 */
function buildTree(spans: SpanNode[]): SpanNode[] {
  const ids = new Set(spans.map((s) => s.spanId));
  const childrenOf = new Map<string, SpanNode[]>();
  for (const span of spans) {
    const siblings = childrenOf.get(span.parentSpanId) ?? [];
    siblings.push(span);
    childrenOf.set(span.parentSpanId, siblings);
  }
  const placed = new Set<SpanNode>();
  const attach = (root: SpanNode) => {
    placed.add(root);
    const stack = [root];
    for (let node = stack.pop(); node; node = stack.pop()) {
      for (const child of childrenOf.get(node.spanId) ?? []) {
        if (placed.has(child)) continue;
        placed.add(child);
        node.children.push(child);
        stack.push(child);
      }
    }
  };
  const roots = spans.filter((s) => !s.parentSpanId || !ids.has(s.parentSpanId));
  for (const root of roots) attach(root);
  for (const span of spans) {
    if (placed.has(span)) continue;
    roots.push(span);
    attach(span);
  }
  return roots.sort((a, b) => a.offsetMs - b.offsetMs);
}

function toNode(row: Row, traceStart: bigint): SpanNode {
  return {
    spanId: row.SpanId,
    parentSpanId: row.ParentSpanId,
    name: row.SpanName,
    kind: row.SpanKind,
    service: row.ServiceName,
    environment: row.Environment,
    app: row.App,
    deploymentId: row.DeploymentId,
    startTime: nanosToIso(row.ns),
    offsetMs: nanosToMs(String(BigInt(row.ns) - traceStart)),
    durationMs: nanosToMs(row.Duration),
    status: { code: row.StatusCode, message: row.StatusMessage },
    attributes: row.SpanAttributes,
    resource: row.ResourceAttributes,
    events: row.eventNs.map((ns, i) => ({
      time: nanosToIso(ns),
      name: row['Events.Name'][i] ?? '',
      attributes: row['Events.Attributes'][i] ?? {},
    })),
    children: [],
  };
}
