/**
 * An OTLP metrics request holding a summary (Micrometer's and Prometheus clients' quantiles; the
 * JS SDK makes none), encoded with the message definitions of opentelemetry-proto's metrics.proto
 * (v1; Apache License 2.0, Copyright The OpenTelemetry Authors) written out here, independent of
 * the intake's own .proto.
 */
import protobuf from 'protobufjs';
import { baseMs, type Encoding } from './sdk-payloads.ts';

const upstream = protobuf
  .parse(`
syntax = "proto3";
package opentelemetry.proto.metrics.v1;
message AnyValue { oneof value { string string_value = 1; } }
message KeyValue { string key = 1; AnyValue value = 2; }
message Resource { repeated KeyValue attributes = 1; }
message ExportMetricsServiceRequest { repeated ResourceMetrics resource_metrics = 1; }
message ResourceMetrics { Resource resource = 1; repeated ScopeMetrics scope_metrics = 2; }
message InstrumentationScope { string name = 1; string version = 2; }
message ScopeMetrics { InstrumentationScope scope = 1; repeated Metric metrics = 2; }
message Metric { string name = 1; string description = 2; string unit = 3; oneof data { Summary summary = 11; } }
message Summary { repeated SummaryDataPoint data_points = 1; }
message SummaryDataPoint {
  reserved 1;
  repeated KeyValue attributes = 7;
  fixed64 start_time_unix_nano = 2;
  fixed64 time_unix_nano = 3;
  fixed64 count = 4;
  double sum = 5;
  message ValueAtQuantile { double quantile = 1; double value = 2; }
  repeated ValueAtQuantile quantile_values = 6;
  uint32 flags = 8;
}
`)
  .root.lookupType('opentelemetry.proto.metrics.v1.ExportMetricsServiceRequest');

/** `http.server.requests` of route `orders`: 10 requests, 2.5 s in all, p50 0.2 s, p99 0.9 s. */
export function summaryRequest(encoding: Encoding, serviceName = 'orders-svc'): Buffer {
  const nanos = (ms: number) => (BigInt(ms) * 1_000_000n).toString();
  const request = {
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: serviceName } }] },
        scopeMetrics: [
          {
            scope: { name: 'micrometer', version: '1.13' },
            metrics: [
              {
                name: 'http.server.requests',
                unit: 's',
                summary: {
                  dataPoints: [
                    {
                      attributes: [{ key: 'route', value: { stringValue: 'orders' } }],
                      startTimeUnixNano: nanos(baseMs - 60_000),
                      timeUnixNano: nanos(baseMs),
                      count: '10',
                      sum: 2.5,
                      quantileValues: [
                        { quantile: 0.5, value: 0.2 },
                        { quantile: 0.99, value: 0.9 },
                      ],
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  };
  if (encoding === 'json') return Buffer.from(JSON.stringify(request));
  return Buffer.from(upstream.encode(upstream.fromObject(request)).finish());
}
