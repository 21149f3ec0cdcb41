import type { SpanNode, TraceDetail } from '../api-schemas.ts';
import { formatMs } from '../duration.ts';
import { formatTable } from '../table.ts';

const barWidth = 40;

/**
 * A trace as an indented span tree with a text waterfall: each span's bar starts at its offset
 * in the trace and is as long as its share of the trace's duration.
 */
export function renderTraceTree(trace: TraceDetail): string {
  const rows: string[][] = [];
  const visit = (span: SpanNode, depth: number) => {
    const failed = span.status.code === 'Error';
    rows.push([
      `${'  '.repeat(depth)}${span.name}${failed ? ' !' : ''}`,
      span.kind,
      span.app,
      `+${formatMs(span.offsetMs)}`,
      formatMs(span.durationMs),
      bar(span.offsetMs, span.durationMs, trace.durationMs),
    ]);
    for (const child of span.children) visit(child, depth + 1);
  };
  for (const root of trace.roots) visit(root, 0);
  const errors = trace.errorCount === 1 ? '1 error' : `${trace.errorCount} errors`;
  const header =
    `Trace ${trace.traceId}: ${trace.spanCount} span${trace.spanCount === 1 ? '' : 's'}, ` +
    `${formatMs(trace.durationMs)}, ${errors}, started ${trace.startTime}\n`;
  const footer = trace.errorCount > 0 ? '(! marks a failed span)\n' : '';
  return `${header}${formatTable(['SPAN', 'KIND', 'APP', 'START', 'DURATION', 'WATERFALL'], rows)}${footer}`;
}

function bar(offsetMs: number, durationMs: number, totalMs: number): string {
  if (totalMs <= 0) return '#';
  const start = Math.min(barWidth - 1, Math.floor((offsetMs / totalMs) * barWidth));
  const length = Math.max(1, Math.min(barWidth - start, Math.round((durationMs / totalMs) * barWidth)));
  return `|${' '.repeat(start)}${'#'.repeat(length)}${' '.repeat(barWidth - start - length)}|`;
}
