import { Group, Stack, Text } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import { QueryState } from '../../../components/QueryState.tsx';
import { ConfigEntriesTable, layerLabel } from './ConfigEntriesTable.tsx';
import { ConfigEntryDialog } from './ConfigEntryDialog.tsx';
import { type ConfigEntry, type LayerRef, type ResolvedConfig, useLayerConfig } from './config-queries.ts';

type Props = {
  tenant: string;
  layer: LayerRef;
  layerName: ConfigEntry['layer'];
  description: string;
  /** For an app in an environment: its resolved view (every key that applies); otherwise the layer's own keys are listed. */
  resolved?: UseQueryResult<ResolvedConfig>;
};

/** One layer's keys (or an app's resolved keys) with add, edit, override and remove. */
export function LayerEntries({ tenant, layer, layerName, description, resolved }: Props) {
  const own = useLayerConfig(tenant, layer, !resolved);
  const here = layerLabel(layerName, layer);
  const table = (entries: ConfigEntry[]) => (
    <ConfigEntriesTable tenant={tenant} layer={layer} layerName={layerName} entries={entries} />
  );
  const empty = `No keys yet${resolved ? ' apply here' : ` in the ${here} layer`}. Add a variable or a secret.`;
  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-start">
        <Text size="sm" c="dimmed" maw={640}>
          {description}
        </Text>
        <ConfigEntryDialog tenant={tenant} layer={layer} layerLabel={here} buttonLabel="Add key" />
      </Group>
      {resolved ? (
        <QueryState query={resolved} isEmpty={(r) => r.items.length === 0} empty={empty}>
          {(r) => table(r.items)}
        </QueryState>
      ) : (
        <QueryState query={own} isEmpty={(items) => items.length === 0} empty={empty}>
          {table}
        </QueryState>
      )}
    </Stack>
  );
}
