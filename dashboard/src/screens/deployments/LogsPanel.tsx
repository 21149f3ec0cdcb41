import { Badge, Button, Chip, Group, Paper, ScrollArea, Stack, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useEventStream } from '../../live/use-event-stream.ts';
import { useTenant } from '../../session/tenant.ts';
import { filterLines, type LogLevel, type LogLine, levelOf, logLevels } from './log-filter.ts';

/** The browser keeps this many lines: a chatty app must not slow the tab down. */
const keptLines = 2_000;

const levelColor: Record<LogLevel, string> = { ERROR: 'red', WARN: 'orange', INFO: 'blue', DEBUG: 'gray' };

/**
 * Follows the app's log live over server-sent events. The edge ends a stream after a while
 * ("reconnect for more"), so while following the panel opens the next one, without the tail it
 * already showed.
 */
export function LogsPanel({ app, environment }: { app: string; environment: string }) {
  const { slug } = useTenant();
  const [following, setFollowing] = useState(true);
  const [round, setRound] = useState(0);
  const [lines, setLines] = useState<LogLine[]>([]);
  const seq = useRef(0);
  const [text, setText] = useState('');
  const [levels, setLevels] = useState<LogLevel[]>([]);
  const [ended, setEnded] = useState('');
  const bottom = useRef<HTMLDivElement>(null);

  const url = following
    ? `/api/tenants/${encodeURIComponent(slug)}/apps/${encodeURIComponent(app)}/logs/stream?${new URLSearchParams(
        { environment, tail: round === 0 ? '100' : '0', round: String(round) },
      )}`
    : null;
  const status = useEventStream(url, {
    line: (data) => {
      seq.current += 1;
      const line = { seq: seq.current, text: data };
      setLines((old) => [...old, line].slice(-keptLines));
    },
    end: (data) => {
      setEnded(data);
      // A stream that ended normally is followed by the next; a failure waits for the person.
      if (data === 'done') setRound((r) => r + 1);
      else setFollowing(false);
    },
  });

  const shown = useMemo(() => filterLines(lines, text, levels), [lines, text, levels]);
  useEffect(() => {
    if (following && shown.length > 0) bottom.current?.scrollIntoView({ block: 'nearest' });
  }, [following, shown.length]);

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="logs-title">
      <Group justify="space-between" mb="sm" wrap="wrap">
        <Group gap="xs">
          <Title order={2} size="h4" id="logs-title">
            Logs
          </Title>
          <Badge variant="light" color={status === 'live' ? 'green' : 'gray'}>
            {following ? status : 'paused'}
          </Badge>
        </Group>
        <Group gap="xs" wrap="wrap">
          <TextInput
            aria-label="Search the logs"
            placeholder="Search"
            size="xs"
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
          />
          <Chip.Group multiple value={levels} onChange={(v) => setLevels(v as LogLevel[])}>
            <Group gap={4} role="group" aria-label="Levels">
              {logLevels.map((level) => (
                <Chip key={level} value={level} size="xs" color={levelColor[level]}>
                  {level}
                </Chip>
              ))}
            </Group>
          </Chip.Group>
          <Button
            size="xs"
            variant="light"
            onClick={() => {
              if (!following) setRound((r) => r + 1);
              setEnded('');
              setFollowing((f) => !f);
            }}
          >
            {following ? 'Pause' : 'Follow'}
          </Button>
        </Group>
      </Group>
      {ended && ended !== 'done' && (
        <Text size="sm" c="red" mb="xs" role="status">
          The log stream ended: {ended}
        </Text>
      )}
      <ScrollArea h={360} type="auto" bg="var(--mantine-color-default-hover)">
        <Stack gap={0} p="xs" ff="monospace" fz="xs" role="log" aria-label="App log lines">
          {shown.length === 0 && (
            <Text size="xs" c="dimmed">
              {lines.length === 0 ? 'No log lines yet.' : 'No line matches.'}
            </Text>
          )}
          {shown.map((line) => {
            const level = levelOf(line.text);
            return (
              <Text
                key={line.seq}
                size="xs"
                ff="monospace"
                c={level === 'ERROR' ? 'red' : level === 'WARN' ? 'orange' : undefined}
                style={{ whiteSpace: 'pre-wrap' }}
              >
                {line.text}
              </Text>
            );
          })}
          <div ref={bottom} />
        </Stack>
      </ScrollArea>
    </Paper>
  );
}
