import { z } from '@hono/zod-openapi';
import { logLevels } from '../../telemetry/queries/search-logs.ts';
import type { SpanNode as SpanNodeType } from '../../telemetry/queries/trace-detail.ts';

const Name = z.string().min(1).max(64);
const Attributes = z.record(z.string(), z.string());

/** The time range every question takes: ISO-8601 instants, `to` exclusive; the last hour by default. */
export const RangeQuery = {
  from: z
    .string()
    .datetime({ offset: true })
    .optional()
    .openapi({ description: 'Default: an hour before `to`' }),
  to: z.string().datetime({ offset: true }).optional().openapi({ description: 'Exclusive; default: now' }),
};

const Scope = {
  app: Name.optional().openapi({ description: 'App name' }),
  environment: Name.optional().openapi({ description: 'Environment name' }),
};

export const LogSearchQuery = z.strictObject({
  ...RangeQuery,
  ...Scope,
  level: z.enum(logLevels).optional().openapi({ description: 'Records at this level or above' }),
  text: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .openapi({ description: 'Case-insensitive substring of the body' }),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(64).optional().openapi({ description: '`next` of the previous page' }),
});

export const LogRecord = z
  .object({
    time: z.string().datetime(),
    environment: z.string(),
    app: z.string(),
    deploymentId: z.string(),
    level: z.enum([...logLevels, 'unset']),
    severityText: z.string(),
    body: z.string(),
    traceId: z.string(),
    spanId: z.string(),
    scope: z.string().openapi({
      description: "Instrumentation scope; 'cameleer.stdout' / 'cameleer.stderr': captured output",
    }),
    attributes: Attributes,
  })
  .openapi('LogRecord');

export const LogPage = z
  .object({ items: z.array(LogRecord), next: z.string().nullable() })
  .openapi('LogPage', { description: 'Newest first; `next` continues with older records' });

export const TraceListQuery = z.strictObject({
  ...RangeQuery,
  ...Scope,
  status: z
    .enum(['ok', 'error'])
    .optional()
    .openapi({ description: '`error`: some span of the trace failed' }),
  minDurationMs: z.coerce.number().min(0).max(86_400_000).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const TraceSummary = z
  .object({
    traceId: z.string(),
    name: z.string().openapi({ description: "The root span's name" }),
    route: z.string().openapi({ description: 'Its HTTP route, else its Camel route id' }),
    environment: z.string(),
    app: z.string(),
    startTime: z.string().datetime(),
    durationMs: z.number(),
    spanCount: z.number().int(),
    errorCount: z.number().int(),
    error: z.boolean(),
  })
  .openapi('TraceSummary');

export const TraceList = z.object({ items: z.array(TraceSummary) }).openapi('TraceList');

export const TraceIdParam = z
  .string()
  .regex(/^[0-9a-fA-F]{16,64}$/, 'a hexadecimal trace id')
  .openapi({ param: { name: 'traceId', in: 'path' }, example: '0af7651916cd43dd8448eb211c80319c' });

const SpanFields = z.object({
  spanId: z.string(),
  parentSpanId: z.string(),
  name: z.string(),
  kind: z.string(),
  service: z.string(),
  environment: z.string(),
  app: z.string(),
  deploymentId: z.string(),
  startTime: z.string().datetime(),
  offsetMs: z.number().openapi({ description: 'From the start of the trace' }),
  durationMs: z.number(),
  status: z.object({ code: z.string(), message: z.string() }),
  attributes: Attributes,
  resource: Attributes,
  events: z.array(z.object({ time: z.string().datetime(), name: z.string(), attributes: Attributes })),
});

export const SpanNode: z.ZodType<SpanNodeType> = z
  .lazy(() => SpanFields.extend({ children: z.array(SpanNode) }))
  .openapi('SpanNode', { description: 'A span and the spans it caused, sorted by start' });

export const TraceDetail = z
  .object({
    traceId: z.string(),
    startTime: z.string().datetime(),
    durationMs: z.number(),
    spanCount: z.number().int(),
    errorCount: z.number().int(),
    roots: z.array(SpanNode).openapi({ description: 'The root span (and spans whose parent never arrived)' }),
  })
  .openapi('TraceDetail');

export const TopologyQuery = z.strictObject({ ...RangeQuery, ...Scope });

const Stats = {
  failures: z.number().int(),
  errorRate: z.number().openapi({ description: 'failures / calls, 0 to 1' }),
  p50Ms: z.number(),
  p99Ms: z.number(),
};

const partialStats = {
  failures: Stats.failures.optional(),
  errorRate: Stats.errorRate.optional(),
  p50Ms: Stats.p50Ms.optional(),
  p99Ms: Stats.p99Ms.optional(),
};

export const Topology = z
  .object({
    nodes: z.array(
      z.union([
        z.object({
          id: z.string(),
          type: z.literal('route'),
          routeId: z.string().openapi({ description: "The route's id; '' when the data does not tell it" }),
          app: z.string(),
          environment: z.string(),
          uri: z
            .string()
            .optional()
            .openapi({ description: "The route's `from` endpoint URI, without options" }),
          shape: z.string().optional().openapi({
            description:
              "Who emitted its spans: 'camel-telemetry' (camel-opentelemetry2), 'camel-tracing' (camel-opentelemetry v1, camel-observation), 'java-agent', 'route-id' (spans with camel.route.id only)",
          }),
          exchanges: z.number().int().optional(),
          ...partialStats,
        }),
        z.object({ id: z.string(), type: z.literal('endpoint'), uri: z.string() }),
      ]),
    ),
    edges: z.array(
      z.object({
        from: z.string().openapi({ description: 'Node id' }),
        to: z.string().openapi({ description: 'Node id' }),
        direction: z.enum(['from', 'to']).openapi({
          description: "'from': the endpoint feeds the route; 'to': the route calls the endpoint",
        }),
        app: z.string(),
        environment: z.string(),
        routeId: z.string(),
        endpoint: z.string(),
        calls: z.number().int(),
        ...Stats,
      }),
    ),
    shapes: z.array(z.string()).openapi({ description: 'The span shapes the graph was built from' }),
    notes: z.array(z.string()).openapi({
      description: 'What the data cannot show, e.g. route ids and internal hops with the Java agent',
    }),
  })
  .openapi('Topology');

export const RouteMetricsQuery = z.strictObject({
  ...RangeQuery,
  ...Scope,
  routeId: z.string().min(1).max(200).optional(),
});

const RouteStats = { exchanges: z.number().int(), ...Stats };

export const RouteMetricsList = z
  .object({
    items: z.array(
      z.object({
        environment: z.string(),
        app: z.string(),
        routeId: z.string().openapi({ description: "The route's id, or its `from` URI when no id is known" }),
        uri: z
          .string()
          .optional()
          .openapi({ description: "The route's `from` endpoint URI, without options" }),
        ...RouteStats,
        series: z.array(z.object({ minute: z.string().datetime(), ...RouteStats })),
        processors: z
          .array(
            z.object({
              processor: z.string(),
              calls: z.number().int(),
              failures: z.number().int(),
              totalMs: z.number(),
              p50Ms: z.number(),
              p99Ms: z.number(),
            }),
          )
          .optional()
          .openapi({ description: 'Time per processor, when the app traces processors' }),
      }),
    ),
  })
  .openapi('RouteMetrics');
