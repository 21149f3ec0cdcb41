import { Badge } from '@mantine/core';
import type { Deployment } from './apps-queries.ts';

const colors: Record<Deployment['state'], string> = {
  BUILDING: 'blue',
  STARTING: 'yellow',
  RUNNING: 'green',
  FAILED: 'red',
  STOPPED: 'gray',
};

export function StateBadge({ state }: { state: Deployment['state'] }) {
  return (
    <Badge color={colors[state]} variant="light">
      {state}
    </Badge>
  );
}
