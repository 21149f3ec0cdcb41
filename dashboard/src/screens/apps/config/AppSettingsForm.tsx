import {
  ActionIcon,
  Button,
  Code,
  Fieldset,
  Group,
  NumberInput,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  VisuallyHidden,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { memo, useState } from 'react';
import { api, unwrap } from '../../../api/client.ts';
import { fieldProblem } from '../../../api/problem.ts';
import { Guarded } from '../../../components/Guarded.tsx';
import { ProblemAlert } from '../../../components/ProblemAlert.tsx';
import { useTenant } from '../../../session/tenant.ts';
import { type App, appKeys } from '../apps-queries.ts';
import { configKeys } from './config-queries.ts';

type Props = {
  tenant: string;
  app: App;
  /** Per saved volume path, the name its volume has in each environment (from the resolved views). */
  volumeNames: (path: string) => Array<{ environment: string; name: string }>;
};

/**
 * How the app runs in every environment: memory, CPU, health path, private route, writeable volumes.
 * Memoized: ConfigSection renders again as each environment's resolved view arrives.
 */
export const AppSettingsForm = memo(function AppSettingsForm({ tenant, app, volumeNames }: Props) {
  const queryClient = useQueryClient();
  // A role that may not change the app reads its settings; the Save button says why.
  const readOnly = !useTenant().can('apps:write');
  const [memoryMb, setMemoryMb] = useState<number | string>(app.memoryMb);
  const [cpus, setCpus] = useState<number | string>(app.cpus);
  const [healthPath, setHealthPath] = useState(app.healthPath ?? '');
  const [isPrivate, setPrivate] = useState(app.private);
  const [volumes, setVolumes] = useState(app.writeableVolumes);
  const [newVolume, setNewVolume] = useState('');
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.PATCH('/api/tenants/{tenant}/apps/{app}', {
          params: { path: { tenant, app: app.name } },
          body: {
            memoryMb: Number(memoryMb),
            cpus: Number(cpus),
            healthPath: healthPath.trim() === '' ? null : healthPath.trim(),
            private: isPrivate,
            writeableVolumes: volumes,
          },
        }),
      ),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: appKeys.one(tenant, app.name) });
      await queryClient.invalidateQueries({ queryKey: configKeys.all(tenant) });
    },
  });
  const problem = (path: string) => fieldProblem(save.error, path);
  const addVolume = () => {
    const path = newVolume.trim();
    if (path && !volumes.includes(path)) setVolumes([...volumes, path]);
    setNewVolume('');
  };
  const fieldProblems = ['memoryMb', 'cpus', 'healthPath', 'writeableVolumes', 'private'].some(problem);
  return (
    <form
      aria-label="Deploy settings"
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate();
      }}
    >
      <Stack>
        <Fieldset variant="unstyled" disabled={readOnly} aria-label="Deploy settings fields">
          <Stack>
            <Group grow align="flex-start" wrap="wrap">
              <NumberInput
                label="Memory (MB)"
                min={64}
                max={65536}
                step={64}
                value={memoryMb}
                onChange={setMemoryMb}
                error={problem('memoryMb')}
                miw={150}
              />
              <NumberInput
                label="CPUs"
                min={0.1}
                max={64}
                step={0.1}
                decimalScale={2}
                value={cpus}
                onChange={setCpus}
                error={problem('cpus')}
                miw={150}
              />
              <TextInput
                label="Health path"
                description="Empty: healthy once started"
                value={healthPath}
                onChange={(e) => setHealthPath(e.currentTarget.value)}
                error={problem('healthPath')}
                miw={150}
              />
            </Group>
            <Switch
              label="Private: reachable only by signed-in members of the tenant"
              checked={isPrivate}
              onChange={(e) => setPrivate(e.currentTarget.checked)}
            />
            <Stack gap="xs">
              <Text size="sm" fw={500} id="volumes-label">
                Writeable volumes
              </Text>
              {volumes.length === 0 ? (
                <Text size="sm" c="dimmed">
                  None: the app's file system is read-only apart from /tmp.
                </Text>
              ) : (
                <Table.ScrollContainer minWidth={500}>
                  <Table aria-labelledby="volumes-label">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>Path</Table.Th>
                        <Table.Th>Volume name per environment</Table.Th>
                        <Table.Th>
                          <VisuallyHidden>Remove</VisuallyHidden>
                        </Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {volumes.map((path) => {
                        const names = volumeNames(path);
                        return (
                          <Table.Tr key={path}>
                            <Table.Td>
                              <Code>{path}</Code>
                            </Table.Td>
                            <Table.Td>
                              {names.length === 0 ? (
                                <Text size="xs" c="dimmed">
                                  Named when saved
                                </Text>
                              ) : (
                                names.map((n) => (
                                  <Text size="xs" key={n.environment} style={{ wordBreak: 'break-all' }}>
                                    {n.environment}: <Code>{n.name}</Code>
                                  </Text>
                                ))
                              )}
                            </Table.Td>
                            <Table.Td>
                              <ActionIcon
                                variant="subtle"
                                color="red"
                                aria-label={`Remove volume ${path}`}
                                onClick={() => setVolumes(volumes.filter((v) => v !== path))}
                              >
                                ×
                              </ActionIcon>
                            </Table.Td>
                          </Table.Tr>
                        );
                      })}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              )}
              <Group align="flex-end" gap="xs">
                <TextInput
                  label="Add a volume path"
                  placeholder="/data"
                  value={newVolume}
                  onChange={(e) => setNewVolume(e.currentTarget.value)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') {
                      e.preventDefault();
                      addVolume();
                    }
                  }}
                  error={problem('writeableVolumes')}
                  style={{ flex: 1 }}
                />
                <Button variant="default" onClick={addVolume} disabled={!newVolume.trim()}>
                  Add
                </Button>
              </Group>
            </Stack>
          </Stack>
        </Fieldset>
        {save.isError && !fieldProblems && <ProblemAlert error={save.error} title="Settings not saved" />}
        {save.isSuccess && (
          <Text size="sm" role="status">
            Saved. Running deployments keep their settings until they are deployed again.
          </Text>
        )}
        <Group justify="flex-end">
          <Guarded permission="apps:write" type="submit" loading={save.isPending}>
            Save settings
          </Guarded>
        </Group>
      </Stack>
    </form>
  );
});
