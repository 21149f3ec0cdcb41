import { SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useCallback, useState } from 'react';
import { QueryState } from '../../../components/QueryState.tsx';
import { servingIn } from '../app-query-options.ts';
import { useApp, useDeployments, useEnvironments, useVersions } from '../apps-queries.ts';
import { AppSettingsForm } from './AppSettingsForm.tsx';
import { useResolvedConfigs } from './config-queries.ts';
import { DriftBanner } from './DriftBanner.tsx';
import { LayerEntries } from './LayerEntries.tsx';

/** An app's configuration: drift per environment, keys per layer with where each comes from, deploy settings. */
export function ConfigSection({ tenant, app }: { tenant: string; app: string }) {
  const appQuery = useApp(tenant, app);
  const environments = useEnvironments(tenant).data ?? [];
  const deployments = useDeployments(tenant, app).data ?? [];
  const versions = useVersions(tenant, app).data ?? [];
  const serving = environments.map((env) => ({ env, deployment: servingIn(deployments, env.id) }));
  const resolved = useResolvedConfigs(
    tenant,
    app,
    serving.map((s) => ({ name: s.env.name, servingId: s.deployment?.id ?? '' })),
  );
  // A phone has no room for the layers side by side.
  const narrow = useMediaQuery('(max-width: 40em)');
  const [layer, setLayer] = useState('app');
  const selected = environments.findIndex((e) => e.name === layer);
  const selectedQuery = selected >= 0 ? resolved[selected] : undefined;
  // Kept the same function while the names are the same, so the resolved views arriving after the
  // page's first render do not render the form (the heaviest part of the page) a second time.
  const volumeKey = JSON.stringify(
    resolved.flatMap((q) =>
      (q.data?.volumes ?? []).flatMap((v) =>
        q.data && v.name ? [[v.path, q.data.environment, v.name]] : [],
      ),
    ),
  );
  const volumeNames = useCallback(
    (path: string) =>
      (JSON.parse(volumeKey) as [string, string, string][])
        .filter(([p]) => p === path)
        .map(([, environment, name]) => ({ environment, name })),
    [volumeKey],
  );
  const versionOf = (id: string) => ({ id, label: versions.find((v) => v.id === id)?.label ?? id });

  return (
    <Stack gap="md">
      {resolved.map((q, i) => {
        const env = environments[i];
        const deployment = serving[i]?.deployment;
        if (!env || !deployment || q.data?.serving?.configChanged !== true) return null;
        return (
          <DriftBanner
            key={env.id}
            tenant={tenant}
            app={app}
            environment={env.name}
            version={versionOf(deployment.versionId)}
          />
        );
      })}

      <SegmentedControl
        aria-label="Configuration layer"
        value={layer}
        onChange={setLayer}
        data={[
          { value: 'app', label: 'App' },
          ...environments.map((e) => ({ value: e.name, label: `App in ${e.name}` })),
        ]}
        fullWidth
        orientation={narrow ? 'vertical' : 'horizontal'}
      />
      {selected >= 0 && selectedQuery ? (
        <LayerEntries
          tenant={tenant}
          layer={{ app, environment: layer }}
          layerName="app-environment"
          resolved={selectedQuery}
          description={`What ${app} gets in ${layer}: each key from its most specific layer (global ← ${layer} ← app ← app in ${layer}). Values set here win.`}
        />
      ) : (
        <LayerEntries
          tenant={tenant}
          layer={{ app }}
          layerName="app"
          description={`Values for ${app} in every environment; an environment's own app layer overrides them.`}
        />
      )}

      <Title order={3} size="h4" id="settings-heading">
        Deploy settings
      </Title>
      <Text size="sm" c="dimmed">
        The same in every environment; they apply at the next deploy.
      </Text>
      <QueryState query={appQuery}>
        {(a) => <AppSettingsForm key={a.updatedAt} tenant={tenant} app={a} volumeNames={volumeNames} />}
      </QueryState>
    </Stack>
  );
}
