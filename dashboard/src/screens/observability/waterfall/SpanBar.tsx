import { Box } from '@mantine/core';
import { barGeometry, type SpanNode } from './flatten-spans.ts';

/** The span's place on the trace's time axis. */
export function SpanBar({ span, traceMs, error }: { span: SpanNode; traceMs: number; error: boolean }) {
  const { left, width } = barGeometry(span, traceMs);
  return (
    <Box pos="relative" h={14} style={{ flex: 1, minWidth: 0 }} aria-hidden>
      <Box
        pos="absolute"
        top={0}
        h={14}
        style={{
          left: `${left}%`,
          width: `${width}%`,
          borderRadius: 3,
          background: error ? 'var(--mantine-color-red-7)' : 'var(--mantine-color-blue-6)',
          backgroundImage: error
            ? 'repeating-linear-gradient(45deg, transparent 0 4px, rgba(255,255,255,.35) 4px 6px)'
            : undefined,
        }}
      />
    </Box>
  );
}
