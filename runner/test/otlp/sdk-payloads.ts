/**
 * OTLP payloads made by the OpenTelemetry JS SDK and its own serializers
 * (`@opentelemetry/otlp-transformer`), an encoder independent of the intake's decoder: what an
 * instrumented app really sends.
 */
import { type Attributes, context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import {
  JsonLogsSerializer,
  JsonMetricsSerializer,
  JsonTraceSerializer,
  ProtobufLogsSerializer,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { AggregationType, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { TelemetryScope } from '../../src/telemetry/rows.ts';

export type Encoding = 'protobuf' | 'json';

/** The scope an agent token names in the intake's and the decoder's tests. */
export const tokenScope: TelemetryScope = {
  tenantId: 'ten_mine',
  environment: 'prod',
  app: 'orders',
  deploymentId: 'dep_mine',
  retentionDays: 7,
};

/** A recent time (rows older than their retention are dropped by TTL), in ms since the epoch. */
export const baseMs = Date.now() - 60_000;

export function bytes(data: Uint8Array | undefined): Buffer {
  if (!data) throw new Error('the serializer produced nothing');
  return Buffer.from(data);
}

/** A server span with a child client span carrying an event, and an error status. */
export function sdkTraces(encoding: Encoding, resource: Attributes) {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes(resource),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('camel-test', '1.2.3');
  const server = tracer.startSpan('GET /orders', {
    kind: SpanKind.SERVER,
    startTime: baseMs,
    attributes: { 'camel.route.id': 'orders', 'camel.uri': 'platform-http:/orders', 'http.status': 200 },
  });
  const child = tracer.startSpan(
    'to kafka',
    {
      kind: SpanKind.CLIENT,
      startTime: baseMs + 2,
      attributes: { retries: [1, 2], ratio: 0.5, ok: true },
    },
    trace.setSpan(context.active(), server),
  );
  child.addEvent('sent', { partition: 3 }, baseMs + 3);
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'broker down' });
  child.end(baseMs + 7);
  server.end(baseMs + 10);
  const spans = exporter.getFinishedSpans();
  const serializer = encoding === 'json' ? JsonTraceSerializer : ProtobufTraceSerializer;
  return { body: bytes(serializer.serializeRequest(spans)), spans };
}

export function sdkLogs(encoding: Encoding, resource: Attributes) {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes(resource),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('app-log', '0.1');
  logger.emit({
    timestamp: baseMs,
    severityNumber: SeverityNumber.WARN,
    severityText: 'WARN',
    body: 'order 42 is late',
    attributes: { 'order.id': 42 },
  });
  logger.emit({ timestamp: baseMs + 1, severityNumber: SeverityNumber.INFO, body: { structured: ['a', 1] } });
  const records = exporter.getFinishedLogRecords();
  const serializer = encoding === 'json' ? JsonLogsSerializer : ProtobufLogsSerializer;
  return { body: bytes(serializer.serializeRequest(records)) };
}

class CollectingReader extends MetricReader {
  protected async onForceFlush() {}
  protected async onShutdown() {}
}

/** A counter, an explicit-bucket histogram, a gauge and an exponential histogram (as a view makes it). */
export async function sdkMetrics(encoding: Encoding, resource: Attributes) {
  const reader = new CollectingReader();
  const provider = new MeterProvider({
    resource: resourceFromAttributes(resource),
    readers: [reader],
    views: [{ instrumentName: 'payload.size', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
  });
  const meter = provider.getMeter('camel-metrics');
  meter.createCounter('exchanges', { unit: '1' }).add(5, { route: 'orders' });
  meter.createHistogram('latency', { unit: 'ms' }).record(12, { route: 'orders' });
  meter.createGauge('queue.depth').record(7);
  const payload = meter.createHistogram('payload.size', { unit: 'By' });
  for (const size of [0, 3, 40, 500]) payload.record(size, { route: 'orders' });
  const { resourceMetrics, errors } = await reader.collect();
  if (errors.length > 0) throw errors[0];
  const serializer = encoding === 'json' ? JsonMetricsSerializer : ProtobufMetricsSerializer;
  return { body: bytes(serializer.serializeRequest(resourceMetrics)) };
}
