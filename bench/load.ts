import autocannon from 'autocannon';

export type LoadTarget = { url: string; headers?: Record<string, string> };

export type LoadOptions = { connections: number; durationSeconds: number };

export type LoadResult = {
  requests: number;
  requestsPerSecond: number;
  /** Latencies in ms, from every response's own timing (autocannon's histogram is whole ms only). */
  p50Ms: number;
  p99Ms: number;
};

/** One autocannon run; rejects on any connection error or non-2xx, since then the numbers mean nothing. */
export async function runLoad(target: LoadTarget, opts: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((ok, fail) => {
    const instance = autocannon(
      {
        url: target.url,
        headers: target.headers,
        connections: opts.connections,
        pipelining: 1,
        duration: opts.durationSeconds,
      },
      (err, res) => (err ? fail(err) : ok(res)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      latencies.push(responseTime);
    });
  });
  if (result.errors > 0 || result.non2xx > 0)
    throw new Error(
      `${target.url}: ${result.errors} connection errors, ${result.non2xx} non-2xx of ${result.requests.total}`,
    );
  latencies.sort((a, b) => a - b);
  return {
    requests: result.requests.total,
    requestsPerSecond: result.requests.total / result.duration,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
  };
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}
