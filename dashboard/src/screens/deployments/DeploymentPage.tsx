import { Anchor, Badge, Grid, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api, unwrap } from '../../api/client.ts';
import { formatDateTime } from '../../components/dates.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { deploymentKey, useDeploymentFeed } from '../../live/use-deployment-feed.ts';
import { useTenant } from '../../session/tenant.ts';
import { BuildOutputPanel } from './BuildOutputPanel.tsx';
import { DeploymentTimeline } from './DeploymentTimeline.tsx';
import { stateColor } from './deployment-states.ts';
import { FailureReason } from './FailureReason.tsx';
import { LiveStatus } from './LiveStatus.tsx';
import { LogsPanel } from './LogsPanel.tsx';

/** The streamed timeline once it caught up with the one read on open (no flicker while it replays). */
const timelineOf = <T,>(read: T[], streamed: T[] | null): T[] =>
  streamed && streamed.length >= read.length ? streamed : read;

export function DeploymentPage() {
  const { slug } = useTenant();
  const { deploymentId = '' } = useParams();
  const deployment = useQuery({
    queryKey: deploymentKey(slug, deploymentId),
    queryFn: () =>
      unwrap(
        api.GET('/api/tenants/{tenant}/deployments/{deploymentId}', {
          params: { path: { tenant: slug, deploymentId } },
        }),
      ),
  });
  // The state changes within seconds until it settles: followed live, not polled.
  const feed = useDeploymentFeed(slug, deploymentId);
  // A deployment names its app and environment by id; the log stream and links want their names.
  const apps = useQuery({
    queryKey: ['apps', slug],
    queryFn: () => unwrap(api.GET('/api/tenants/{tenant}/apps', { params: { path: { tenant: slug } } })),
  });
  const environments = useQuery({
    queryKey: ['environments', slug],
    queryFn: () =>
      unwrap(api.GET('/api/tenants/{tenant}/environments', { params: { path: { tenant: slug } } })),
  });

  return (
    <>
      <PageHeader title="Deployment" description={deploymentId} />
      <QueryState query={deployment}>
        {(d) => {
          const app = apps.data?.items.find((a) => a.id === d.appId);
          const environment = environments.data?.items.find((e) => e.id === d.environmentId);
          return (
            <Stack>
              {d.state === 'FAILED' && <FailureReason reason={d.reason} />}
              <Grid>
                <Grid.Col span={{ base: 12, md: 5 }}>
                  <Paper withBorder p="md" component="section" aria-labelledby="state-title">
                    <Group justify="space-between" mb="md">
                      <Group gap="xs">
                        <Title order={2} size="h4" id="state-title">
                          State
                        </Title>
                        <LiveStatus status={feed.status} label="Deployment updates" />
                      </Group>
                      <Badge
                        color={stateColor[d.state]}
                        size="lg"
                        variant="light"
                        data-testid="deployment-state"
                      >
                        {d.state}
                      </Badge>
                    </Group>
                    <DeploymentTimeline deployment={{ ...d, events: timelineOf(d.events, feed.events) }} />
                  </Paper>
                </Grid.Col>
                <Grid.Col span={{ base: 12, md: 7 }}>
                  <Paper withBorder p="md" component="section" aria-labelledby="details-title">
                    <Title order={2} size="h4" id="details-title" mb="md">
                      Details
                    </Title>
                    <Stack gap="xs">
                      <Text size="sm">
                        App:{' '}
                        {app ? (
                          <Anchor component={Link} to={`/t/${slug}/apps/${encodeURIComponent(app.name)}`}>
                            {app.name}
                          </Anchor>
                        ) : (
                          d.appId
                        )}
                      </Text>
                      <Text size="sm">Environment: {environment?.name ?? d.environmentId}</Text>
                      <Text size="sm">Version: {d.versionId}</Text>
                      <Text size="sm">Runner: {d.runnerId}</Text>
                      <Text size="sm">
                        URL:{' '}
                        {d.url ? (
                          <Anchor href={d.url} target="_blank" rel="noreferrer">
                            {d.url}
                          </Anchor>
                        ) : (
                          'none yet'
                        )}
                      </Text>
                      {d.reason && d.state !== 'FAILED' && <Text size="sm">Reason: {d.reason}</Text>}
                      <Text size="xs" c="dimmed">
                        Created {formatDateTime(d.createdAt)}, updated {formatDateTime(d.updatedAt)}
                      </Text>
                    </Stack>
                  </Paper>
                </Grid.Col>
              </Grid>
              <BuildOutputPanel lines={feed.lines} status={feed.status} />
              {app && environment ? (
                <LogsPanel app={app.name} environment={environment.name} />
              ) : (
                <Text size="sm" c="dimmed">
                  Loading the app and environment for the logs…
                </Text>
              )}
            </Stack>
          );
        }}
      </QueryState>
    </>
  );
}
