import { Badge } from '@mantine/core';
import type { Deployment } from './overview-queries.ts';

const colours: Record<Deployment['state'], string> = {
  BUILDING: 'blue',
  STARTING: 'yellow',
  RUNNING: 'green',
  FAILED: 'red',
  STOPPED: 'gray',
};

export function DeploymentState({ state }: { state: Deployment['state'] }) {
  return (
    <Badge color={colours[state]} variant="light">
      {state.toLowerCase()}
    </Badge>
  );
}
