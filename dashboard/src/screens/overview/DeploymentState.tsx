import { Badge } from '@mantine/core';
import type { Deployment } from './overview-queries.ts';

const colours: Record<Deployment['state'], string> = {
  BUILDING: 'blue.9',
  STARTING: 'yellow.9',
  RUNNING: 'teal.9',
  FAILED: 'red.9',
  STOPPED: 'gray.8',
};

export function DeploymentState({ state }: { state: Deployment['state'] }) {
  return (
    <Badge color={colours[state]} variant="light">
      {state.toLowerCase()}
    </Badge>
  );
}
