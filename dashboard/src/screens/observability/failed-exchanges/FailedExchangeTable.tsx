import { Anchor, Table, Text } from '@mantine/core';
import { Fragment, useState } from 'react';
import type { components } from '../../../api/client.ts';
import { formatTime, quiet } from '../format.ts';
import { FailedExchangeDetail } from './FailedExchangeDetail.tsx';
import { ReplayLabel } from './ReplayLabel.tsx';

type FailedExchange = components['schemas']['FailedExchangeSummary'];

/** One row per failed exchange; opening one shows its masked headers and body and its replays. */
export function FailedExchangeTable({ items }: { items: FailedExchange[] }) {
  const [open, setOpen] = useState<string | null>(null);
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table striped highlightOnHover aria-label="Failed exchanges">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Exception</Table.Th>
            <Table.Th>Route / endpoint</Table.Th>
            <Table.Th>App</Table.Th>
            <Table.Th>Failed</Table.Th>
            <Table.Th>Replay</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((x) => (
            <Fragment key={x.exchangeId}>
              <Table.Tr>
                <Table.Td>
                  <Anchor
                    component="button"
                    size="sm"
                    fw={500}
                    aria-expanded={open === x.exchangeId}
                    onClick={() => setOpen(open === x.exchangeId ? null : x.exchangeId)}
                  >
                    {x.exceptionType.slice(x.exceptionType.lastIndexOf('.') + 1)}
                  </Anchor>
                  <Text size="xs" c={quiet} lineClamp={1}>
                    {x.exceptionMessage}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{x.routeId || x.fromUri}</Text>
                  <Text size="xs" c={quiet}>
                    {x.failedEndpoint}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {x.app}
                  <Text span size="xs" c={quiet}>
                    {' '}
                    ({x.environment})
                  </Text>
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatTime(x.time)}</Table.Td>
                <Table.Td>
                  <ReplayLabel replay={x.lastReplay} />
                </Table.Td>
              </Table.Tr>
              {open === x.exchangeId && (
                <Table.Tr>
                  <Table.Td colSpan={5}>
                    <FailedExchangeDetail exchangeId={x.exchangeId} />
                  </Table.Td>
                </Table.Tr>
              )}
            </Fragment>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
