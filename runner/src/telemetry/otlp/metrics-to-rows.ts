import type {
  ExponentialHistogramRow,
  GaugeRow,
  HistogramRow,
  RowsByTable,
  SummaryRow,
  SumRow,
  TelemetryScope,
} from '../rows.ts';
import { attributes } from './attributes.ts';
import type {
  ExponentialHistogramBuckets,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  Metric,
  MetricsRequest,
  NumberDataPoint,
  SummaryDataPoint,
} from './model.ts';
import { type ResourceColumns, resourceColumns, type ScopeColumns, scopeColumns } from './resource-scope.ts';
import { count, double, int64, nanosTime } from './scalars.ts';

export type MetricRows = Pick<
  RowsByTable,
  | 'otel_metrics_gauge'
  | 'otel_metrics_sum'
  | 'otel_metrics_histogram'
  | 'otel_metrics_exponential_histogram'
  | 'otel_metrics_summary'
>;

type DataPoint = NumberDataPoint | HistogramDataPoint | ExponentialHistogramDataPoint | SummaryDataPoint;

/** Every kind of OTLP metric point, each into the exporter-layout table of its kind. */
export function metricsToRows(request: MetricsRequest, scope: TelemetryScope): MetricRows {
  const gauge: GaugeRow[] = [];
  const sum: SumRow[] = [];
  const histogram: HistogramRow[] = [];
  const exponential: ExponentialHistogramRow[] = [];
  const summary: SummaryRow[] = [];
  for (const resourceMetrics of request.resourceMetrics ?? []) {
    const resource = resourceColumns(resourceMetrics.resource, resourceMetrics.schemaUrl);
    for (const scopeMetrics of resourceMetrics.scopeMetrics ?? []) {
      const scopeCols = scopeColumns(scopeMetrics.scope, scopeMetrics.schemaUrl);
      for (const metric of scopeMetrics.metrics ?? []) {
        const row = (point: DataPoint) => pointRow(scope, resource, scopeCols, metric, point);
        for (const point of metric.gauge?.dataPoints ?? []) {
          gauge.push(Object.assign(row(point), { Value: numberValue(point) }));
        }
        for (const point of metric.sum?.dataPoints ?? []) {
          sum.push(
            Object.assign(row(point), {
              Value: numberValue(point),
              AggregationTemporality: metric.sum?.aggregationTemporality ?? 0,
              IsMonotonic: metric.sum?.isMonotonic === true,
            }),
          );
        }
        for (const point of metric.histogram?.dataPoints ?? []) {
          histogram.push(
            Object.assign(row(point), histogramColumns(point), {
              AggregationTemporality: metric.histogram?.aggregationTemporality ?? 0,
            }),
          );
        }
        for (const point of metric.exponentialHistogram?.dataPoints ?? []) {
          exponential.push(
            Object.assign(row(point), exponentialHistogramColumns(point), {
              AggregationTemporality: metric.exponentialHistogram?.aggregationTemporality ?? 0,
            }),
          );
        }
        for (const point of metric.summary?.dataPoints ?? []) {
          summary.push(Object.assign(row(point), summaryColumns(point)));
        }
      }
    }
  }
  return {
    otel_metrics_gauge: gauge,
    otel_metrics_sum: sum,
    otel_metrics_histogram: histogram,
    otel_metrics_exponential_histogram: exponential,
    otel_metrics_summary: summary,
  };
}

// One object literal for the columns all metric tables share: spreading into wide rows is slow.
function pointRow(
  scope: TelemetryScope,
  resource: ResourceColumns,
  scopeCols: ScopeColumns,
  metric: Metric,
  point: DataPoint,
) {
  return {
    TenantId: scope.tenantId,
    Environment: scope.environment,
    App: scope.app,
    DeploymentId: scope.deploymentId,
    RetentionDays: scope.retentionDays,
    ResourceAttributes: resource.ResourceAttributes,
    ResourceSchemaUrl: resource.ResourceSchemaUrl,
    ScopeName: scopeCols.ScopeName,
    ScopeVersion: scopeCols.ScopeVersion,
    ScopeAttributes: scopeCols.ScopeAttributes,
    ScopeDroppedAttrCount: scopeCols.ScopeDroppedAttrCount,
    ScopeSchemaUrl: scopeCols.ScopeSchemaUrl,
    ServiceName: resource.ServiceName,
    MetricName: metric.name ?? '',
    MetricDescription: metric.description ?? '',
    MetricUnit: metric.unit ?? '',
    Attributes: attributes(point.attributes, 'data point'),
    StartTimeUnix: nanosTime(point.startTimeUnixNano, 'data point start time'),
    TimeUnix: nanosTime(point.timeUnixNano, 'data point time'),
    Flags: point.flags ?? 0,
  };
}

function numberValue(point: NumberDataPoint): number {
  if (Object.hasOwn(point, 'asInt')) return Number(int64(point.asInt, 'data point value'));
  return double(point.asDouble);
}

function histogramColumns(point: HistogramDataPoint) {
  return {
    Count: count(point.count, 'histogram count'),
    Sum: double(point.sum),
    BucketCounts: (point.bucketCounts ?? []).map((n) => count(n, 'histogram bucket count')),
    ExplicitBounds: (point.explicitBounds ?? []).map(double),
    Min: double(point.min),
    Max: double(point.max),
  };
}

function exponentialHistogramColumns(point: ExponentialHistogramDataPoint) {
  const buckets = (side: ExponentialHistogramBuckets | undefined, what: string) =>
    (side?.bucketCounts ?? []).map((n) => count(n, what));
  return {
    Count: count(point.count, 'exponential histogram count'),
    Sum: double(point.sum),
    Scale: point.scale ?? 0,
    ZeroCount: count(point.zeroCount, 'exponential histogram zero count'),
    PositiveOffset: point.positive?.offset ?? 0,
    PositiveBucketCounts: buckets(point.positive, 'exponential histogram bucket count'),
    NegativeOffset: point.negative?.offset ?? 0,
    NegativeBucketCounts: buckets(point.negative, 'exponential histogram bucket count'),
    Min: double(point.min),
    Max: double(point.max),
  };
}

function summaryColumns(point: SummaryDataPoint) {
  const quantiles = point.quantileValues ?? [];
  return {
    Count: count(point.count, 'summary count'),
    Sum: double(point.sum),
    'ValueAtQuantiles.Quantile': quantiles.map((q) => double(q.quantile)),
    'ValueAtQuantiles.Value': quantiles.map((q) => double(q.value)),
  };
}
