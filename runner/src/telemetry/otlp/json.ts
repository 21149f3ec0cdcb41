import { z } from 'zod';
import { OtlpRefused } from './limits.ts';
import type { AnyValue, KeyValue, LogsRequest, MetricsRequest, OtlpSignal, TracesRequest } from './model.ts';

/**
 * OTLP/JSON as the spec has it: lowerCamelCase names, ids in hex, bytes values in base64, enums as
 * integers, 64-bit integers as decimal strings or numbers. Unknown fields are ignored (the spec
 * asks receivers to), wrong types refuse the request.
 */
const int64 = z.union([z.string().regex(/^-?\d{1,20}$/, 'expected a decimal integer'), z.number().int()]);
const double = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])]);
const enumValue = z.number().int();
const id = z.string().regex(/^[0-9a-fA-F]*$/, 'expected hex digits');
const count = z.number().int().nonnegative();
const int32 = z
  .number()
  .int()
  .min(-(2 ** 31))
  .max(2 ** 31 - 1);

const anyValue: z.ZodType<AnyValue> = z.lazy(() =>
  z.object({
    stringValue: z.string().optional(),
    boolValue: z.boolean().optional(),
    intValue: int64.optional(),
    doubleValue: double.optional(),
    arrayValue: z.object({ values: z.array(anyValue).optional() }).optional(),
    kvlistValue: z.object({ values: z.array(keyValue).optional() }).optional(),
    bytesValue: z.base64().optional(),
  }),
);
const keyValue: z.ZodType<KeyValue> = z.lazy(() =>
  z.object({ key: z.string().optional(), value: anyValue.optional() }),
);
const attributes = z.array(keyValue).optional();

const resource = z.object({ attributes, droppedAttributesCount: count.optional() }).optional();
const scope = z
  .object({
    name: z.string().optional(),
    version: z.string().optional(),
    attributes,
    droppedAttributesCount: count.optional(),
  })
  .optional();

const span = z.object({
  traceId: id.optional(),
  spanId: id.optional(),
  traceState: z.string().optional(),
  parentSpanId: id.optional(),
  flags: count.optional(),
  name: z.string().optional(),
  kind: enumValue.optional(),
  startTimeUnixNano: int64.optional(),
  endTimeUnixNano: int64.optional(),
  attributes,
  events: z
    .array(z.object({ timeUnixNano: int64.optional(), name: z.string().optional(), attributes }))
    .optional(),
  links: z
    .array(
      z.object({
        traceId: id.optional(),
        spanId: id.optional(),
        traceState: z.string().optional(),
        attributes,
      }),
    )
    .optional(),
  status: z.object({ message: z.string().optional(), code: enumValue.optional() }).optional(),
});

const tracesRequest = z.object({
  resourceSpans: z
    .array(
      z.object({
        resource,
        schemaUrl: z.string().optional(),
        scopeSpans: z
          .array(z.object({ scope, schemaUrl: z.string().optional(), spans: z.array(span).optional() }))
          .optional(),
      }),
    )
    .optional(),
});

const logRecord = z.object({
  timeUnixNano: int64.optional(),
  observedTimeUnixNano: int64.optional(),
  severityNumber: enumValue.optional(),
  severityText: z.string().optional(),
  body: anyValue.optional(),
  attributes,
  flags: count.optional(),
  traceId: id.optional(),
  spanId: id.optional(),
});

const logsRequest = z.object({
  resourceLogs: z
    .array(
      z.object({
        resource,
        schemaUrl: z.string().optional(),
        scopeLogs: z
          .array(
            z.object({ scope, schemaUrl: z.string().optional(), logRecords: z.array(logRecord).optional() }),
          )
          .optional(),
      }),
    )
    .optional(),
});

const pointTimes = {
  attributes,
  startTimeUnixNano: int64.optional(),
  timeUnixNano: int64.optional(),
  flags: count.optional(),
};
const numberPoints = z
  .array(z.object({ ...pointTimes, asDouble: double.optional(), asInt: int64.optional() }))
  .optional();
const distribution = {
  count: int64.optional(),
  sum: double.optional(),
  min: double.optional(),
  max: double.optional(),
};
const histogramPoints = z
  .array(
    z.object({
      ...pointTimes,
      ...distribution,
      bucketCounts: z.array(int64).optional(),
      explicitBounds: z.array(double).optional(),
    }),
  )
  .optional();
const exponentialBuckets = z
  .object({ offset: int32.optional(), bucketCounts: z.array(int64).optional() })
  .optional();
const exponentialHistogramPoints = z
  .array(
    z.object({
      ...pointTimes,
      ...distribution,
      scale: int32.optional(),
      zeroCount: int64.optional(),
      positive: exponentialBuckets,
      negative: exponentialBuckets,
    }),
  )
  .optional();
const summaryPoints = z
  .array(
    z.object({
      ...pointTimes,
      count: int64.optional(),
      sum: double.optional(),
      quantileValues: z.array(z.object({ quantile: double.optional(), value: double.optional() })).optional(),
    }),
  )
  .optional();

const metric = z.object({
  name: z.string().optional(),
  description: z.string().optional(),
  unit: z.string().optional(),
  gauge: z.object({ dataPoints: numberPoints }).optional(),
  sum: z
    .object({
      dataPoints: numberPoints,
      aggregationTemporality: enumValue.optional(),
      isMonotonic: z.boolean().optional(),
    })
    .optional(),
  histogram: z
    .object({ dataPoints: histogramPoints, aggregationTemporality: enumValue.optional() })
    .optional(),
  exponentialHistogram: z
    .object({ dataPoints: exponentialHistogramPoints, aggregationTemporality: enumValue.optional() })
    .optional(),
  summary: z.object({ dataPoints: summaryPoints }).optional(),
});

const metricsRequest = z.object({
  resourceMetrics: z
    .array(
      z.object({
        resource,
        schemaUrl: z.string().optional(),
        scopeMetrics: z
          .array(z.object({ scope, schemaUrl: z.string().optional(), metrics: z.array(metric).optional() }))
          .optional(),
      }),
    )
    .optional(),
});

const schemas = { traces: tracesRequest, logs: logsRequest, metrics: metricsRequest };
type Requests = { traces: TracesRequest; logs: LogsRequest; metrics: MetricsRequest };

export function decodeJson<S extends OtlpSignal>(signal: S, body: Buffer): Requests[S] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new OtlpRefused(`the body is not valid JSON: ${(error as Error).message}`);
  }
  let result: ReturnType<(typeof schemas)[S]['safeParse']>;
  try {
    result = schemas[signal].safeParse(parsed) as typeof result;
  } catch (error) {
    if (error instanceof RangeError) throw new OtlpRefused('the body nests values too deeply');
    throw error;
  }
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'the body';
    throw new OtlpRefused(`${where}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data as Requests[S];
}
