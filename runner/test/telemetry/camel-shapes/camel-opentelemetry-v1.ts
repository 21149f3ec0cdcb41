import { type CamelShapeFixture, kind, type SpanTemplate } from './otlp-fixture.ts';

/**
 * camel-opentelemetry (v1, on camel-tracing), our own spans reproducing its attributes:
 * - apache/camel components/camel-tracing/src/main/java/org/apache/camel/tracing/Tracer.java: a
 *   route span per route entered in the decorator's receiver kind (SERVER, also for direct/seda:
 *   AbstractInternalSpanDecorator keeps the default kinds), a CLIENT (initiator kind) span per send;
 * - components/camel-tracing/src/main/java/org/apache/camel/tracing/decorators/AbstractSpanDecorator.java:
 *   `component`, `camel.uri`, `url.scheme`, `url.path`, and since CAMEL-21622 `camel.route.id` from
 *   `Exchange.getFromRouteId()` (so every span of the exchange carries `orders`);
 * - components/camel-opentelemetry/src/main/java/org/apache/camel/opentelemetry/OpenTelemetryTracer.java:
 *   the scope "camel"; status ERROR on failure. No `op` attribute.
 */
export const camelOpenTelemetryV1: CamelShapeFixture = {
  name: 'camel-opentelemetry (v1)',
  sources: [
    'apache/camel components/camel-tracing/src/main/java/org/apache/camel/tracing/Tracer.java',
    'apache/camel components/camel-tracing/src/main/java/org/apache/camel/tracing/decorators/AbstractSpanDecorator.java',
    'apache/camel components/camel-opentelemetry/src/main/java/org/apache/camel/opentelemetry/OpenTelemetryTracer.java',
  ],
  scope: { name: 'camel', version: '' },
  exchange(failed): SpanTemplate[] {
    const attributes = (component: string, uri: string) => ({
      component: `camel-${component}`,
      'camel.uri': uri,
      'camel.route.id': 'orders',
    });
    return [
      {
        key: 'orders',
        name: 'POST',
        kind: kind.server,
        attributes: { ...attributes('platform-http', 'platform-http://orders'), 'http.method': 'POST' },
        startMs: 0,
        durationMs: 100,
        error: failed,
      },
      {
        key: 'send-validate',
        parent: 'orders',
        name: 'validate',
        kind: kind.client,
        attributes: attributes('direct', 'direct://validate'),
        startMs: 2,
        durationMs: 18,
      },
      {
        key: 'validate',
        parent: 'send-validate',
        name: 'validate',
        kind: kind.server,
        attributes: attributes('direct', 'direct://validate'),
        startMs: 3,
        durationMs: 16,
      },
      {
        key: 'send-log',
        parent: 'validate',
        name: 'log',
        kind: kind.client,
        attributes: attributes('log', 'log://validated'),
        startMs: 5,
        durationMs: 1,
      },
      {
        key: 'send-inventory',
        parent: 'orders',
        name: 'POST',
        kind: kind.client,
        attributes: { ...attributes('http', 'http://inventory:8080/reserve'), 'http.method': 'POST' },
        startMs: 30,
        durationMs: 60,
        error: failed,
      },
    ];
  },
};
