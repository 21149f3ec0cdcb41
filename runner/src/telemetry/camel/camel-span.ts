import type { SpanRow } from '../rows.ts';

/** What a span is in a Camel exchange: a route's exchange, a send to an endpoint, a processor, or none. */
export type CamelOp = 'received' | 'sent' | 'process' | 'other';

/** Who emitted it: camel-telemetry's `op` attribute, or the OpenTelemetry Java agent's Camel scope. */
export type CamelShape = 'camel-telemetry' | 'java-agent';

export type CamelSpan = {
  spanId: string;
  parent: string;
  op: CamelOp;
  shape: CamelShape | undefined;
  /** Endpoint URI without options (the route's `from` for a received span, the target for a sent one). */
  endpoint: string;
  /** `camel.route.id` as the span carries it: the exchange's originating route, not necessarily this one. */
  carriedRouteId: string;
  name: string;
  timestamp: string;
  duration: number;
  failed: boolean;
};

const javaAgentScope = /^io\.opentelemetry\.apache-camel/;
const opByAttribute: Record<string, CamelOp> = {
  EVENT_RECEIVED: 'received',
  EVENT_SENT: 'sent',
  EVENT_PROCESS: 'process',
};

/**
 * Reads the Camel meaning of a span. camel-telemetry marks it with `op`; the Java agent has no such
 * attribute, so its kind tells: a client or producer span is a send, any other span of its Camel
 * scope is a route's consumer (its direct/seda consumers are INTERNAL, and it makes no spans for
 * direct/seda sends). Spans of the v1 shape (no `op`, another scope) are left to route_edges_1m.
 */
export function camelSpan(row: SpanRow): CamelSpan {
  const attributes = row.SpanAttributes;
  const byAttribute = opByAttribute[attributes.op ?? ''];
  const agent = byAttribute === undefined && javaAgentScope.test(row.ScopeName);
  const op: CamelOp = byAttribute ?? (agent ? agentOp(row.SpanKind) : 'other');
  return {
    spanId: row.SpanId,
    parent: row.ParentSpanId,
    op,
    shape: byAttribute ? 'camel-telemetry' : agent ? 'java-agent' : undefined,
    endpoint: endpointOf(attributes, row.SpanName),
    carriedRouteId: attributes['camel.route.id'] ?? '',
    name: row.SpanName,
    timestamp: row.Timestamp,
    duration: row.Duration,
    failed: row.StatusCode === 'Error' || attributes.error === 'true',
  };
}

function agentOp(kind: string): CamelOp {
  return kind === 'Client' || kind === 'Producer' ? 'sent' : 'received';
}

/**
 * The endpoint's URI without its options. The Java agent records `camel.uri` (`apache-camel.uri`
 * before 2.x) only with its experimental attributes, but its HTTP spans carry the URL; other spans
 * are known by name only.
 */
export function endpointOf(attributes: Record<string, string>, name: string): string {
  const uri =
    attributes['camel.uri'] ||
    attributes['apache-camel.uri'] ||
    attributes['url.full'] ||
    attributes['http.url'] ||
    '';
  if (uri !== '') return withoutOptions(uri);
  const scheme = attributes['url.scheme'] ?? '';
  if (scheme !== '') return `${scheme}://${attributes['url.path'] ?? ''}`;
  return name;
}

export function withoutOptions(uri: string): string {
  const query = uri.indexOf('?');
  return query === -1 ? uri : uri.slice(0, query);
}
