import { z } from 'zod';

/**
 * The agent protocol for failed exchanges (docs/observability.md, "Failed exchanges and replay"): what
 * an agent POSTs to the runner's intake at `/v1/failed-exchanges`. Everything here is already redacted
 * by the agent; the caps are the agent's, checked again by the runner so no agent can store more.
 */
export const failedExchangeCaps = {
  bodyBytes: 64 * 1024,
  headersBytes: 8 * 1024,
  stackTraceChars: 4096,
  messageChars: 2048,
  perRequest: 50,
  requestBytes: 4 * 1024 * 1024,
} as const;

const Text = (max: number) => z.string().max(max);

export const FailedExchangeCapture = z.object({
  exchangeId: z.string().min(1).max(128),
  /** When the exchange failed, ISO-8601. */
  time: z.iso.datetime({ offset: true }),
  /** The route the exchange entered first: where a replay re-injects it. */
  routeId: Text(256),
  /** That route's `from` endpoint. */
  fromUri: Text(2048),
  /** The endpoint the exchange was sent to when it failed (empty when the route itself failed). */
  failedEndpoint: Text(2048).default(''),
  exception: z.object({
    type: Text(512),
    message: Text(failedExchangeCaps.messageChars).default(''),
    stackTrace: Text(failedExchangeCaps.stackTraceChars).default(''),
  }),
  headers: z.record(z.string().max(256), z.string()).default({}),
  headersTruncated: z.boolean().default(false),
  body: z.string().default(''),
  bodyTruncated: z.boolean().default(false),
  /** The body's size in bytes before the cap. */
  bodySize: z.number().int().nonnegative().default(0),
  /** How many values the agent masked. */
  redactions: z.number().int().nonnegative().default(0),
  traceId: z
    .string()
    .regex(/^([0-9a-f]{32})?$/)
    .default(''),
  spanId: z
    .string()
    .regex(/^([0-9a-f]{16})?$/)
    .default(''),
  /** The exchange this one replayed, when a replay failed again. */
  replayOf: z.string().max(128).default(''),
});
export type FailedExchangeCapture = z.infer<typeof FailedExchangeCapture>;

export const FailedExchangeReport = z.object({
  /** Where the agent serves `POST /replay`; the runner reaches it at the request's source address. */
  agent: z.object({ replayPort: z.number().int().min(1).max(65535) }).optional(),
  exchanges: z.array(FailedExchangeCapture).max(failedExchangeCaps.perRequest),
});
export type FailedExchangeReport = z.infer<typeof FailedExchangeReport>;

/** UTF-8 bytes of the headers as the caps count them: each name and value. */
export function headersBytes(headers: Record<string, string>): number {
  const encoder = new TextEncoder();
  let bytes = 0;
  for (const [name, value] of Object.entries(headers)) {
    bytes += encoder.encode(name).length + encoder.encode(value).length;
  }
  return bytes;
}
