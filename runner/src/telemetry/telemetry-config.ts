import { z } from 'zod';
import { type PipelineTuningInput, pipelineTuningFromEnv } from './pipeline/index.ts';

/** Where the runner writes telemetry and where its intake listens. */
export type RunnerTelemetryConfig = {
  /** A ClickHouse HTTP interface: a server, or the edge's embedded chDB. */
  clickhouse: { url: string; username?: string; password?: string; database?: string };
  /** The intake's interface: loopback for processes; all interfaces when apps run in containers. */
  intakeHost?: string;
  /** Default any free port (apps are told the port when they are deployed). */
  intakePort?: number;
  tuning?: PipelineTuningInput;
};

const Env = z.object({
  CAMELEER_CLICKHOUSE_URL: z.url().optional(),
  CAMELEER_CLICKHOUSE_USER: z.string().min(1).optional(),
  CAMELEER_CLICKHOUSE_PASSWORD: z.string().min(1).optional(),
  CAMELEER_CLICKHOUSE_DATABASE: z.string().min(1).optional(),
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
  if (!e.CAMELEER_CLICKHOUSE_URL) return undefined;
  return {
    clickhouse: {
      url: e.CAMELEER_CLICKHOUSE_URL,
      ...(e.CAMELEER_CLICKHOUSE_USER ? { username: e.CAMELEER_CLICKHOUSE_USER } : {}),
      ...(e.CAMELEER_CLICKHOUSE_PASSWORD ? { password: e.CAMELEER_CLICKHOUSE_PASSWORD } : {}),
      ...(e.CAMELEER_CLICKHOUSE_DATABASE ? { database: e.CAMELEER_CLICKHOUSE_DATABASE } : {}),
    },
    ...(e.CAMELEER_INTAKE_HOST ? { intakeHost: e.CAMELEER_INTAKE_HOST } : {}),
    ...(e.CAMELEER_INTAKE_PORT !== undefined ? { intakePort: e.CAMELEER_INTAKE_PORT } : {}),
    tuning: pipelineTuningFromEnv(env),
  };
}
