import { type ClickHouseConnection, clickhouseConnectionOf } from '@cameleer/shared';
import { parseRunnerConfig, type RunnerConfig } from '../config/schema.ts';
import type { PipelineTuningInput } from './pipeline/index.ts';

/** Where the runner writes telemetry and where its intake listens. */
export type RunnerTelemetryConfig = {
  /** A ClickHouse HTTP interface: a server, or the edge's embedded chDB. */
  clickhouse: ClickHouseConnection;
  /** The intake's interface: loopback for processes; all interfaces when apps run in containers. */
  intakeHost?: string;
  /** Default any free port (apps are told the port when they are deployed). */
  intakePort?: number;
  tuning?: PipelineTuningInput;
};

/** The telemetry part of the runner's configuration; `undefined` when no ClickHouse is named. */
export function telemetryConfigOf(config: RunnerConfig): RunnerTelemetryConfig | undefined {
  const clickhouse = clickhouseConnectionOf(config);
  if (!clickhouse) return undefined;
  const tuning: PipelineTuningInput = {};
  if (config.CAMELEER_TELEMETRY_SPOOL_BYTES !== undefined)
    tuning.spoolBytes = config.CAMELEER_TELEMETRY_SPOOL_BYTES;
  if (config.CAMELEER_TELEMETRY_RATE !== undefined) tuning.ratePerSecond = config.CAMELEER_TELEMETRY_RATE;
  return {
    clickhouse,
    ...(config.CAMELEER_INTAKE_HOST ? { intakeHost: config.CAMELEER_INTAKE_HOST } : {}),
    ...(config.CAMELEER_INTAKE_PORT !== undefined ? { intakePort: config.CAMELEER_INTAKE_PORT } : {}),
    tuning,
  };
}

/** For commands that need only telemetry (`doctor`): the same schema, the same checks. */
export function telemetryConfigFromEnv(env: NodeJS.ProcessEnv): RunnerTelemetryConfig | undefined {
  return telemetryConfigOf(parseRunnerConfig(env));
}
