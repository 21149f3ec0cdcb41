import { Anchor, Code, Group, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { Link, useParams } from 'react-router';
import { AfterFirstPaint } from '../../components/AfterFirstPaint.tsx';
import { formatDateTime } from '../../components/dates.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { PageLoader } from '../../components/PageLoader.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { useTenant } from '../../session/tenant.ts';
import { LiveStatus } from '../deployments/LiveStatus.tsx';
import {
  type Deployment,
  type Environment,
  useApp,
  useAppDeploymentChanges,
  useDeployments,
  useEnvironments,
  useVersions,
} from './apps-queries.ts';
import { DeployDialog } from './DeployDialog.tsx';
import { EnvironmentActions } from './EnvironmentActions.tsx';
import { StateBadge } from './StateBadge.tsx';
import { UploadVersion } from './UploadVersion.tsx';

// The settings form and its inputs are most of the page's code: loaded once the rest has rendered.
const ConfigSection = lazy(() =>
  import('./config/ConfigSection.tsx').then((m) => ({ default: m.ConfigSection })),
);

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function AppPage() {
  const { slug } = useTenant();
  const appName = useParams().app ?? '';
  const app = useApp(slug, appName);
  const versions = useVersions(slug, appName);
  const deployments = useDeployments(slug, appName);
  const live = useAppDeploymentChanges(slug, appName, deployments.data);
  const environments = useEnvironments(slug);
  const envs = environments.data ?? [];
  const envName = (id: string) => envs.find((e) => e.id === id)?.name ?? id;
  const versionLabel = (id: string) => versions.data?.find((v) => v.id === id)?.label ?? id;
  // The sections come in together: rendered as each answer arrived, the configuration section was
  // pushed down the screen twice (Lighthouse measured a layout shift of 0.38).
  if ([app, versions, deployments, environments].some((q) => q.isPending)) return <PageLoader />;

  return (
    <Stack gap="xl">
      <QueryState query={app}>
        {(a) => (
          <PageHeader
            title={a.name}
            description={
              <>
                {a.description || 'No description'} · {a.memoryMb} MB, {a.cpus} CPU
                {a.healthPath ? ` · health ${a.healthPath}` : ''}
              </>
            }
          />
        )}
      </QueryState>

      <section aria-labelledby="versions-heading">
        <Group justify="space-between" mb="sm">
          <Title order={2} size="h3" id="versions-heading">
            Versions
          </Title>
          <UploadVersion tenant={slug} app={appName} />
        </Group>
        <QueryState
          query={versions}
          isEmpty={(items) => items.length === 0}
          empty="No versions yet. Upload the app's JAR to create the first."
        >
          {(items) => (
            <Table.ScrollContainer minWidth={700}>
              <Table striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Version</Table.Th>
                    <Table.Th>SHA-256</Table.Th>
                    <Table.Th>Size</Table.Th>
                    <Table.Th>Uploaded</Table.Th>
                    <Table.Th>
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((v) => (
                    <Table.Tr key={v.id}>
                      <Table.Td>
                        {v.label}
                        <Text size="xs" c="dimmed">
                          #{v.number}
                          {v.filename ? ` · ${v.filename}` : ''}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Code style={{ wordBreak: 'break-all' }} title={v.sha256}>
                          {v.sha256}
                        </Code>
                      </Table.Td>
                      <Table.Td>{formatBytes(v.sizeBytes)}</Table.Td>
                      <Table.Td>{formatDateTime(v.createdAt)}</Table.Td>
                      <Table.Td>
                        {envs.length > 0 && (
                          <DeployDialog tenant={slug} app={appName} version={v} environments={envs} />
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </QueryState>
      </section>

      <section aria-labelledby="environments-heading">
        <Title order={2} size="h3" id="environments-heading" mb="sm">
          Environments
        </Title>
        <QueryState query={environments} isEmpty={(items) => items.length === 0} empty="No environments.">
          {(items) => (
            <EnvironmentsTable
              tenant={slug}
              app={appName}
              environments={items}
              deployments={deployments.data ?? []}
              versionLabel={versionLabel}
            />
          )}
        </QueryState>
      </section>

      {/* Below the fold on a phone, and the heaviest part of the page (the settings form). The two
          sections come together, below the rest, so nothing shown moves when they arrive. */}
      <AfterFirstPaint>
        <Suspense fallback={null}>
          <section aria-labelledby="configuration-heading">
            <Title order={2} size="h3" id="configuration-heading" mb="sm">
              Configuration
            </Title>
            <ConfigSection tenant={slug} app={appName} />
          </section>

          <section aria-labelledby="deployments-heading">
            <Group gap="xs" mb="sm">
              <Title order={2} size="h3" id="deployments-heading">
                Deployments
              </Title>
              <LiveStatus status={live} label="Deployment updates" />
            </Group>
            <QueryState
              query={deployments}
              isEmpty={(items) => items.length === 0}
              empty="Not deployed yet. Deploy a version to an environment."
            >
              {(items) => (
                <Table.ScrollContainer minWidth={600}>
                  <Table striped highlightOnHover>
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>Deployment</Table.Th>
                        <Table.Th>State</Table.Th>
                        <Table.Th>Environment</Table.Th>
                        <Table.Th>Version</Table.Th>
                        <Table.Th>Started</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {items.map((d) => (
                        <Table.Tr key={d.id}>
                          <Table.Td>
                            <Anchor component={Link} to={`/t/${slug}/deployments/${d.id}`}>
                              {d.id}
                            </Anchor>
                          </Table.Td>
                          <Table.Td>
                            <Anchor
                              component={Link}
                              to={`/t/${slug}/deployments/${d.id}`}
                              aria-label={`${d.id}: ${d.state}`}
                            >
                              <StateBadge state={d.state} />
                            </Anchor>
                            {d.reason && (
                              <Text size="xs" c="dimmed">
                                {d.reason}
                              </Text>
                            )}
                          </Table.Td>
                          <Table.Td>{envName(d.environmentId)}</Table.Td>
                          <Table.Td>{versionLabel(d.versionId)}</Table.Td>
                          <Table.Td>{formatDateTime(d.createdAt)}</Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              )}
            </QueryState>
          </section>
        </Suspense>
      </AfterFirstPaint>
    </Stack>
  );
}

/** One row per environment: what runs there now (the newest deployment) and what can be done to it. */
function EnvironmentsTable({
  tenant,
  app,
  environments,
  deployments,
  versionLabel,
}: {
  tenant: string;
  app: string;
  environments: Environment[];
  deployments: Deployment[];
  versionLabel: (id: string) => string;
}) {
  const latest = (envId: string) =>
    deployments
      .filter((d) => d.environmentId === envId)
      .reduce<Deployment | undefined>((a, d) => (!a || d.createdAt > a.createdAt ? d : a), undefined);
  return (
    <Table.ScrollContainer minWidth={700}>
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Environment</Table.Th>
            <Table.Th>Now</Table.Th>
            <Table.Th>Actions</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {environments.map((env) => {
            const current = latest(env.id);
            return (
              <Table.Tr key={env.id}>
                <Table.Td>{env.name}</Table.Td>
                <Table.Td>
                  {current ? (
                    <Group gap="xs">
                      <StateBadge state={current.state} />
                      <Text size="sm">{versionLabel(current.versionId)}</Text>
                      {current.url && (
                        <Anchor href={current.url} size="sm" target="_blank" rel="noreferrer">
                          {current.url}
                        </Anchor>
                      )}
                    </Group>
                  ) : (
                    <Text size="sm" c="dimmed">
                      Not deployed
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  {current && (
                    <EnvironmentActions
                      tenant={tenant}
                      app={app}
                      environment={env.name}
                      environments={environments}
                    />
                  )}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
