import { Code, Group, Stack, Table, Text, Title } from '@mantine/core';
import { ConfirmButton } from '../../../components/ConfirmButton.tsx';
import { ProblemAlert } from '../../../components/ProblemAlert.tsx';
import { QueryState } from '../../../components/QueryState.tsx';
import { formatTime, quiet } from '../format.ts';
import { ReplayLabel } from './ReplayLabel.tsx';
import { useFailedExchange, useReplay } from './use-failed-exchanges.ts';

/** One failed exchange as the agent redacted it, its replays, and the Replay button (developers and above). */
export function FailedExchangeDetail({ exchangeId }: { exchangeId: string }) {
  const exchange = useFailedExchange(exchangeId);
  const replay = useReplay(exchangeId);
  return (
    <QueryState query={exchange}>
      {(x) => (
        <Stack gap="sm">
          <Group justify="space-between" align="flex-start">
            <Stack gap={2}>
              <Text size="sm">
                <b>{x.exceptionType}</b>: {x.exceptionMessage}
              </Text>
              <Text size="xs" c={quiet}>
                Route {x.routeId} from {x.fromUri}, failed at {x.failedEndpoint || 'the route itself'} ·{' '}
                {x.redactions} value(s) masked in the app
                {x.replayOf ? ` · a replay of ${x.replayOf}` : ''}
              </Text>
            </Stack>
            <ConfirmButton
              permission="exchanges:replay"
              label="Replay"
              color="blue"
              loading={replay.isPending}
              question={`Send exchange ${x.exchangeId} through route ${x.routeId} again, with its original headers and body (kept by ${x.app} in ${x.environment}, not the masked copy shown here)? Its side effects happen again.`}
              onConfirm={() => replay.mutate()}
            />
          </Group>
          {replay.isError && <ProblemAlert error={replay.error} />}
          <Title order={5}>Headers{x.headersTruncated ? ' (truncated)' : ''}</Title>
          <Table withRowBorders={false} aria-label="Headers">
            <Table.Tbody>
              {Object.entries(x.headers).map(([name, value]) => (
                <Table.Tr key={name}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <Code>{name}</Code>
                  </Table.Td>
                  <Table.Td>
                    <Code>{value}</Code>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Title order={5}>
            Body ({x.bodySize} bytes{x.bodyTruncated ? ', truncated' : ''})
          </Title>
          <Code block aria-label="Body">
            {x.body || '(empty)'}
          </Code>
          {x.stackTrace && (
            <details>
              <summary>Stack trace</summary>
              <Code block>{x.stackTrace}</Code>
            </details>
          )}
          {x.replays.length > 0 && (
            <>
              <Title order={5}>Replays</Title>
              {x.replays.map((r) => (
                <Group key={r.commandId} gap="xs">
                  <ReplayLabel replay={r} />
                  <Text size="xs" c={quiet}>
                    {formatTime(r.requestedAt)}
                    {r.exceptionType ? ` · ${r.exceptionType}: ${r.exceptionMessage ?? ''}` : ''}
                    {r.error ? ` · ${r.error}` : ''}
                  </Text>
                </Group>
              ))}
            </>
          )}
        </Stack>
      )}
    </QueryState>
  );
}
