import { Badge, Drawer, Group, Stack, Text, Title } from '@mantine/core';
import { formatMs, formatTime, quiet } from '../format.ts';
import { ErrorMark } from '../traces/ErrorMark.tsx';
import { AttributeTable } from './AttributeTable.tsx';
import { isError, type SpanNode } from './flatten-spans.ts';

/** A span's status, timing, attributes, events and resource, beside the waterfall. */
export function SpanDetails({ span, onClose }: { span: SpanNode | undefined; onClose: () => void }) {
  return (
    <Drawer
      opened={span !== undefined}
      onClose={onClose}
      position="right"
      size="md"
      title={span ? `Span ${span.name}` : 'Span'}
      closeButtonProps={{ 'aria-label': 'Close the span details' }}
    >
      {span && (
        <Stack gap="md">
          <Group gap="xs">
            {isError(span) ? <ErrorMark /> : <Badge variant="light">{span.status.code || 'Unset'}</Badge>}
            <Badge variant="light" color="gray">
              {span.kind}
            </Badge>
          </Group>
          {span.status.message && (
            <Text size="sm" role="note">
              {span.status.message}
            </Text>
          )}
          <Text size="sm">
            {formatMs(span.durationMs)}, from {formatMs(span.offsetMs)} into the trace (
            {formatTime(span.startTime)})
            <br />
            {span.service} · {span.app} in {span.environment}
          </Text>
          <section>
            <Title order={3} size="h5" mb={4}>
              Attributes
            </Title>
            <AttributeTable values={span.attributes} label="Span attributes" />
          </section>
          <section>
            <Title order={3} size="h5" mb={4}>
              Events
            </Title>
            {span.events.length === 0 ? (
              <Text size="sm" c={quiet}>
                None.
              </Text>
            ) : (
              span.events.map((event) => (
                <Stack key={`${event.time}-${event.name}`} gap={2} mb="xs">
                  <Text size="sm" fw={600}>
                    {event.name}{' '}
                    <Text span size="xs" c={quiet}>
                      {formatTime(event.time)}
                    </Text>
                  </Text>
                  <AttributeTable values={event.attributes} label={`Attributes of ${event.name}`} />
                </Stack>
              ))
            )}
          </section>
          <section>
            <Title order={3} size="h5" mb={4}>
              Resource
            </Title>
            <AttributeTable values={span.resource} label="Resource attributes" />
          </section>
        </Stack>
      )}
    </Drawer>
  );
}
