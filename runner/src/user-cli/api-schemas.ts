import { DeploymentState } from '@cameleer/shared';
import { z } from 'zod';

// What the CLI reads of the edge's answers. Loose objects: fields the CLI does not
// know are kept, so `--json` shows everything the edge sent.

export const Me = z.looseObject({
  actor: z.looseObject({ type: z.string(), id: z.string(), name: z.string() }),
  platformAdmin: z.boolean(),
  memberships: z.array(z.looseObject({ tenantId: z.string(), role: z.string() })),
});
export type Me = z.infer<typeof Me>;

export const Tenant = z.looseObject({ id: z.string(), slug: z.string(), name: z.string() });
export type Tenant = z.infer<typeof Tenant>;

export const TenantList = z.looseObject({ items: z.array(Tenant) });

export const RunnerToken = z.looseObject({
  token: z.string(),
  expiresAt: z.string(),
  environments: z.array(z.string()),
  register: z.string(),
});
export type RunnerToken = z.infer<typeof RunnerToken>;

export const Runner = z.looseObject({
  id: z.string(),
  name: z.string(),
  status: z.enum(['online', 'offline', 'revoked']),
  transport: z.string().nullable(),
  environments: z.array(z.string()),
  version: z.string(),
  capabilities: z.array(z.string()),
  lastSeenAt: z.string().nullable(),
});
export type Runner = z.infer<typeof Runner>;

export const RunnerList = z.looseObject({ items: z.array(Runner) });

export const App = z.looseObject({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  createdAt: z.string(),
  private: z.boolean().optional(),
  healthPath: z.string().nullable().optional(),
  writeableVolumes: z.array(z.string()).optional(),
  memoryMb: z.number().optional(),
  cpus: z.number().optional(),
});
export type App = z.infer<typeof App>;

export const AppList = z.looseObject({ items: z.array(App) });

export const ConfigEntry = z.looseObject({
  key: z.string(),
  value: z.string().nullable(),
  secret: z.boolean(),
  layer: z.string(),
});
export type ConfigEntry = z.infer<typeof ConfigEntry>;

export const ConfigList = z.looseObject({ items: z.array(ConfigEntry) });

export const Environment = z.looseObject({ id: z.string(), name: z.string() });
export const EnvironmentList = z.looseObject({ items: z.array(Environment) });

export const AppVersion = z.looseObject({
  id: z.string(),
  number: z.number(),
  label: z.string(),
  sha256: z.string(),
  sizeBytes: z.number(),
  mainClass: z.string(),
});
export type AppVersion = z.infer<typeof AppVersion>;

export const AppVersionList = z.looseObject({ items: z.array(AppVersion) });

export { DeploymentState } from '@cameleer/shared';

export const Deployment = z.looseObject({
  id: z.string(),
  environmentId: z.string(),
  versionId: z.string(),
  state: DeploymentState,
  reason: z.string(),
  url: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Deployment = z.infer<typeof Deployment>;

export const DeploymentList = z.looseObject({ items: z.array(Deployment) });

export const DeploymentDetail = Deployment.extend({
  commandId: z.string().nullable().optional(),
  events: z.array(z.looseObject({ at: z.string(), state: DeploymentState, reason: z.string() })),
});
export type DeploymentDetail = z.infer<typeof DeploymentDetail>;

export const CommandState = z.enum(['queued', 'sent', 'acked', 'succeeded', 'failed']);

/** A command the edge queued for a runner: stop, restart, remove, logs. */
export const Command = z.looseObject({
  id: z.string(),
  kind: z.string(),
  state: CommandState,
  error: z.string().nullable(),
});
export type Command = z.infer<typeof Command>;

export const CommandDetail = Command.extend({
  events: z.array(z.looseObject({ at: z.string(), message: z.string() })),
});
export type CommandDetail = z.infer<typeof CommandDetail>;

export const AppLogs = z.looseObject({ lines: z.array(z.string()) });

// Telemetry (the observability API). Durations in milliseconds, times ISO-8601.

export const LogRecord = z.looseObject({
  time: z.string(),
  environment: z.string(),
  app: z.string(),
  level: z.string(),
  body: z.string(),
});
export type LogRecord = z.infer<typeof LogRecord>;

export const LogPage = z.looseObject({ items: z.array(LogRecord), next: z.string().nullable() });

export const TraceSummary = z.looseObject({
  traceId: z.string(),
  name: z.string(),
  route: z.string(),
  environment: z.string(),
  app: z.string(),
  startTime: z.string(),
  durationMs: z.number(),
  spanCount: z.number(),
  errorCount: z.number(),
  error: z.boolean(),
});
export type TraceSummary = z.infer<typeof TraceSummary>;

export const TraceList = z.looseObject({ items: z.array(TraceSummary) });

export type SpanNode = {
  spanId: string;
  name: string;
  kind: string;
  app: string;
  offsetMs: number;
  durationMs: number;
  status: { code: string; message: string };
  children: SpanNode[];
  [field: string]: unknown;
};

export const SpanNode: z.ZodType<SpanNode> = z.lazy(() =>
  z.looseObject({
    spanId: z.string(),
    name: z.string(),
    kind: z.string(),
    app: z.string(),
    offsetMs: z.number(),
    durationMs: z.number(),
    status: z.looseObject({ code: z.string(), message: z.string() }),
    children: z.array(SpanNode),
  }),
);

export const TraceDetail = z.looseObject({
  traceId: z.string(),
  startTime: z.string(),
  durationMs: z.number(),
  spanCount: z.number(),
  errorCount: z.number(),
  roots: z.array(SpanNode),
});
export type TraceDetail = z.infer<typeof TraceDetail>;

const EdgeStats = {
  failures: z.number(),
  errorRate: z.number(),
  p50Ms: z.number(),
  p99Ms: z.number(),
};

export const Topology = z.looseObject({
  nodes: z.array(
    z.looseObject({
      id: z.string(),
      type: z.string(),
      routeId: z.string().optional(),
      uri: z.string().optional(),
    }),
  ),
  notes: z.array(z.string()).optional(),
  edges: z.array(
    z.looseObject({
      from: z.string(),
      to: z.string(),
      direction: z.enum(['from', 'to']),
      app: z.string(),
      environment: z.string(),
      routeId: z.string(),
      endpoint: z.string(),
      calls: z.number(),
      ...EdgeStats,
    }),
  ),
});
export type Topology = z.infer<typeof Topology>;
