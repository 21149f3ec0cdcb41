/** Durations as people read them: 850 µs, 12.3 ms, 4.2 s. */
export function formatMs(ms: number): string {
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

export function formatTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

export function formatPercent(rate: number): string {
  return `${(rate * 100).toFixed(rate > 0 && rate < 0.01 ? 2 : 1)} %`;
}

export function tracePath(slug: string, traceId: string): string {
  return `/t/${encodeURIComponent(slug)}/traces/${traceId}`;
}

/** Secondary text: Mantine's dimmed falls under 4.5:1 in dark mode; the gray light-variant colour meets it in both. */
export const quiet = 'var(--mantine-color-gray-light-color)';
