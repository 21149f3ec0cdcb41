import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import {
  baseMs,
  bytes,
  type Encoding,
  sdkLogs,
  sdkMetrics,
  sdkTraces,
  tokenScope,
} from '../../../test/otlp/sdk-payloads.ts';
import { summaryRequest } from '../../../test/otlp/summary-payload.ts';
import { nanosToDateTime64 } from '../rows.ts';
import { decodeOtlp } from './decode.ts';
import { OtlpRefused } from './limits.ts';
import { dateTime64 } from './scalars.ts';

const scope = tokenScope;
const owner = {
  TenantId: 'ten_mine',
  Environment: 'prod',
  App: 'orders',
  DeploymentId: 'dep_mine',
  RetentionDays: 7,
};
// What a payload may claim about itself; none of it may decide the owner of its rows.
const lyingResource = {
  'service.name': 'orders-svc',
  'service.namespace': 'ten_other',
  'deployment.environment': 'staging',
  'cameleer.deployment.id': 'dep_other',
  TenantId: 'ten_other',
};
const time = (ms: number) => {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000000`;
};

describe.each<Encoding>(['protobuf', 'json'])('OTLP %s from the OpenTelemetry JS SDK', (encoding) => {
  it('turns spans into rows owned by the token scope', () => {
    const { body } = sdkTraces(encoding, lyingResource);
    const spans = decodeOtlp('traces', encoding, body, scope).otel_traces ?? [];
    expect(spans).toHaveLength(2);
    const server = spans.find((span) => span.SpanName === 'GET /orders');
    const client = spans.find((span) => span.SpanName === 'to kafka');
    expect(server).toMatchObject({
      ...owner,
      Timestamp: time(baseMs),
      SpanKind: 'Server',
      ServiceName: 'orders-svc',
      ParentSpanId: '',
      Duration: 10_000_000,
      StatusCode: 'Unset',
      ScopeName: 'camel-test',
      ScopeVersion: '1.2.3',
      SpanAttributes: {
        'camel.route.id': 'orders',
        'camel.uri': 'platform-http:/orders',
        'http.status': '200',
      },
    });
    expect({ ...server?.ResourceAttributes }).toMatchObject({ ...lyingResource });
    expect(server?.TraceId).toMatch(/^[0-9a-f]{32}$/);
    expect(server?.SpanId).toMatch(/^[0-9a-f]{16}$/);
    expect(client).toMatchObject({
      ...owner,
      TraceId: server?.TraceId,
      ParentSpanId: server?.SpanId,
      SpanKind: 'Client',
      Duration: 5_000_000,
      StatusCode: 'Error',
      StatusMessage: 'broker down',
      SpanAttributes: { retries: '[1,2]', ratio: '0.5', ok: 'true' },
      'Events.Timestamp': [time(baseMs + 3)],
      'Events.Name': ['sent'],
      'Events.Attributes': [{ partition: '3' }],
      'Links.TraceId': [],
    });
  });

  it('turns log records into rows owned by the token scope', () => {
    const { body } = sdkLogs(encoding, lyingResource);
    const logs = decodeOtlp('logs', encoding, body, scope).otel_logs ?? [];
    expect(logs).toHaveLength(2);
    expect(logs[0]).toMatchObject({
      ...owner,
      Timestamp: time(baseMs),
      SeverityText: 'WARN',
      SeverityNumber: 13,
      Body: 'order 42 is late',
      ServiceName: 'orders-svc',
      ScopeName: 'app-log',
      ScopeVersion: '0.1',
      LogAttributes: { 'order.id': '42' },
      TraceId: '',
      SpanId: '',
    });
    expect(logs[1]).toMatchObject({ SeverityNumber: 9, Body: '{"structured":["a",1]}' });
  });

  it('turns sums, histograms and gauges into rows owned by the token scope', async () => {
    const { body } = await sdkMetrics(encoding, lyingResource);
    const rows = decodeOtlp('metrics', encoding, body, scope);
    expect(rows.otel_metrics_sum).toEqual([
      expect.objectContaining({
        ...owner,
        MetricName: 'exchanges',
        MetricUnit: '1',
        ServiceName: 'orders-svc',
        ScopeName: 'camel-metrics',
        Value: 5,
        IsMonotonic: true,
        AggregationTemporality: 2,
        Attributes: { route: 'orders' },
      }),
    ]);
    expect(rows.otel_metrics_histogram).toEqual([
      expect.objectContaining({
        ...owner,
        MetricName: 'latency',
        Count: 1,
        Sum: 12,
        Min: 12,
        Max: 12,
        AggregationTemporality: 2,
      }),
    ]);
    const histogram = rows.otel_metrics_histogram?.[0];
    expect(histogram?.BucketCounts).toHaveLength((histogram?.ExplicitBounds.length ?? 0) + 1);
    expect(histogram?.BucketCounts.reduce((a, b) => a + b, 0)).toBe(1);
    expect(rows.otel_metrics_gauge).toEqual([
      expect.objectContaining({ ...owner, MetricName: 'queue.depth', Value: 7 }),
    ]);
    expect(rows.otel_metrics_gauge?.[0]?.TimeUnix).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9}$/);
    // [0, 3, 40, 500]: one zero, the rest in base-2^(2^-scale) buckets from the positive offset.
    const [exponential] = rows.otel_metrics_exponential_histogram ?? [];
    expect(exponential).toMatchObject({
      ...owner,
      MetricName: 'payload.size',
      MetricUnit: 'By',
      Attributes: { route: 'orders' },
      Count: 4,
      Sum: 543,
      ZeroCount: 1,
      Min: 0,
      Max: 500,
      NegativeBucketCounts: [],
      AggregationTemporality: 2,
    });
    expect(exponential?.PositiveBucketCounts.reduce((a, b) => a + b, 0)).toBe(3);
    const base = 2 ** (2 ** -(exponential?.Scale ?? 0));
    expect(base ** (exponential?.PositiveOffset ?? 0)).toBeLessThan(3);
    expect(rows.otel_metrics_histogram?.map((r) => r.MetricName)).toEqual(['latency']);
  });

  it('turns summaries into rows with their quantiles', () => {
    const rows = decodeOtlp('metrics', encoding, summaryRequest(encoding), scope);
    expect(rows.otel_metrics_summary).toEqual([
      expect.objectContaining({
        ...owner,
        ServiceName: 'orders-svc',
        ScopeName: 'micrometer',
        MetricName: 'http.server.requests',
        MetricUnit: 's',
        Attributes: { route: 'orders' },
        TimeUnix: time(baseMs),
        Count: 10,
        Sum: 2.5,
        'ValueAtQuantiles.Quantile': [0.5, 0.99],
        'ValueAtQuantiles.Value': [0.2, 0.9],
      }),
    ]);
  });
});

it('decodes the same rows from protobuf and JSON', () => {
  const { spans } = sdkTraces('json', lyingResource);
  const fromProtobuf = decodeOtlp(
    'traces',
    'protobuf',
    bytes(ProtobufTraceSerializer.serializeRequest(spans)),
    scope,
  );
  const fromJson = decodeOtlp('traces', 'json', bytes(JsonTraceSerializer.serializeRequest(spans)), scope);
  expect(fromProtobuf.otel_traces).toHaveLength(2);
  expect(fromJson).toEqual(fromProtobuf);
});

/** An OTLP/JSON trace request with one span, changed by `change`. */
function jsonSpan(change: (span: Record<string, unknown>) => void = () => {}): Buffer {
  const span: Record<string, unknown> = {
    traceId: '5b8efff798038103d269b633813fc60c',
    spanId: 'eee19b7ec3c1b174',
    name: 'x',
    kind: 2,
    startTimeUnixNano: String(BigInt(baseMs) * 1_000_000n),
    endTimeUnixNano: (BigInt(baseMs) * 1_000_000n + 5n).toString(),
    attributes: [],
  };
  change(span);
  return Buffer.from(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] }));
}

function refusal(body: Buffer, encoding: Encoding = 'json'): string {
  try {
    decodeOtlp('traces', encoding, body, scope);
  } catch (error) {
    if (error instanceof OtlpRefused) return error.reason;
    throw error;
  }
  throw new Error('the request was accepted');
}

function nested(depth: number): unknown {
  return depth === 1 ? { intValue: '1' } : { arrayValue: { values: [nested(depth - 1)] } };
}

describe('limits and malformed requests', () => {
  it('accepts a well-formed span at the limits', () => {
    const body = jsonSpan((span) => {
      span.attributes = [
        { key: 'k'.repeat(256), value: { stringValue: 'v'.repeat(64 * 1024) } },
        { key: 'deep', value: nested(8) },
        ...Array.from({ length: 510 }, (_, i) => ({ key: `a${i}`, value: { boolValue: false } })),
      ];
    });
    const [row] = decodeOtlp('traces', 'json', body, scope).otel_traces ?? [];
    expect(row?.Duration).toBe(5);
    expect(row?.SpanAttributes.deep).toBe('[[[[[[[1]]]]]]]');
    expect(Object.keys(row?.SpanAttributes ?? {})).toHaveLength(512);
  });

  it('refuses each kind of malformed request with its reason', () => {
    expect(refusal(Buffer.from('{"resourceSpans": ['))).toMatch(/not valid JSON/);
    expect(refusal(jsonSpan((span) => (span.name = 42)))).toMatch(
      /resourceSpans\.0\.scopeSpans\.0\.spans\.0\.name/,
    );
    expect(refusal(jsonSpan((span) => (span.startTimeUnixNano = 'yesterday')))).toMatch(/startTimeUnixNano/);
    expect(refusal(jsonSpan((span) => (span.kind = 'SERVER')))).toMatch(/kind/);
    expect(refusal(jsonSpan((span) => (span.traceId = 'abcd')))).toMatch(/trace id must be 16 bytes/);
    expect(refusal(jsonSpan((span) => (span.spanId = 'zz'.repeat(8))))).toMatch(/spanId: expected hex/);
    expect(
      refusal(jsonSpan((span) => (span.attributes = [{ key: 'k'.repeat(257), value: { stringValue: '' } }]))),
    ).toMatch(/key of 257 characters/);
    expect(
      refusal(
        jsonSpan((span) => (span.attributes = [{ key: 'big', value: { stringValue: 'é'.repeat(40_000) } }])),
      ),
    ).toMatch(/attribute big of span is over 65536 bytes/);
    expect(
      refusal(
        jsonSpan(
          (span) =>
            (span.attributes = Array.from({ length: 513 }, (_, i) => ({
              key: `a${i}`,
              value: { stringValue: '' },
            }))),
        ),
      ),
    ).toMatch(/513 attributes/);
    expect(refusal(jsonSpan((span) => (span.attributes = [{ key: 'deep', value: nested(9) }])))).toMatch(
      /deeper than 8/,
    );
    const deep = `${'{"arrayValue":{"values":['.repeat(100_000)}{"intValue":"1"}${']}}'.repeat(100_000)}`;
    const deepBody = jsonSpan((span) => (span.attributes = [{ key: 'deep', value: 'DEEP' }]))
      .toString()
      .replace('"DEEP"', deep);
    expect(refusal(Buffer.from(deepBody))).toMatch(/too deep/);
    expect(refusal(jsonSpan((span) => (span.startTimeUnixNano = '99999999999999999999')))).toMatch(
      /out of range/,
    );
  });

  it('refuses bad protobuf', () => {
    const good = sdkTraces('protobuf', {}).body;
    expect(refusal(good.subarray(0, good.length - 3), 'protobuf')).toMatch(/not a valid protobuf/);
    expect(refusal(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2]), 'protobuf')).toMatch(
      /not a valid protobuf/,
    );
    // Field 1 (resource_spans) as a varint instead of a message.
    expect(refusal(Buffer.from([0x08, 0x01]), 'protobuf')).toMatch(/not a valid protobuf/);
  });

  it('refuses metric points whose numbers no column could hold', () => {
    const metrics = (metric: Record<string, unknown>) =>
      Buffer.from(JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics: [metric] }] }] }));
    const refused = (body: Buffer) => {
      try {
        decodeOtlp('metrics', 'json', body, scope);
      } catch (error) {
        if (error instanceof OtlpRefused) return error.reason;
        throw error;
      }
      throw new Error('the request was accepted');
    };
    expect(refused(metrics({ summary: { dataPoints: [{ count: '-1' }] } }))).toMatch(
      /summary count is negative/,
    );
    expect(refused(metrics({ histogram: { dataPoints: [{ bucketCounts: ['1', '-2'] }] } }))).toMatch(
      /histogram bucket count is negative/,
    );
    expect(refused(metrics({ exponentialHistogram: { dataPoints: [{ scale: 2 ** 31 }] } }))).toMatch(/scale/);
    expect(
      refused(metrics({ exponentialHistogram: { dataPoints: [{ positive: { offset: 1.5 } }] } })),
    ).toMatch(/positive\.offset/);
    expect(
      refused(metrics({ exponentialHistogram: { dataPoints: [{ negative: { offset: -(2 ** 31) - 1 } }] } })),
    ).toMatch(/negative\.offset/);
  });
});

it('formats times as nanosToDateTime64 does', () => {
  const times = [0n, 1n, 999_999_999n, 1_000_000_000n, BigInt(baseMs) * 1_000_000n + 123n, 2n ** 63n - 1n];
  for (const nanos of [...times, ...times]) expect(dateTime64(nanos)).toBe(nanosToDateTime64(nanos));
});
