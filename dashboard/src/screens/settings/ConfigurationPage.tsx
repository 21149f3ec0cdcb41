import { SegmentedControl, Stack } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useState } from 'react';
import { PageHeader } from '../../components/PageHeader.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { useTenant } from '../../session/tenant.ts';
import { useEnvironments } from '../apps/apps-queries.ts';
import { LayerEntries } from '../apps/config/LayerEntries.tsx';

const global = '';

/** The tenant-wide layers: global defaults, and each environment's values for every app in it. */
export function ConfigurationPage() {
  const { slug } = useTenant();
  const environments = useEnvironments(slug);
  // A phone has no room for the layers side by side.
  const narrow = useMediaQuery('(max-width: 40em)');
  const [layer, setLayer] = useState(global);
  return (
    <Stack gap="lg">
      <PageHeader
        title="Configuration"
        description="Variables and secrets for every app: global defaults ← environment ← app ← app in an environment; the most specific layer wins. Per-app layers are on each app's page."
      />
      <QueryState query={environments}>
        {(envs) => (
          <Stack gap="md">
            <SegmentedControl
              aria-label="Configuration layer"
              value={layer}
              onChange={setLayer}
              data={[
                { value: global, label: 'Global' },
                ...envs.map((e) => ({ value: e.name, label: `Environment ${e.name}` })),
              ]}
              fullWidth
              orientation={narrow ? 'vertical' : 'horizontal'}
            />
            {layer === global ? (
              <LayerEntries
                key="global"
                tenant={slug}
                layer={{}}
                layerName="global"
                description="Defaults for every app in every environment."
              />
            ) : (
              <LayerEntries
                key={layer}
                tenant={slug}
                layer={{ environment: layer }}
                layerName="environment"
                description={`Values for every app in ${layer}; an app's own layers override them.`}
              />
            )}
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}
