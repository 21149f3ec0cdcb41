/** The ClickHouse row contract lives in shared/: the runner writes these rows and the edge reads them. */
export {
  type Attributes,
  type ExponentialHistogramRow,
  type FailedExchangeRow,
  type GaugeRow,
  type HistogramRow,
  type LogRow,
  nanosToDateTime64,
  ownerColumns,
  type RowsByTable,
  type SpanRow,
  type SummaryRow,
  type SumRow,
  type TableRows,
  type TelemetryScope,
  type TelemetryTable,
  telemetryTables,
} from '@cameleer/shared';
