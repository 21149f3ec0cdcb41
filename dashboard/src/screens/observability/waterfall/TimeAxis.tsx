import { Box, Text } from '@mantine/core';
import { formatMs, quiet } from '../format.ts';

const ticks = [0, 0.25, 0.5, 0.75, 1];

/** Offsets from the start of the trace, above the bars. */
export function TimeAxis({ durationMs }: { durationMs: number }) {
  return (
    <Box pos="relative" h={20} aria-hidden>
      {ticks.map((t) => (
        <Text
          key={t}
          size="xs"
          c={quiet}
          pos="absolute"
          top={0}
          style={{
            left: `${t * 100}%`,
            transform: t === 0 ? undefined : t === 1 ? 'translateX(-100%)' : 'translateX(-50%)',
            whiteSpace: 'nowrap',
          }}
        >
          {formatMs(durationMs * t)}
        </Text>
      ))}
    </Box>
  );
}
