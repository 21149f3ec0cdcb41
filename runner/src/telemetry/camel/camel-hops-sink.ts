import type { TelemetrySink } from '../pipeline/pipeline.ts';
import type { CamelHopRow } from '../rows.ts';
import { createRouteResolver, type RouteResolverOptions, type RouteResolverStats } from './route-resolver.ts';

export type CamelHopsStats = RouteResolverStats & {
  /** Hops waiting for the pipeline to take them (it refused the last try). */
  outbox: number;
  /** Hops dropped because the outbox was full while the pipeline refused. */
  dropped: number;
};

export type CamelHopsSink = TelemetrySink & {
  /** Flushes every trace still waiting into the pipeline; call before closing the pipeline. */
  close(): void;
  stats(): CamelHopsStats;
};

/**
 * Puts the sink behind a route resolver: spans pass on at once, unchanged, and the hops resolved
 * from them go with them in the same `accept`. Hops refused with their spans wait in an outbox, since
 * the spans sent again will not make them a second time; a timer flushes traces idle past the TTL.
 */
export function withCamelHops(
  sink: TelemetrySink,
  options: RouteResolverOptions & { maxOutbox?: number } = {},
): CamelHopsSink {
  const resolver = createRouteResolver(options);
  const maxOutbox = options.maxOutbox ?? 50_000;
  let outbox: CamelHopRow[] = [];
  let dropped = 0;

  const keep = (hops: CamelHopRow[]) => {
    const over = hops.length - maxOutbox;
    if (over > 0) dropped += over;
    outbox = over > 0 ? hops.slice(over) : hops;
  };
  const offer = (hops: CamelHopRow[]) => {
    if (hops.length === 0) return;
    if (sink.accept({ camel_hops: hops }).ok) outbox = [];
    else keep(hops);
  };

  const ttlMs = options.ttlMs ?? 30_000;
  const timer = setInterval(() => offer([...outbox, ...resolver.expire()]), Math.max(10, ttlMs / 4));
  timer.unref();

  return {
    accept(rows) {
      const spans = rows.otel_traces ?? [];
      const hops = [...outbox, ...(spans.length > 0 ? resolver.add(spans) : [])];
      const verdict = sink.accept(hops.length > 0 ? { ...rows, camel_hops: hops } : rows);
      if (verdict.ok) outbox = [];
      else keep(hops);
      return verdict;
    },
    close() {
      clearInterval(timer);
      offer([...outbox, ...resolver.expire(true)]);
    },
    stats: () => ({ ...resolver.stats(), outbox: outbox.length, dropped }),
  };
}
