import { type CamelShapeFixture, kind, type SpanTemplate } from './otlp-fixture.ts';

/**
 * The OpenTelemetry Java agent's Camel instrumentation (camel-2.20), our own spans reproducing its
 * shape, from open-telemetry/opentelemetry-java-instrumentation
 * instrumentation/camel-2.20/javaagent/src/main/java/io/opentelemetry/javaagent/instrumentation/apachecamel/:
 * - CamelRoutePolicy.java: a span per route entered, the decorator's receiver kind (SERVER for
 *   HTTP) when no span is active and INTERNAL inside another;
 * - CamelEventNotifier.java + decorators/BaseSpanDecorator.java: a span per send of the initiator
 *   kind (CLIENT; PRODUCER in MessagingSpanDecorator.java), but none for the internal components
 *   (decorators/InternalSpanDecorator.java: direct, seda), so routes entered through them hang
 *   straight under the calling route's span;
 * - decorators/BaseSpanDecorator.java, InternalSpanDecorator.java, HttpSpanDecorator.java: span
 *   name = URI scheme, the stripped path for direct/seda, the method for HTTP; `camel.uri` only
 *   with otel.instrumentation.camel.experimental-span-attributes=true (off here); no route id.
 * The scope is the instrumentation's name.
 */
export const javaAgent: CamelShapeFixture = {
  name: 'OpenTelemetry Java agent',
  sources: [
    'open-telemetry/opentelemetry-java-instrumentation instrumentation/camel-2.20/javaagent/src/main/java/io/opentelemetry/javaagent/instrumentation/apachecamel/CamelRoutePolicy.java',
    'open-telemetry/opentelemetry-java-instrumentation instrumentation/camel-2.20/javaagent/src/main/java/io/opentelemetry/javaagent/instrumentation/apachecamel/decorators/BaseSpanDecorator.java',
  ],
  scope: { name: 'io.opentelemetry.apache-camel-2.20', version: '2.10.0-alpha' },
  exchange(failed): SpanTemplate[] {
    return [
      {
        key: 'orders',
        name: 'POST',
        kind: kind.server,
        attributes: { 'http.request.method': 'POST', 'url.full': 'http://orders:8080/orders' },
        startMs: 0,
        durationMs: 100,
        error: failed,
      },
      {
        key: 'validate',
        parent: 'orders',
        name: 'validate',
        kind: kind.internal,
        attributes: {},
        startMs: 3,
        durationMs: 16,
      },
      {
        key: 'send-log',
        parent: 'validate',
        name: 'log',
        kind: kind.client,
        attributes: {},
        startMs: 5,
        durationMs: 1,
      },
      {
        key: 'audit',
        parent: 'orders',
        name: 'audit',
        kind: kind.internal,
        attributes: {},
        startMs: 24,
        durationMs: 116,
      },
      {
        key: 'send-inventory',
        parent: 'orders',
        name: 'POST',
        kind: kind.client,
        attributes: { 'http.request.method': 'POST', 'url.full': 'http://inventory:8080/reserve' },
        startMs: 30,
        durationMs: 60,
        error: failed,
      },
    ];
  },
};
