import { Badge, Code, Stack, Text } from '@mantine/core';
import type { Runner } from './runner-status.ts';

export const updateCommand = 'cameleer-runner update';

/** The runner's version; below the edge's minimum, "update required" and the command that updates it. */
export function RunnerVersion({ runner }: { runner: Runner }) {
  if (!runner.updateRequired) return <>{runner.version || '—'}</>;
  return (
    <Stack gap={4} align="flex-start" data-update-required>
      <Text size="sm">{runner.version}</Text>
      <Badge color="orange" variant="light" styles={{ label: { overflow: 'visible' } }}>
        update required
      </Badge>
      <Text size="xs" c="dimmed">
        This edge supports runners from {runner.minimumVersion} on. On the runner's host run{' '}
        <Code>{updateCommand}</Code>
      </Text>
    </Stack>
  );
}
