import { Badge, Card, Group, Progress, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { QueryState } from '../../components/QueryState.tsx';
import { useTierUsage } from './billing-queries.ts';
import type { TierUsage } from './billing-state.ts';

type Counted = keyof TierUsage['usage'];
const counted: Array<{ key: Counted; label: string }> = [
  { key: 'environments', label: 'Environments' },
  { key: 'apps', label: 'Apps' },
  { key: 'runners', label: 'Runners' },
];

function UsageBar({ label, used, allowed }: { label: string; used: number; allowed: number }) {
  const percent = allowed > 0 ? Math.min(100, Math.round((used / allowed) * 100)) : 100;
  const color = percent >= 100 ? 'red' : percent >= 80 ? 'yellow' : 'blue';
  return (
    <Stack gap={4}>
      <Group justify="space-between">
        <Text size="sm" fw={500}>
          {label}
        </Text>
        <Text size="sm" data-testid={`usage-${label.toLowerCase()}`}>
          {used} of {allowed}
        </Text>
      </Group>
      <Progress value={percent} color={color} size="lg" aria-label={`${label}: ${used} of ${allowed} used`} />
    </Stack>
  );
}

/** The tier, what it allows and how much of it the tenant uses. */
export function UsageCard({ slug }: { slug: string }) {
  const tier = useTierUsage(slug);
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="usage-title">
      <QueryState query={tier}>
        {({ tier: t, usage }) => (
          <Stack>
            <Group justify="space-between">
              <Title order={2} size="h4" id="usage-title">
                Tier and usage
              </Title>
              <Badge size="lg" variant="light" data-testid="current-tier">
                {t.name} tier
              </Badge>
            </Group>
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              {counted.map(({ key, label }) => (
                <UsageBar key={key} label={label} used={usage[key]} allowed={t.limits[key]} />
              ))}
            </SimpleGrid>
            <Text size="sm">
              Logs, traces and metrics kept {t.limits.retentionDays} days · up to {t.limits.memoryMbPerApp} MB
              of memory per app · environments {t.environments.join(', ')}
              {t.customEnvironments ? ' and custom ones' : ''}
            </Text>
            <Group gap={4} aria-label="Features">
              {t.features.map((f) => (
                <Badge key={f} size="sm" variant="outline" color="gray">
                  {f}
                </Badge>
              ))}
            </Group>
          </Stack>
        )}
      </QueryState>
    </Card>
  );
}
