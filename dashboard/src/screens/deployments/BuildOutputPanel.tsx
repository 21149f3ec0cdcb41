import { Button, Group, Paper, ScrollArea, Stack, Text, Title } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { formatTime } from '../../components/dates.ts';
import type { BuildLine } from '../../live/use-deployment-feed.ts';
import type { StreamStatus } from '../../live/use-event-stream.ts';
import { LiveStatus } from './LiveStatus.tsx';

/**
 * What the runner reports while it builds and starts the deployment (image build steps, container
 * start, health checks), as it streams in. Following keeps the newest line in view; pausing lets a
 * person read back while lines keep arriving below.
 */
export function BuildOutputPanel({ lines, status }: { lines: BuildLine[]; status: StreamStatus }) {
  const [following, setFollowing] = useState(true);
  const bottom = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (following && lines.length > 0) bottom.current?.scrollIntoView({ block: 'nearest' });
  }, [following, lines.length]);

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="build-output-title">
      <Group justify="space-between" mb="sm" wrap="wrap">
        <Group gap="xs">
          <Title order={2} size="h4" id="build-output-title">
            Build output
          </Title>
          <LiveStatus status={status} label="Build output" />
        </Group>
        <Button size="xs" variant="light" onClick={() => setFollowing((f) => !f)}>
          {following ? 'Pause' : 'Follow'}
        </Button>
      </Group>
      <ScrollArea h={280} type="auto" bg="var(--mantine-color-default-hover)">
        <Stack gap={0} p="xs" role="log" aria-label="Build output lines" data-testid="build-output">
          {lines.length === 0 && (
            <Text size="xs" c="dimmed">
              {status === 'ended' ? 'The runner reported no build output.' : 'No build output yet.'}
            </Text>
          )}
          {lines.map((line) => (
            <Text key={line.seq} size="xs" ff="monospace" style={{ whiteSpace: 'pre-wrap' }} data-line="">
              <Text span size="xs" ff="monospace" c="dimmed">
                {formatTime(line.at)}{' '}
              </Text>
              {line.text}
            </Text>
          ))}
          <div ref={bottom} />
        </Stack>
      </ScrollArea>
    </Paper>
  );
}
