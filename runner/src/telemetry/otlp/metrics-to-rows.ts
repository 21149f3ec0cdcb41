import type { GaugeRow, HistogramRow, RowsByTable, SumRow, TelemetryScope } from '../rows.ts';
import { attributes } from './attributes.ts';
import type { HistogramDataPoint, Metric, MetricsRequest, NumberDataPoint } from './model.ts';
import { type ResourceColumns, resourceColumns, type ScopeColumns, scopeColumns } from './resource-scope.ts';
import { double, int64, nanosTime } from './scalars.ts';

export type MetricRows = Pick<
  RowsByTable,
  'otel_metrics_gauge' | 'otel_metrics_sum' | 'otel_metrics_histogram'
> & {
  /** Data points of kinds no table holds (exponential histograms, summaries): answered as a partial success. */
  unstored: number;
};

export function metricsToRows(request: MetricsRequest, scope: TelemetryScope): MetricRows {
  const gauge: GaugeRow[] = [];
  const sum: SumRow[] = [];
  const histogram: HistogramRow[] = [];
  let unstored = 0;
  for (const resourceMetrics of request.resourceMetrics ?? []) {
    const resource = resourceColumns(resourceMetrics.resource, resourceMetrics.schemaUrl);
    for (const scopeMetrics of resourceMetrics.scopeMetrics ?? []) {
      const scopeCols = scopeColumns(scopeMetrics.scope, scopeMetrics.schemaUrl);
      for (const metric of scopeMetrics.metrics ?? []) {
        const row = (point: NumberDataPoint | HistogramDataPoint) =>
          pointRow(scope, resource, scopeCols, metric, point);
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
        unstored +=
          (metric.exponentialHistogram?.dataPoints?.length ?? 0) + (metric.summary?.dataPoints?.length ?? 0);
      }
    }
  }
  return { otel_metrics_gauge: gauge, otel_metrics_sum: sum, otel_metrics_histogram: histogram, unstored };
}

// One object literal for the columns all metric tables share: spreading into wide rows is slow.
function pointRow(
  scope: TelemetryScope,
  resource: ResourceColumns,
  scopeCols: ScopeColumns,
  metric: Metric,
  point: NumberDataPoint | HistogramDataPoint,
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
    Count: Number(int64(point.count, 'histogram count')),
    Sum: double(point.sum),
    BucketCounts: (point.bucketCounts ?? []).map((count) => Number(int64(count, 'histogram bucket count'))),
    ExplicitBounds: (point.explicitBounds ?? []).map(double),
    Min: double(point.min),
    Max: double(point.max),
  };
}
