import { type ClickHouseConnection, ClickHouseEnv, clickhouseConnectionOf } from '@cameleer/shared';
import { z } from 'zod';
import { type PipelineTuningInput, pipelineTuningFromEnv } from './pipeline/index.ts';

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

const Env = ClickHouseEnv.extend({
  CAMELEER_INTAKE_HOST: z.string().min(1).optional(),
  CAMELEER_INTAKE_PORT: z.coerce.number().int().min(0).max(65535).optional(),
});

/** From the environment (`CAMELEER_CLICKHOUSE_URL`, …); `undefined` when no ClickHouse is named. */
export function telemetryConfigFromEnv(env: NodeJS.ProcessEnv): RunnerTelemetryConfig | undefined {
  const blankless = Object.fromEntries(Object.entries(env).filter(([, v]) => v?.trim()));
  const parsed = Env.safeParse(blankless);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`invalid telemetry configuration: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  const e = parsed.data;
  const clickhouse = clickhouseConnectionOf(e);
  if (!clickhouse) return undefined;
  return {
    clickhouse,
    ...(e.CAMELEER_INTAKE_HOST ? { intakeHost: e.CAMELEER_INTAKE_HOST } : {}),
    ...(e.CAMELEER_INTAKE_PORT !== undefined ? { intakePort: e.CAMELEER_INTAKE_PORT } : {}),
    tuning: pipelineTuningFromEnv(env),
  };
}
