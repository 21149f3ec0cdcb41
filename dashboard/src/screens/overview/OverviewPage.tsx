import { Alert, Anchor, Badge, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import type { components } from '../../api/client.ts';
import { AfterFirstPaint } from '../../components/AfterFirstPaint.tsx';
import { formatDate, formatDateTime } from '../../components/dates.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { useTenant } from '../../session/tenant.ts';
import { DeploymentState } from './DeploymentState.tsx';
import {
  type App,
  type Deployment,
  latestByEnvironmentAndApp,
  useApps,
  useDeploymentsByApp,
  useEnvironments,
  useLicence,
  useOverviewDeploymentChanges,
  useRunners,
} from './overview-queries.ts';

export function OverviewPage() {
  const { slug } = useTenant();
  const environments = useEnvironments(slug);
  const apps = useApps(slug);
  const perApp = useDeploymentsByApp(slug, apps.data?.items ?? []);
  const deployments = perApp.flatMap((q) => q.data?.items ?? []);
  const deploymentsError = perApp.find((q) => q.isError)?.error;
  const deploymentsLoading = perApp.some((q) => q.isPending);
  useOverviewDeploymentChanges(slug, apps.data && !deploymentsLoading ? deployments : null);
  const latest = latestByEnvironmentAndApp(deployments);
  const recent = [...deployments].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, 8);
  const appName = new Map((apps.data?.items ?? []).map((a) => [a.id, a.name]));
  const envName = new Map((environments.data?.items ?? []).map((e) => [e.id, e.name]));
  return (
    <>
      <PageHeader title="Overview" description="Every environment, its apps and their runners at a glance." />
      <SimpleGrid cols={{ base: 1, sm: 2 }} mb="lg">
        <RunnersCard slug={slug} />
        <LicenceCard slug={slug} />
      </SimpleGrid>
      <Title order={2} size="h4" mb="sm">
        Environments
      </Title>
      <QueryState query={environments} isEmpty={(d) => d.items.length === 0} empty="No environments yet.">
        {(envs) => (
          <QueryState query={apps}>
            {(appList) => (
              <SimpleGrid cols={{ base: 1, md: 2, lg: 3 }} mb="lg">
                {envs.items.map((env) => (
                  <Card
                    key={env.id}
                    withBorder
                    padding="md"
                    aria-label={`Environment ${env.name}`}
                    component="section"
                  >
                    <Title order={3} size="h5" mb="xs">
                      {env.name}
                    </Title>
                    <EnvironmentApps
                      slug={slug}
                      environmentId={env.id}
                      apps={appList.items}
                      latest={latest}
                      loading={deploymentsLoading}
                    />
                  </Card>
                ))}
              </SimpleGrid>
            )}
          </QueryState>
        )}
      </QueryState>
      {/* Below the fold on a phone: the first screen renders without it. */}
      <AfterFirstPaint>
        <Title order={2} size="h4" mb="sm">
          Recent deployments
        </Title>
        {deploymentsError ? (
          <ProblemAlert error={deploymentsError} title="Some deployments could not be loaded" />
        ) : apps.isSuccess && !deploymentsLoading && recent.length === 0 ? (
          <Alert variant="light" color="gray" role="status">
            No deployments yet.
          </Alert>
        ) : (
          <RecentDeployments slug={slug} recent={recent} appName={appName} envName={envName} />
        )}
      </AfterFirstPaint>
    </>
  );
}

function EnvironmentApps({
  slug,
  environmentId,
  apps,
  latest,
  loading,
}: {
  slug: string;
  environmentId: string;
  apps: App[];
  latest: Map<string, Deployment>;
  loading: boolean;
}) {
  const here = apps.flatMap((app) => {
    const d = latest.get(`${environmentId}/${app.id}`);
    return d ? [{ app, d }] : [];
  });
  if (here.length === 0)
    return (
      <Text size="sm" c="gray.7">
        {loading ? 'Loading deployments…' : 'Nothing deployed here.'}
      </Text>
    );
  return (
    <Stack gap={6}>
      {here.map(({ app, d }) => (
        <Group key={app.id} justify="space-between">
          <Anchor component={Link} to={`/t/${slug}/apps/${app.name}`} size="sm">
            {app.name}
          </Anchor>
          <DeploymentState state={d.state} />
        </Group>
      ))}
    </Stack>
  );
}

function RecentDeployments({
  slug,
  recent,
  appName,
  envName,
}: {
  slug: string;
  recent: Deployment[];
  appName: Map<string, string>;
  envName: Map<string, string>;
}) {
  if (recent.length === 0)
    return (
      <Text size="sm" c="gray.7" aria-busy="true">
        Loading deployments…
      </Text>
    );
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>App</Table.Th>
            <Table.Th>Environment</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th>When</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {recent.map((d) => (
            <Table.Tr key={d.id}>
              <Table.Td>
                <Anchor component={Link} to={`/t/${slug}/deployments/${d.id}`} size="sm">
                  {appName.get(d.appId) ?? d.appId}
                </Anchor>
              </Table.Td>
              <Table.Td>{envName.get(d.environmentId) ?? d.environmentId}</Table.Td>
              <Table.Td>
                <DeploymentState state={d.state} />
              </Table.Td>
              <Table.Td>{formatDateTime(d.createdAt)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function RunnersCard({ slug }: { slug: string }) {
  const runners = useRunners(slug);
  return (
    <Card withBorder padding="md" component="section" aria-label="Runners">
      <Title order={2} size="h5" mb="xs">
        Runners
      </Title>
      <QueryState query={runners} isEmpty={(d) => d.items.length === 0} empty="No runner has registered yet.">
        {(data) => {
          const online = data.items.filter((r) => r.status === 'online').length;
          const offline = data.items.filter((r) => r.status === 'offline').length;
          return (
            <Group>
              <Badge color="green" variant="light" size="lg">
                {online} online
              </Badge>
              <Badge color={offline > 0 ? 'orange' : 'gray'} variant="light" size="lg">
                {offline} offline
              </Badge>
              <Anchor component={Link} to={`/t/${slug}/runners`} size="sm">
                See runners
              </Anchor>
            </Group>
          );
        }}
      </QueryState>
    </Card>
  );
}

const licenceColour: Record<components['schemas']['Licence']['state'], string> = {
  valid: 'green',
  grace: 'yellow',
  expired: 'red',
  revoked: 'red',
};

function LicenceCard({ slug }: { slug: string }) {
  const licence = useLicence(slug);
  return (
    <Card withBorder padding="md" component="section" aria-label="Licence">
      <Title order={2} size="h5" mb="xs">
        Tier and licence
      </Title>
      <QueryState query={licence} isEmpty={(d) => d === null} empty="No licence issued yet.">
        {(data) =>
          data && (
            <Group>
              <Badge color="blue" variant="light" size="lg">
                {data.tier.name} tier
              </Badge>
              <Badge color={licenceColour[data.state]} variant="light" size="lg">
                licence {data.state}
              </Badge>
              <Text size="sm" c="gray.7">
                expires {formatDate(data.expiresAt)}
              </Text>
            </Group>
          )
        }
      </QueryState>
    </Card>
  );
}
