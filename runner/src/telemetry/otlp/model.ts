/**
 * A decoded OTLP request, in the one shape both encodings are brought to: field names are the
 * lowerCamelCase ones of OTLP/JSON (protobufjs decodes to the same names). What differs between
 * the encodings stays a union and is resolved by the converters: 64-bit integers (protobuf
 * `Long`, JSON decimal string or number), ids (protobuf bytes, JSON hex) and bytes values
 * (protobuf bytes, JSON base64). Absent fields are `undefined` (JSON) or a default inherited from
 * the message prototype (protobuf), so presence of a oneof member is tested with `Object.hasOwn`.
 */
/** protobufjs's `Long` (from the `long` package), by its shape. */
export type Long = { low: number; high: number; unsigned: boolean };
export type Int64 = Long | number | string;
export type Bytes = Uint8Array | string;

export type AnyValue = {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: Int64;
  doubleValue?: number | string;
  arrayValue?: { values?: AnyValue[] } | null;
  kvlistValue?: { values?: KeyValue[] } | null;
  bytesValue?: Bytes;
};

export type KeyValue = { key?: string; value?: AnyValue | null };

type Scope = {
  name?: string;
  version?: string;
  attributes?: KeyValue[];
  droppedAttributesCount?: number;
} | null;

type Resource = { attributes?: KeyValue[] } | null;

export type Span = {
  traceId?: Bytes;
  spanId?: Bytes;
  traceState?: string;
  parentSpanId?: Bytes;
  name?: string;
  kind?: number;
  startTimeUnixNano?: Int64;
  endTimeUnixNano?: Int64;
  attributes?: KeyValue[];
  events?: { timeUnixNano?: Int64; name?: string; attributes?: KeyValue[] }[];
  links?: { traceId?: Bytes; spanId?: Bytes; traceState?: string; attributes?: KeyValue[] }[];
  status?: { message?: string; code?: number } | null;
};

export type TracesRequest = {
  resourceSpans?: {
    resource?: Resource;
    schemaUrl?: string;
    scopeSpans?: { scope?: Scope; schemaUrl?: string; spans?: Span[] }[];
  }[];
};

export type LogRecord = {
  timeUnixNano?: Int64;
  observedTimeUnixNano?: Int64;
  severityNumber?: number;
  severityText?: string;
  body?: AnyValue | null;
  attributes?: KeyValue[];
  flags?: number;
  traceId?: Bytes;
  spanId?: Bytes;
};

export type LogsRequest = {
  resourceLogs?: {
    resource?: Resource;
    schemaUrl?: string;
    scopeLogs?: { scope?: Scope; schemaUrl?: string; logRecords?: LogRecord[] }[];
  }[];
};

/** What every kind of metric data point has. */
type DataPoint = {
  attributes?: KeyValue[];
  startTimeUnixNano?: Int64;
  timeUnixNano?: Int64;
  flags?: number;
};

/** Double fields: a number, or one of the proto3 JSON strings "NaN", "Infinity", "-Infinity". */
type Double = number | string | null;

export type NumberDataPoint = DataPoint & { asDouble?: number | string; asInt?: Int64 };

/** Count, sum, min and max of a distribution (explicit-bucket and exponential histograms). */
type Distribution = { count?: Int64; sum?: Double; min?: Double; max?: Double };

export type HistogramDataPoint = DataPoint &
  Distribution & { bucketCounts?: Int64[]; explicitBounds?: (number | string)[] };

export type ExponentialHistogramBuckets = { offset?: number; bucketCounts?: Int64[] } | null;

export type ExponentialHistogramDataPoint = DataPoint &
  Distribution & {
    scale?: number;
    zeroCount?: Int64;
    positive?: ExponentialHistogramBuckets;
    negative?: ExponentialHistogramBuckets;
  };

export type SummaryDataPoint = DataPoint & {
  count?: Int64;
  sum?: Double;
  quantileValues?: { quantile?: number | string; value?: number | string }[];
};

export type Metric = {
  name?: string;
  description?: string;
  unit?: string;
  gauge?: { dataPoints?: NumberDataPoint[] } | null;
  sum?: { dataPoints?: NumberDataPoint[]; aggregationTemporality?: number; isMonotonic?: boolean } | null;
  histogram?: { dataPoints?: HistogramDataPoint[]; aggregationTemporality?: number } | null;
  exponentialHistogram?: {
    dataPoints?: ExponentialHistogramDataPoint[];
    aggregationTemporality?: number;
  } | null;
  summary?: { dataPoints?: SummaryDataPoint[] } | null;
};

export type MetricsRequest = {
  resourceMetrics?: {
    resource?: Resource;
    schemaUrl?: string;
    scopeMetrics?: { scope?: Scope; schemaUrl?: string; metrics?: Metric[] }[];
  }[];
};

export type OtlpSignal = 'traces' | 'logs' | 'metrics';

export type OtlpRequest =
  | { signal: 'traces'; request: TracesRequest }
  | { signal: 'logs'; request: LogsRequest }
  | { signal: 'metrics'; request: MetricsRequest };
