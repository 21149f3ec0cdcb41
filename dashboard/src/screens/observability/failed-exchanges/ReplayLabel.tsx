import { Badge } from '@mantine/core';
import type { components } from '../../../api/client.ts';

type Replay = components['schemas']['Replay'];

/** A replay's outcome in one word, coloured by what it means for the exchange. */
export function ReplayLabel({ replay }: { replay: Replay | null }) {
  if (!replay) return null;
  if (replay.outcome === 'completed')
    return (
      <Badge color="green" variant="light">
        Replayed
      </Badge>
    );
  if (replay.outcome === 'failed')
    return (
      <Badge color="red" variant="light">
        Failed again
      </Badge>
    );
  if (replay.outcome === 'unavailable')
    return (
      <Badge color="gray" variant="light">
        Original gone
      </Badge>
    );
  if (replay.state === 'failed')
    return (
      <Badge color="orange" variant="light">
        Not replayed
      </Badge>
    );
  return (
    <Badge color="blue" variant="light">
      Replaying…
    </Badge>
  );
}
