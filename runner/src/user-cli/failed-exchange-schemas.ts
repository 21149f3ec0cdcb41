import { z } from 'zod';

// What the CLI reads of the edge's failed exchanges (loose: `--json` shows everything the edge sent).

export const Replay = z.looseObject({
  commandId: z.string(),
  state: z.string(),
  requestedAt: z.string(),
  outcome: z.string().nullable(),
  exceptionType: z.string().nullable(),
  exceptionMessage: z.string().nullable(),
  error: z.string().nullable(),
});
export type Replay = z.infer<typeof Replay>;

export const FailedExchangeSummary = z.looseObject({
  exchangeId: z.string(),
  time: z.string(),
  environment: z.string(),
  app: z.string(),
  routeId: z.string(),
  fromUri: z.string(),
  failedEndpoint: z.string(),
  exceptionType: z.string(),
  exceptionMessage: z.string(),
  replayOf: z.string(),
  lastReplay: Replay.nullable(),
});
export type FailedExchangeSummary = z.infer<typeof FailedExchangeSummary>;

export const FailedExchangeList = z.looseObject({ items: z.array(FailedExchangeSummary) });

export const FailedExchangeDetail = FailedExchangeSummary.extend({
  stackTrace: z.string(),
  headers: z.record(z.string(), z.string()),
  headersTruncated: z.boolean(),
  body: z.string(),
  bodyTruncated: z.boolean(),
  bodySize: z.number(),
  redactions: z.number(),
  traceId: z.string(),
  replays: z.array(Replay),
});
export type FailedExchangeDetail = z.infer<typeof FailedExchangeDetail>;
