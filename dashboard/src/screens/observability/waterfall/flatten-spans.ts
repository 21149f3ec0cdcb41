import type { components } from '../../../api/client.ts';

export type SpanNode = components['schemas']['SpanNode'];
export type SpanRow = { span: SpanNode; depth: number };

/** The tree in reading order (each span before the spans it caused), with its depth for indentation. */
export function flattenSpans(roots: SpanNode[]): SpanRow[] {
  const rows: SpanRow[] = [];
  const visit = (span: SpanNode, depth: number) => {
    rows.push({ span, depth });
    for (const child of span.children) visit(child, depth + 1);
  };
  for (const root of roots) visit(root, 0);
  return rows;
}

export function isError(span: SpanNode): boolean {
  return span.status.code.toLowerCase() === 'error';
}

/** Where a bar starts and how wide it is, in percent of the trace; a zero-length span stays visible. */
export function barGeometry(span: SpanNode, traceMs: number): { left: number; width: number } {
  const total = traceMs > 0 ? traceMs : 1;
  const left = Math.min(100, Math.max(0, (span.offsetMs / total) * 100));
  const width = Math.max(0.5, Math.min(100 - left, (span.durationMs / total) * 100));
  return { left, width };
}

/** The span names' column: narrower on a phone so the bars start on screen. */
export const nameColumn = { base: 130, sm: 280 };
