import type { CamelHopRow, SpanRow } from '../rows.ts';
import { type CamelSpan, camelSpan } from './camel-span.ts';

type Owner = Pick<CamelHopRow, 'TenantId' | 'Environment' | 'App' | 'DeploymentId' | 'RetentionDays'>;
type Known = CamelSpan & { owner: Owner; traceId: string };
type TraceWindow = { spans: Map<string, Known>; pending: Set<string>; touchedAt: number };

export type RouteResolverOptions = {
  /** A trace idle this long is flushed: its unresolved spans become hops with what is known. Default 30 s. */
  ttlMs?: number;
  /** Spans kept across all traces; beyond it the idlest traces are flushed early. Default 100 000. */
  maxSpans?: number;
  now?: () => number;
};

export type RouteResolverStats = {
  traces: number;
  spans: number;
  /** Camel spans waiting for an ancestor. */
  pending: number;
  hops: number;
  /** Spans flushed before their chain reached a route or a root (an ancestor that never came). */
  orphaned: number;
};

export type RouteResolver = {
  /** Records spans and returns the hops that can be resolved now, from these and earlier spans. */
  add(rows: readonly SpanRow[]): CamelHopRow[];
  /** Flushes the traces idle past the TTL (all of them with `all`), returning their last hops. */
  expire(all?: boolean): CamelHopRow[];
  stats(): RouteResolverStats;
};

/** How far a parent chain is followed; deeper (or cyclic) chains end as if at a root. */
const maxChain = 256;

/**
 * The route a Camel span belongs to is its nearest EVENT_RECEIVED ancestor. Children end, and are
 * exported, before their parents, so a span's ancestors often come in a later batch: spans are
 * kept per trace for a bounded time and resolved as their chain completes. Spans themselves are
 * not held: the caller stores them at once; only the hops wait.
 */
export function createRouteResolver(options: RouteResolverOptions = {}): RouteResolver {
  const ttlMs = options.ttlMs ?? 30_000;
  const maxSpans = options.maxSpans ?? 100_000;
  const now = options.now ?? Date.now;
  // Insertion order is idleness order: a trace touched again is moved to the end.
  const traces = new Map<string, TraceWindow>();
  let spans = 0;
  let pending = 0;
  const counts = { hops: 0, orphaned: 0 };

  const windowOf = (key: string): TraceWindow => {
    const found = traces.get(key);
    const window = found ?? { spans: new Map(), pending: new Set(), touchedAt: 0 };
    if (found) traces.delete(key);
    window.touchedAt = now();
    traces.set(key, window);
    return window;
  };

  const settle = (window: TraceWindow, out: CamelHopRow[], orphans: boolean) => {
    for (const spanId of [...window.pending]) {
      const span = window.spans.get(spanId);
      if (!span) continue;
      const found = nearestRoute(window, span, orphans);
      if (found === 'wait') continue;
      window.pending.delete(spanId);
      pending--;
      if (found.orphan) counts.orphaned++;
      const made = hopsOf(span, found);
      counts.hops += made.length;
      out.push(...made);
    }
  };

  const drop = (key: string, window: TraceWindow, out: CamelHopRow[]) => {
    settle(window, out, true);
    spans -= window.spans.size;
    traces.delete(key);
  };

  return {
    add(rows) {
      const out: CamelHopRow[] = [];
      const touched = new Map<string, TraceWindow>();
      for (const row of rows) {
        const key = `${row.TenantId}\u0000${row.Environment}\u0000${row.App}\u0000${row.TraceId}`;
        const window = touched.get(key) ?? windowOf(key);
        touched.set(key, window);
        // A batch sent again after a 429 brings spans already seen: their hops are not made twice.
        if (window.spans.has(row.SpanId)) continue;
        const span: Known = Object.assign(camelSpan(row), { owner: ownerOf(row), traceId: row.TraceId });
        window.spans.set(row.SpanId, span);
        spans++;
        if (span.op !== 'other') {
          window.pending.add(row.SpanId);
          pending++;
        }
      }
      for (const window of touched.values()) settle(window, out, false);
      for (const [key, window] of traces) {
        if (spans <= maxSpans) break;
        drop(key, window, out);
      }
      return out;
    },
    expire(all = false) {
      const out: CamelHopRow[] = [];
      const cutoff = now() - ttlMs;
      for (const [key, window] of traces) {
        if (!all && window.touchedAt > cutoff) break;
        drop(key, window, out);
      }
      return out;
    },
    stats: () => ({ traces: traces.size, spans, pending, ...counts }),
  };
}

type Found = { route: Known | undefined; direct: boolean; orphan: boolean };

/**
 * The nearest received ancestor, and whether the span hangs straight under it (no send between:
 * how the Java agent enters a direct/seda route). 'wait' while an ancestor is missing, unless
 * `orphans`: then what is known is taken and the span counted as orphaned.
 */
function nearestRoute(window: TraceWindow, span: Known, orphans: boolean): Found | 'wait' {
  let parentId = span.parent;
  let direct = true;
  for (let step = 0; step < maxChain && parentId !== ''; step++) {
    const parent = window.spans.get(parentId);
    if (!parent) return orphans ? { route: undefined, direct: false, orphan: true } : 'wait';
    if (parent.op === 'received') return { route: parent, direct, orphan: false };
    if (parent.op === 'sent') direct = false;
    parentId = parent.parent;
  }
  return { route: undefined, direct: false, orphan: false };
}

function hopsOf(span: Known, found: Found): CamelHopRow[] {
  const route = found.route;
  // One object literal per row: spreading the owner into rows of this width was several times slower.
  const { owner } = span;
  const hop = (Hop: string, Route: string, RouteId: string, Target: string): CamelHopRow => ({
    TenantId: owner.TenantId,
    Environment: owner.Environment,
    App: owner.App,
    DeploymentId: owner.DeploymentId,
    RetentionDays: owner.RetentionDays,
    Timestamp: span.timestamp,
    TraceId: span.traceId,
    SpanId: span.spanId,
    Hop,
    Route,
    RouteId,
    Target,
    Shape: span.shape ?? '',
    Duration: span.duration,
    Failed: span.failed ? 1 : 0,
  });
  switch (span.op) {
    case 'received': {
      const hops = [hop('route', span.endpoint, ownRouteId(span, route), '')];
      if (route && found.direct) hops.push(hop('edge', route.endpoint, '', span.endpoint));
      return hops;
    }
    case 'sent':
      return [hop('edge', route?.endpoint ?? '', '', span.endpoint)];
    case 'processor':
      return [hop('processor', route?.endpoint ?? '', '', span.name)];
    default:
      return [];
  }
}

/**
 * `camel.route.id` is `Exchange.getFromRouteId()`: a route entered from another route carries the
 * caller's id. It names this route only when the calling route does not carry the same id.
 */
function ownRouteId(span: Known, caller: Known | undefined): string {
  if (span.carriedRouteId === '') return '';
  return caller?.carriedRouteId === span.carriedRouteId ? '' : span.carriedRouteId;
}

function ownerOf(row: SpanRow): Owner {
  return {
    TenantId: row.TenantId,
    Environment: row.Environment,
    App: row.App,
    DeploymentId: row.DeploymentId,
    RetentionDays: row.RetentionDays,
  };
}
