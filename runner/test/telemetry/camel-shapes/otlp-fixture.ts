import { randomBytes } from 'node:crypto';
import type { TracesRequest } from '../../../src/telemetry/otlp/model.ts';

/** OTLP span kinds by name (the enum's numbers). */
export const kind = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;

/** One span of a fixture exchange; times are relative to the exchange's start. */
export type SpanTemplate = {
  key: string;
  parent?: string;
  name: string;
  kind: number;
  attributes: Record<string, string>;
  startMs: number;
  durationMs: number;
  /** Failed: status ERROR (and `error=true` where the emitter sets it). */
  error?: boolean;
};

/** What one emitter sends for the fixture app, with the upstream files its shape comes from. */
export type CamelShapeFixture = {
  name: string;
  sources: string[];
  scope: { name: string; version: string };
  /** The spans of one exchange (a failing one when `failed`), `exchangeId` as Camel would set it. */
  exchange(failed: boolean, exchangeId: string): SpanTemplate[];
};

/**
 * The fixture app, the same for every emitter: `orders` (HTTP in, `platform-http:/orders`) calls
 * `direct:validate` (route `validate`, which logs), hands a copy to `seda:audit` (route `audit`,
 * with no outgoing endpoint) and POSTs to `http://inventory:8080/reserve`, which fails in a failing
 * exchange.
 */
export function otlpTraces(
  fixture: CamelShapeFixture,
  opts: { failed: boolean[]; startMs: number; serviceName?: string },
): { request: TracesRequest; traceIds: string[] } {
  const traceIds: string[] = [];
  const spans = opts.failed.flatMap((failed, n) => {
    const traceId = randomBytes(16).toString('hex');
    traceIds.push(traceId);
    const exchangeId = `B7E1C0A5D3F2E01-000000000000000${n}`;
    const templates = fixture.exchange(failed, exchangeId);
    const ids = new Map(templates.map((t) => [t.key, randomBytes(8).toString('hex')]));
    const base = BigInt(opts.startMs + n * 1000) * 1_000_000n;
    return templates.map((t) => ({
      traceId,
      spanId: ids.get(t.key),
      parentSpanId: t.parent ? ids.get(t.parent) : '',
      name: t.name,
      kind: t.kind,
      startTimeUnixNano: String(base + BigInt(t.startMs * 1_000_000)),
      endTimeUnixNano: String(base + BigInt((t.startMs + t.durationMs) * 1_000_000)),
      attributes: Object.entries(t.attributes).map(([key, value]) => ({
        key,
        value: { stringValue: value },
      })),
      status: t.error ? { code: 2, message: 'Connection refused' } : { code: 0 },
    }));
  });
  return {
    traceIds,
    request: {
      resourceSpans: [
        {
          resource: {
            attributes: [{ key: 'service.name', value: { stringValue: opts.serviceName ?? 'orders' } }],
          },
          scopeSpans: [{ scope: fixture.scope, spans }],
        },
      ],
    },
  };
}
