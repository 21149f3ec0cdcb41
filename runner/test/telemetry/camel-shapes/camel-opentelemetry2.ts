import { type CamelShapeFixture, kind, type SpanTemplate } from './otlp-fixture.ts';

/**
 * camel-opentelemetry2 on camel-telemetry (Camel 4.11+), our own spans reproducing its attributes:
 * - apache/camel components/camel-telemetry/src/main/java/org/apache/camel/telemetry/Tracer.java:
 *   a route span per route the exchange enters (`op=EVENT_RECEIVED`, from the route policy's
 *   onExchangeBegin on the route's `from` endpoint), an endpoint span per send (`op=EVENT_SENT`,
 *   child of the span on top of the exchange's stack), processor spans (`op=EVENT_PROCESS`) only
 *   with traceProcessors, with the processor span on the stack as the parent of its sends;
 * - .../telemetry/decorators/AbstractSpanDecorator.java: `component` (camel-<name>), `url.scheme`,
 *   `url.path` (URI stripped of scheme and options), `exchangeId`, `camel.uri`; `error=true` on a
 *   failed exchange; span name = component name;
 * - .../telemetry/decorators/AbstractInternalSpanDecorator.java: direct/seda spans are named by the
 *   stripped URI; .../decorators/AbstractHttpSpanDecorator.java: HTTP spans by method;
 * - .../telemetry/TagConstants.java: the attribute names;
 * - components/camel-opentelemetry2/src/main/java/org/apache/camel/opentelemetry2/OpenTelemetryTracer.java:
 *   the scope is the tracer "camel"; older releases set no span kind (INTERNAL for every span).
 * After CAMEL-23312 spans carry CLIENT/SERVER/PRODUCER/CONSUMER kinds and recent builds add
 * `camel.route.id`, which is `Exchange.getFromRouteId()`: the route that originated the exchange,
 * so `validate` and `audit` carry `orders` (the pitfall the resolver must not fall into).
 */
export function camelOpenTelemetry2(
  release: 'internal-kinds' | 'camel-23312',
  opts: { traceProcessors?: boolean } = {},
): CamelShapeFixture {
  const recent = release === 'camel-23312';
  const k = (typed: number) => (recent ? typed : kind.internal);
  const routeId = (id: string): Record<string, string> => (recent ? { 'camel.route.id': id } : {});
  const endpoint = (component: string, scheme: string, path: string, exchangeId: string) => ({
    component: `camel-${component}`,
    'url.scheme': scheme,
    'url.path': path,
    exchangeId,
    'camel.uri': `${scheme}://${path}`,
  });
  return {
    name: `camel-opentelemetry2 (${release}${opts.traceProcessors ? ', traceProcessors' : ''})`,
    sources: [
      'apache/camel components/camel-telemetry/src/main/java/org/apache/camel/telemetry/Tracer.java',
      'apache/camel components/camel-telemetry/src/main/java/org/apache/camel/telemetry/decorators/AbstractSpanDecorator.java',
      'apache/camel components/camel-opentelemetry2/src/main/java/org/apache/camel/opentelemetry2/OpenTelemetryTracer.java',
    ],
    scope: { name: 'camel', version: '' },
    exchange(failed, exchangeId) {
      const fail: Record<string, string> = failed ? { error: 'true' } : {};
      const processors = opts.traceProcessors === true;
      const spans: SpanTemplate[] = [
        {
          key: 'orders',
          name: 'POST',
          kind: k(kind.server),
          attributes: {
            op: 'EVENT_RECEIVED',
            ...endpoint('platform-http', 'platform-http', 'orders', exchangeId),
            'http.method': 'POST',
            'http.url': 'http://orders:8080/orders',
            ...routeId('orders'),
            ...fail,
          },
          startMs: 0,
          durationMs: 100,
          error: failed,
        },
        {
          key: 'send-validate',
          parent: processors ? 'to1' : 'orders',
          name: 'validate',
          kind: k(kind.internal),
          attributes: {
            op: 'EVENT_SENT',
            ...endpoint('direct', 'direct', 'validate', exchangeId),
            ...routeId('orders'),
          },
          startMs: 2,
          durationMs: 18,
        },
        {
          key: 'validate',
          parent: 'send-validate',
          name: 'validate',
          kind: k(kind.internal),
          attributes: {
            op: 'EVENT_RECEIVED',
            ...endpoint('direct', 'direct', 'validate', exchangeId),
            ...routeId('orders'),
          },
          startMs: 3,
          durationMs: 16,
        },
        {
          key: 'send-log',
          parent: 'validate',
          name: 'log',
          kind: k(kind.client),
          attributes: {
            op: 'EVENT_SENT',
            ...endpoint('log', 'log', 'validated', exchangeId),
            ...routeId('orders'),
          },
          startMs: 5,
          durationMs: 1,
        },
        {
          key: 'send-audit',
          parent: 'orders',
          name: 'audit',
          kind: k(kind.producer),
          attributes: {
            op: 'EVENT_SENT',
            ...endpoint('seda', 'seda', 'audit', exchangeId),
            ...routeId('orders'),
          },
          startMs: 22,
          durationMs: 1,
        },
        {
          // The seda consumer runs on its own thread and may end after the route that sent to it.
          key: 'audit',
          parent: 'send-audit',
          name: 'audit',
          kind: k(kind.consumer),
          attributes: {
            op: 'EVENT_RECEIVED',
            ...endpoint('seda', 'seda', 'audit', `${exchangeId}-audit`),
            ...routeId('orders'),
          },
          startMs: 24,
          durationMs: 116,
        },
        {
          key: 'send-inventory',
          parent: 'orders',
          name: 'POST',
          kind: k(kind.client),
          attributes: {
            op: 'EVENT_SENT',
            ...endpoint('http', 'http', 'inventory:8080/reserve', exchangeId),
            'http.method': 'POST',
            'http.url': 'http://inventory:8080/reserve',
            ...(failed ? {} : ({ 'http.status_code': '200' } as Record<string, string>)),
            ...routeId('orders'),
            ...fail,
          },
          startMs: 30,
          durationMs: 60,
          error: failed,
        },
      ];
      if (processors) {
        spans.push({
          // TraceProcessorsInterceptStrategy names a processor span `<id>-<shortName>`.
          key: 'to1',
          parent: 'orders',
          name: 'to1-to',
          kind: kind.internal,
          attributes: { op: 'EVENT_PROCESS', component: 'camel-to', exchangeId, ...routeId('orders') },
          startMs: 1,
          durationMs: 20,
        });
      }
      return spans;
    },
  };
}
