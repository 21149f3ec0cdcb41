import { Box, Button, Group, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Guarded } from '../../components/Guarded.tsx';
import { type Samples, samplesQuery } from './sample-query.ts';

async function sampleFile(sample: Samples['items'][number]): Promise<File> {
  const res = await fetch(sample.url, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`The edge could not build the sample app (${res.status})`);
  return new File([await res.blob()], sample.file, { type: 'application/java-archive' });
}

/** "No JAR at hand?": uploads the repository's sample Camel app, built by this edge, in one click. */
export function SampleAppOffer({ onFile, busy }: { onFile: (file: Promise<File>) => void; busy: boolean }) {
  const samples = useQuery(samplesQuery);
  // The offer's row is kept while the edge is asked, so the sections below do not jump when it comes.
  if (samples.isPending) return <Box mih={30} />;
  if (!samples.data) return null;
  return (
    <Group gap="xs">
      <Text size="sm">No JAR at hand? Try the sample Camel app:</Text>
      {samples.data.items.map((sample) => (
        <Guarded
          key={sample.version}
          permission="versions:write"
          size="xs"
          variant="default"
          disabled={busy}
          onClick={() => onFile(sampleFile(sample))}
        >
          {`Upload sample v${sample.version}`}
        </Guarded>
      ))}
      {samples.data.items.map((sample) => (
        <Button key={sample.file} component="a" href={sample.url} download size="xs" variant="subtle">
          {`Download v${sample.version}`}
        </Button>
      ))}
    </Group>
  );
}
