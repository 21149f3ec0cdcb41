import { describe, expect, it } from 'vitest';
import {
  camelOpenTelemetry2,
  camelOpenTelemetryV1,
  camelShapeRows,
  javaAgent,
} from '../../../test/telemetry/camel-shape-rows.ts';
import { sampleScope } from '../../../test/telemetry/sample-spans.ts';
import type { CamelHopRow, RowsByTable, SpanRow } from '../rows.ts';
import { withCamelHops } from './camel-hops-sink.ts';
import { createRouteResolver } from './route-resolver.ts';

const summary = (hops: CamelHopRow[]) =>
  [
    ...new Set(hops.map((h) => `${h.Hop} ${h.Route}${h.RouteId ? `#${h.RouteId}` : ''} -> ${h.Target}`)),
  ].sort();

const failed = [false, true];
const startMs = Date.now() - 60_000;

describe('route resolver', () => {
  it('resolves camel-opentelemetry2 spans exported one per batch, children first, without taking the caller id for a sub-route', () => {
    const { hops, resolver } = camelShapeRows(
      camelOpenTelemetry2('camel-23312', { traceProcessors: true }),
      sampleScope,
      {
        failed,
        startMs,
        childFirst: true,
      },
    );
    expect(summary(hops)).toEqual([
      'edge direct://validate -> log://validated',
      'edge platform-http://orders -> direct://validate',
      'edge platform-http://orders -> http://inventory:8080/reserve',
      'edge platform-http://orders -> seda://audit',
      'processor platform-http://orders -> to1-to',
      'route direct://validate -> ',
      'route platform-http://orders#orders -> ',
      'route seda://audit -> ',
    ]);
    expect(hops.filter((h) => h.Hop === 'route' && h.Route === 'platform-http://orders')).toHaveLength(2);
    expect(
      hops
        .filter((h) => h.Failed === 1)
        .map((h) => h.Target || h.Route)
        .sort(),
    ).toEqual(['http://inventory:8080/reserve', 'platform-http://orders']);
    expect(resolver).toMatchObject({ pending: 0, orphaned: 0 });
  });

  it('resolves the older all-INTERNAL kinds the same way, with no route ids', () => {
    const { hops } = camelShapeRows(camelOpenTelemetry2('internal-kinds'), sampleScope, { failed, startMs });
    expect(summary(hops)).toContain('route platform-http://orders -> ');
    expect(summary(hops)).toContain('edge platform-http://orders -> seda://audit');
    expect(hops.every((h) => h.Shape === 'camel-telemetry' && h.RouteId === '')).toBe(true);
  });

  it("degrades with the Java agent's shape: routes by consumer, internal hops as route-in-route", () => {
    const { hops } = camelShapeRows(javaAgent, sampleScope, { failed, startMs, childFirst: true });
    expect(summary(hops)).toEqual([
      'edge http://orders:8080/orders -> audit',
      'edge http://orders:8080/orders -> http://inventory:8080/reserve',
      'edge http://orders:8080/orders -> validate',
      'edge validate -> log',
      'route audit -> ',
      'route http://orders:8080/orders -> ',
      'route validate -> ',
    ]);
    expect(hops.every((h) => h.Shape === 'java-agent')).toBe(true);
  });

  it('resolves the v1 shape (camel.uri, kinds) by its kinds, the sub-route not merged into the caller', () => {
    const { hops, resolver } = camelShapeRows(camelOpenTelemetryV1, sampleScope, {
      failed,
      startMs,
      childFirst: true,
    });
    expect(summary(hops)).toEqual([
      'edge direct://validate -> log://validated',
      'edge platform-http://orders -> direct://validate',
      'edge platform-http://orders -> http://inventory:8080/reserve',
      'route direct://validate -> ',
      'route platform-http://orders#orders -> ',
    ]);
    // getFromRouteId: the sub-route's spans carry `orders`, which is not taken as its id.
    expect(hops.filter((h) => h.Route === 'direct://validate').every((h) => h.RouteId === '')).toBe(true);
    expect(hops.every((h) => h.Shape === 'camel-tracing')).toBe(true);
    expect(resolver).toMatchObject({ pending: 0, orphaned: 0 });
  });

  it('leaves spans with only camel.route.id (no camel.uri) to the per-span view', () => {
    const { spans } = camelShapeRows(camelOpenTelemetryV1, sampleScope, { failed, startMs });
    const idOnly = spans.map((s) => {
      const { 'camel.uri': _uri, ...attributes } = s.SpanAttributes;
      return { ...s, SpanAttributes: attributes };
    });
    expect(createRouteResolver().add(idOnly)).toEqual([]);
  });

  it('flushes a span whose ancestor never comes after the TTL, counted as orphaned', () => {
    let now = 0;
    const resolver = createRouteResolver({ ttlMs: 1000, now: () => now });
    const { spans } = camelShapeRows(camelOpenTelemetry2('internal-kinds'), sampleScope, {
      failed: [false],
      startMs,
    });
    const orphan = spans.find((s) => s.SpanName === 'log');
    expect(orphan).toBeDefined();
    expect(resolver.add(orphan ? [orphan] : [])).toEqual([]);
    expect(resolver.expire()).toEqual([]);
    now = 1001;
    expect(summary(resolver.expire())).toEqual(['edge  -> log://validated']);
    expect(resolver.stats()).toMatchObject({ traces: 0, spans: 0, pending: 0, orphaned: 1 });
  });

  it('keeps the idlest traces within the span cap by flushing them early', () => {
    const resolver = createRouteResolver({ maxSpans: 10 });
    const { spans } = camelShapeRows(camelOpenTelemetry2('internal-kinds'), sampleScope, {
      failed: [false, false, false],
      startMs,
    });
    for (const span of spans) resolver.add([span]);
    expect(resolver.stats().spans).toBeLessThanOrEqual(10);
  });
});

describe('Camel hops sink', () => {
  it('sends hops with their spans; after a refusal keeps them for later and makes none twice', () => {
    const taken: RowsByTable[] = [];
    let full = true;
    const sink = withCamelHops({
      accept(rows) {
        if (full) return { ok: false, retryAfterSeconds: 1 };
        taken.push(rows);
        return { ok: true };
      },
    });
    const { spans } = camelShapeRows(camelOpenTelemetry2('internal-kinds'), sampleScope, {
      failed: [false],
      startMs,
    });
    const rows: { otel_traces: SpanRow[] } = { otel_traces: spans };
    expect(sink.accept(rows).ok).toBe(false);
    expect(sink.stats().outbox).toBeGreaterThan(0);
    full = false;
    expect(sink.accept(rows).ok).toBe(true);
    sink.close();
    expect(taken).toHaveLength(1);
    expect(taken[0]?.otel_traces).toHaveLength(spans.length);
    expect(taken[0]?.camel_hops?.filter((h) => h.Hop === 'route')).toHaveLength(3);
    expect(sink.stats()).toMatchObject({ outbox: 0, dropped: 0 });
  });
});
