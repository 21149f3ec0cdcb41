import { Group, Text, UnstyledButton } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { formatMs } from '../format.ts';
import type { SpanRow } from './flatten-spans.ts';
import { isError, nameColumn } from './flatten-spans.ts';
import { SpanBar } from './SpanBar.tsx';

const indentPx = 14;
// The light-variant red: 4.5:1 on the page in light and dark (theme.ts).
const errorText = 'var(--mantine-color-red-light-color)';

/** One span: its name indented under its parent, its duration, and its bar; a button, so Enter opens it. */
export function SpanRowButton({
  row,
  traceMs,
  selected,
  onOpen,
}: {
  row: SpanRow;
  traceMs: number;
  selected: boolean;
  onOpen: () => void;
}) {
  const { span, depth } = row;
  const error = isError(span);
  return (
    <UnstyledButton
      onClick={onOpen}
      aria-pressed={selected}
      w="100%"
      px={6}
      py={3}
      style={{
        display: 'flex',
        alignItems: 'center',
        gap: 8,
        borderRadius: 4,
        background: selected ? 'var(--mantine-color-default-hover)' : undefined,
      }}
    >
      <Group gap={4} wrap="nowrap" w={nameColumn} style={{ flexShrink: 0, paddingLeft: depth * indentPx }}>
        {error && <IconAlertTriangle size={14} color={errorText} aria-hidden />}
        <Text size="sm" truncate="end" c={error ? errorText : undefined} fw={error ? 600 : undefined}>
          {span.name}
        </Text>
      </Group>
      <Text size="xs" w={72} ta="right" style={{ flexShrink: 0 }}>
        {formatMs(span.durationMs)}
      </Text>
      {error ? (
        <Text size="xs" c={errorText} fw={600} w={40} style={{ flexShrink: 0 }}>
          error
        </Text>
      ) : (
        <span style={{ width: 40, flexShrink: 0 }} />
      )}
      <SpanBar span={span} traceMs={traceMs} error={error} />
    </UnstyledButton>
  );
}
