import { Badge } from '@mantine/core';
import type { StreamStatus } from '../../live/use-event-stream.ts';

const shown: Record<StreamStatus, { label: string; color: string }> = {
  connecting: { label: 'connecting', color: 'gray' },
  live: { label: 'live', color: 'green' },
  reconnecting: { label: 'reconnecting…', color: 'orange' },
  ended: { label: 'up to date', color: 'gray' },
};

/** Whether a view is following the edge live, so a person knows to trust what it shows. */
export function LiveStatus({ status, label }: { status: StreamStatus; label: string }) {
  const { label: text, color } = shown[status];
  return (
    <Badge variant="light" color={color} role="status" aria-label={`${label}: ${text}`} data-status={status}>
      {text}
    </Badge>
  );
}
