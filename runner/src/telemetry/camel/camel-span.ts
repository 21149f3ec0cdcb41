import type { SpanRow } from '../rows.ts';

/** What a span is in a Camel exchange: a route's exchange, a send to an endpoint, a processor, or none. */
export type CamelOp = 'received' | 'sent' | 'processor' | 'other';

/**
 * Who emitted it: camel-telemetry's `op` attribute, the OpenTelemetry Java agent's Camel scope, or
 * camel-tracing (camel-opentelemetry v1, camel-observation): no `op`, another scope, a `camel.uri`.
 */
export type CamelShape = 'camel-telemetry' | 'java-agent' | 'camel-tracing';

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
  EVENT_PROCESS: 'processor',
};

/**
 * Reads the Camel meaning of a span. camel-telemetry marks it with `op`; the Java agent has no such
 * attribute, so its kind tells: a client or producer span is a send, any other span of its Camel
 * scope is a route's consumer (its direct/seda consumers are INTERNAL, and it makes no spans for
 * direct/seda sends). camel-tracing puts `camel.uri` on every span and takes the kind from the
 * endpoint's decorator: SERVER/CONSUMER where a route is entered (direct and seda included),
 * CLIENT/PRODUCER for a send. Spans with only `camel.route.id` cannot be placed and stay with
 * route_edges_1m.
 */
export function camelSpan(row: SpanRow): CamelSpan {
  const attributes = row.SpanAttributes;
  const byAttribute = opByAttribute[attributes.op ?? ''];
  const shape: CamelShape | undefined = byAttribute
    ? 'camel-telemetry'
    : javaAgentScope.test(row.ScopeName)
      ? 'java-agent'
      : (attributes['camel.uri'] ?? '') !== ''
        ? 'camel-tracing'
        : undefined;
  return {
    spanId: row.SpanId,
    parent: row.ParentSpanId,
    op: byAttribute ?? opByKind(shape, row.SpanKind),
    shape,
    endpoint: endpointOf(attributes, row.SpanName),
    carriedRouteId: attributes['camel.route.id'] ?? '',
    name: row.SpanName,
    timestamp: row.Timestamp,
    duration: row.Duration,
    failed: row.StatusCode === 'Error' || attributes.error === 'true',
  };
}

function opByKind(shape: CamelShape | undefined, kind: string): CamelOp {
  if (shape === undefined) return 'other';
  if (kind === 'Client' || kind === 'Producer') return 'sent';
  // camel-tracing's INTERNAL spans are not routes: a route entered is always its receiver kind.
  if (shape === 'camel-tracing' && kind !== 'Server' && kind !== 'Consumer') return 'other';
  return 'received';
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
