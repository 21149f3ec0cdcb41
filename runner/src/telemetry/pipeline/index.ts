export type { Batch } from './batch.ts';
export type { PipelineClient } from './clickhouse-insert.ts';
export { insertBatch } from './clickhouse-insert.ts';
export type { PipelineTuning, PipelineTuningInput } from './options.ts';
export {
  PipelineTuning as PipelineTuningSchema,
  parsePipelineTuning,
  pipelineTuningFromEnv,
} from './options.ts';
export type {
  TelemetryPipeline,
  TelemetryPipelineOptions,
  TelemetryPipelineStats,
  TelemetrySink,
} from './pipeline.ts';
export { createTelemetryPipeline } from './pipeline.ts';
export { pipelineStatus } from './pipeline-status.ts';
export { estimatedSpoolBytesPerRecord, minimumSpoolHours, spoolHours } from './spool-budget.ts';
