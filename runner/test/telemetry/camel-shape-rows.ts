import { createRouteResolver, type RouteResolverStats } from '../../src/telemetry/camel/route-resolver.ts';
import { decodeOtlp } from '../../src/telemetry/otlp/decode.ts';
import type { CamelHopRow, SpanRow, TelemetryScope } from '../../src/telemetry/rows.ts';
import { type CamelShapeFixture, otlpTraces } from './camel-shapes/otlp-fixture.ts';

export { camelOpenTelemetryV1 } from './camel-shapes/camel-opentelemetry-v1.ts';
export { camelOpenTelemetry2 } from './camel-shapes/camel-opentelemetry2.ts';
export { javaAgent } from './camel-shapes/java-agent.ts';
export type { CamelShapeFixture };

/**
 * A fixture's exchanges as the runner's intake makes rows of them: decoded from OTLP/JSON, then
 * through the route resolver. `childFirst` hands the resolver one span per export batch in the
 * order the spans end (children before parents, a seda consumer after its caller), as an SDK's
 * batch processor exports them.
 */
export function camelShapeRows(
  fixture: CamelShapeFixture,
  scope: TelemetryScope,
  opts: { failed: boolean[]; startMs: number; childFirst?: boolean },
): { spans: SpanRow[]; hops: CamelHopRow[]; traceIds: string[]; resolver: RouteResolverStats } {
  const { request, traceIds } = otlpTraces(fixture, opts);
  const body = Buffer.from(JSON.stringify(request));
  const spans = decodeOtlp('traces', 'json', body, scope).otel_traces ?? [];
  const resolver = createRouteResolver();
  const hops: CamelHopRow[] = [];
  if (opts.childFirst) {
    const ends = (row: SpanRow) =>
      BigInt(Date.parse(`${row.Timestamp.slice(0, 10)}T${row.Timestamp.slice(11, 19)}Z`)) * 1_000_000n +
      BigInt(row.Timestamp.slice(20) || '0') +
      BigInt(row.Duration);
    const byEnd = [...spans].sort((a, b) => (ends(a) < ends(b) ? -1 : ends(a) > ends(b) ? 1 : 0));
    for (const span of byEnd) hops.push(...resolver.add([span]));
  } else {
    hops.push(...resolver.add(spans));
  }
  hops.push(...resolver.expire(true));
  return { spans, hops, traceIds, resolver: resolver.stats() };
}

/** The hops the runner's route resolver makes of stored span rows (one batch, then flushed). */
export function camelHopsOf(spans: readonly SpanRow[]): CamelHopRow[] {
  const resolver = createRouteResolver();
  return [...resolver.add(spans), ...resolver.expire(true)];
}
