import { Code, Table, Text } from '@mantine/core';
import { quiet } from '../format.ts';

/** Key/value pairs of a span, its resource or an event, sorted by key. */
export function AttributeTable({ values, label }: { values: Record<string, string>; label: string }) {
  const entries = Object.entries(values).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0)
    return (
      <Text size="sm" c={quiet}>
        None.
      </Text>
    );
  return (
    <Table fz="xs" verticalSpacing={2} aria-label={label} layout="fixed">
      <Table.Tbody>
        {entries.map(([key, value]) => (
          <Table.Tr key={key}>
            <Table.Th w="40%" style={{ wordBreak: 'break-all' }}>
              {key}
            </Table.Th>
            <Table.Td style={{ wordBreak: 'break-all' }}>
              <Code>{value}</Code>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
