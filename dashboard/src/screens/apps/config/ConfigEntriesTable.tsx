import { Badge, Code, Group, Table, Text } from '@mantine/core';
import { ConfirmButton } from '../../../components/ConfirmButton.tsx';
import { ProblemAlert } from '../../../components/ProblemAlert.tsx';
import { ConfigEntryDialog } from './ConfigEntryDialog.tsx';
import { type ConfigEntry, type LayerRef, useConfigWrites } from './config-queries.ts';

export const maskedSecret = '••••••••';

/** The layer a value comes from, in words. */
export function layerLabel(layer: ConfigEntry['layer'], ref: LayerRef): string {
  if (layer === 'global') return 'global';
  if (layer === 'environment') return `environment ${ref.environment ?? ''}`.trim();
  if (layer === 'app') return 'app';
  return `app in ${ref.environment ?? ''}`.trim();
}

type Props = {
  tenant: string;
  /** The layer being edited: entries from it can be edited and removed, the others overridden in it. */
  layer: LayerRef;
  layerName: ConfigEntry['layer'];
  entries: ConfigEntry[];
};

/** Keys with their value (a secret masked) and the layer each comes from. */
export function ConfigEntriesTable({ tenant, layer, layerName, entries }: Props) {
  const { unset } = useConfigWrites(tenant, layer);
  const here = layerLabel(layerName, layer);
  return (
    <>
      <Table.ScrollContainer minWidth={640}>
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Key</Table.Th>
              <Table.Th>Value</Table.Th>
              <Table.Th>From</Table.Th>
              <Table.Th>Actions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {entries.map((entry) => {
              const own = entry.layer === layerName;
              return (
                <Table.Tr key={entry.key} data-key={entry.key}>
                  <Table.Td>
                    <Code>{entry.key}</Code>
                  </Table.Td>
                  <Table.Td style={{ wordBreak: 'break-all' }}>
                    {entry.secret ? (
                      <Group gap="xs">
                        <Text size="sm" aria-label="secret value hidden">
                          {maskedSecret}
                        </Text>
                        <Badge size="xs" color="gray" variant="light">
                          secret
                        </Badge>
                      </Group>
                    ) : (
                      <Text size="sm">{entry.value}</Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Badge size="sm" variant="light" color={own ? 'blue' : 'gray'}>
                      {layerLabel(entry.layer, layer)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <ConfigEntryDialog
                        tenant={tenant}
                        layer={layer}
                        layerLabel={here}
                        entry={entry}
                        buttonLabel={own ? (entry.secret ? 'Replace' : 'Edit') : 'Override'}
                      />
                      {own && (
                        <ConfirmButton
                          permission="config:write"
                          label="Remove"
                          question={`Remove ${entry.key} from the ${here} layer? Apps get it from a wider layer, or not at all, at their next deploy.`}
                          loading={unset.isPending && unset.variables === entry.key}
                          onConfirm={() => unset.mutate(entry.key)}
                        />
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {unset.isError && <ProblemAlert error={unset.error} title="Not removed" />}
    </>
  );
}
