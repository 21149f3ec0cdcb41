import { z } from '@hono/zod-openapi';
import { RangeQuery } from '../telemetry/schema.ts';

const Name = z.string().min(1).max(64);

export const ExchangeIdParam = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\w.:-]+$/)
  .openapi({ param: { name: 'exchangeId', in: 'path' }, description: 'As the agent named the exchange' });

export const FailedExchangeListQuery = z.strictObject({
  ...RangeQuery,
  app: Name.optional().openapi({ description: 'App name' }),
  environment: Name.optional().openapi({ description: 'Environment name' }),
  route: z.string().min(1).max(256).optional().openapi({ description: 'Route id or `from` URI' }),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const Replay = z
  .object({
    commandId: z.string(),
    state: z
      .string()
      .openapi({ description: "The replay command's state: queued, sent, acked, succeeded, failed" }),
    requestedBy: z.string().nullable(),
    requestedAt: z.string().datetime(),
    finishedAt: z.string().datetime().nullable(),
    outcome: z.enum(['completed', 'failed', 'unavailable']).nullable().openapi({
      description: 'What the agent answered; null until it did, or when the runner could not ask it',
    }),
    exceptionType: z.string().nullable(),
    exceptionMessage: z.string().nullable(),
    error: z
      .string()
      .nullable()
      .openapi({ description: 'Why the command failed (the agent was not reached)' }),
  })
  .openapi('Replay');

export const FailedExchangeSummary = z
  .object({
    exchangeId: z.string(),
    time: z.string().datetime(),
    environment: z.string(),
    app: z.string(),
    deploymentId: z.string(),
    routeId: z
      .string()
      .openapi({ description: 'The route the exchange entered: where a replay re-injects it' }),
    fromUri: z.string(),
    failedEndpoint: z.string().openapi({ description: 'The endpoint it was sent to when it failed' }),
    exceptionType: z.string(),
    exceptionMessage: z.string(),
    traceId: z.string(),
    replayOf: z
      .string()
      .openapi({ description: 'The exchange this one replayed, when a replay failed again' }),
    lastReplay: z.union([Replay, z.null()]),
  })
  .openapi('FailedExchangeSummary');

export const FailedExchangeList = z
  .object({ items: z.array(FailedExchangeSummary) })
  .openapi('FailedExchangeList', { description: 'Newest first' });

export const FailedExchangeDetail = FailedExchangeSummary.extend({
  stackTrace: z.string(),
  headers: z.record(z.string(), z.string()).openapi({ description: 'Redacted by the agent' }),
  headersTruncated: z.boolean(),
  body: z.string().openapi({ description: 'Redacted by the agent, at most 64 KiB' }),
  bodyTruncated: z.boolean(),
  bodySize: z.number().int().openapi({ description: 'Bytes before the cap' }),
  redactions: z.number().int().openapi({ description: 'How many values the agent masked' }),
  spanId: z.string(),
  replays: z.array(Replay).openapi({ description: 'Newest first' }),
}).openapi('FailedExchangeDetail');
