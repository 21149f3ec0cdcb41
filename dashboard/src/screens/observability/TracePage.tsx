import { Anchor, Group, Paper, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, unwrap } from '../../api/client.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { useTenant } from '../../session/tenant.ts';
import { formatMs, formatTime } from './format.ts';
import { ErrorMark } from './traces/ErrorMark.tsx';
import { flattenSpans } from './waterfall/flatten-spans.ts';
import { SpanDetails } from './waterfall/SpanDetails.tsx';
import { Waterfall } from './waterfall/Waterfall.tsx';

export function TracePage() {
  const { slug } = useTenant();
  const traceId = useParams().traceId ?? '';
  const [selected, setSelected] = useState<string>();
  const trace = useQuery({
    queryKey: ['tenants', slug, 'telemetry', 'trace', traceId],
    queryFn: () =>
      unwrap(
        api.GET('/api/tenants/{tenant}/telemetry/traces/{traceId}', {
          params: { path: { tenant: slug, traceId } },
        }),
      ),
    // A stored trace does not change; spans arriving late show on the next visit.
    staleTime: 60_000,
  });
  return (
    <>
      <PageHeader title="Trace" />
      <Text size="sm" mt={-8} mb="md">
        <Text span ff="monospace" size="sm">
          {traceId}
        </Text>{' '}
        ·{' '}
        <Anchor component={Link} to={`/t/${slug}/traces`} size="sm" underline="always">
          All traces
        </Anchor>
      </Text>
      <QueryState query={trace}>
        {(detail) => {
          const rows = flattenSpans(detail.roots);
          const span = rows.find((r) => r.span.spanId === selected)?.span;
          return (
            <>
              <Group gap="lg" mb="md" wrap="wrap">
                <Text size="sm">Started {formatTime(detail.startTime)}</Text>
                <Text size="sm">{formatMs(detail.durationMs)}</Text>
                <Text size="sm">{detail.spanCount} spans</Text>
                {detail.errorCount > 0 ? (
                  <ErrorMark label={`${detail.errorCount} failed`} />
                ) : (
                  <Text size="sm">No errors</Text>
                )}
              </Group>
              <Paper withBorder p="xs">
                <Waterfall
                  rows={rows}
                  durationMs={detail.durationMs}
                  selected={selected}
                  onOpen={setSelected}
                />
              </Paper>
              <Text size="xs" mt="xs">
                Click a span, or reach it with Tab and press Enter, to see its attributes, events and status.
              </Text>
              <SpanDetails span={span} onClose={() => setSelected(undefined)} />
            </>
          );
        }}
      </QueryState>
    </>
  );
}
