import { Badge } from '@mantine/core';
import type { components } from '../../../api/client.ts';

type Level = components['schemas']['LogRecord']['level'];

const colours: Record<Level, string> = {
  trace: 'gray',
  debug: 'gray',
  info: 'blue',
  warn: 'yellow',
  error: 'red',
  fatal: 'red',
  unset: 'gray',
};

export function LogLevelBadge({ level }: { level: Level }) {
  return (
    <Badge color={colours[level]} variant="light" size="sm" w={64}>
      {level === 'unset' ? '—' : level}
    </Badge>
  );
}
