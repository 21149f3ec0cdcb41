import { Box, Group, Text } from '@mantine/core';
import type { SpanRow } from './flatten-spans.ts';
import { nameColumn } from './flatten-spans.ts';
import { SpanRowButton } from './SpanRowButton.tsx';
import { TimeAxis } from './TimeAxis.tsx';

/** The span tree on the trace's time axis; on a narrow screen the whole chart scrolls sideways. */
export function Waterfall({
  rows,
  durationMs,
  selected,
  onOpen,
}: {
  rows: SpanRow[];
  durationMs: number;
  selected: string | undefined;
  onOpen: (spanId: string) => void;
}) {
  return (
    <Box style={{ overflowX: 'auto' }}>
      <Box miw={{ base: 480, sm: 760 }}>
        <Group gap={8} wrap="nowrap" px={6} mb={4} aria-hidden>
          <Text size="xs" fw={600} w={nameColumn} style={{ flexShrink: 0 }}>
            Span
          </Text>
          <Text size="xs" fw={600} w={72} ta="right" style={{ flexShrink: 0 }}>
            Duration
          </Text>
          <span style={{ width: 40, flexShrink: 0 }} />
          <Box style={{ flex: 1 }}>
            <TimeAxis durationMs={durationMs} />
          </Box>
        </Group>
        <ul aria-label="Spans" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
          {rows.map((row) => (
            <li key={row.span.spanId}>
              <SpanRowButton
                row={row}
                traceMs={durationMs}
                selected={selected === row.span.spanId}
                onOpen={() => onOpen(row.span.spanId)}
              />
            </li>
          ))}
        </ul>
      </Box>
    </Box>
  );
}
