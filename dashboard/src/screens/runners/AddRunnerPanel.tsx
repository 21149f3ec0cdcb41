import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Tabs, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation } from '@tanstack/react-query';
import { api, type components, unwrap } from '../../api/client.ts';
import { formatDateTime } from '../../components/dates.ts';
import { Guarded } from '../../components/Guarded.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { useTenant } from '../../session/tenant.ts';

type RunnerToken = components['schemas']['RunnerToken'];

function CopyLine({ label, text }: { label: string; text: string }) {
  return (
    <Stack gap={4}>
      <Group justify="space-between">
        <Text size="sm" fw={500}>
          {label}
        </Text>
        <CopyButton value={text}>
          {({ copied, copy }) => (
            <Button
              size="xs"
              variant="light"
              color={copied ? 'green' : undefined}
              onClick={copy}
              aria-label={copied ? `${label}: copied` : `Copy: ${label}`}
            >
              {copied ? 'Copied' : 'Copy'}
            </Button>
          )}
        </CopyButton>
      </Group>
      <Code block tabIndex={0} style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
        {text}
      </Code>
    </Stack>
  );
}

/**
 * Creates a one-time registration token and shows it with the commands that use it. The token is
 * shown only here: the edge keeps just its hash, so closing the dialog loses it for good.
 */
export function AddRunnerPanel() {
  const { slug } = useTenant();
  const [opened, { open, close }] = useDisclosure(false);
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/tenants/{tenant}/runner-tokens', {
          params: { path: { tenant: slug } },
          body: { environments: [] },
        }),
      ),
  });
  const token: RunnerToken | undefined = create.data;
  return (
    <>
      <Guarded
        permission="runners:write"
        onClick={() => {
          create.reset();
          open();
          create.mutate();
        }}
      >
        Add a runner
      </Guarded>
      <Modal
        opened={opened}
        onClose={close}
        title="Add a runner"
        size="xl"
        centered
        closeButtonProps={{ 'aria-label': 'Close' }}
      >
        {create.isError && <ProblemAlert error={create.error} />}
        {create.isPending && <Text size="sm">Creating a registration token…</Text>}
        {token && (
          <Stack>
            <Alert color="yellow" variant="light" title="Shown once">
              Copy the token now: it cannot be shown again. It registers one runner and expires at{' '}
              {formatDateTime(token.expiresAt)}.
            </Alert>
            <CopyLine label="Registration token" text={token.token} />
            <Tabs defaultValue="npm">
              <Tabs.List>
                <Tabs.Tab value="npm">npm</Tabs.Tab>
                <Tabs.Tab value="binary">Single file</Tabs.Tab>
                <Tabs.Tab value="docker">Docker</Tabs.Tab>
                <Tabs.Tab value="helm">Helm</Tabs.Tab>
              </Tabs.List>
              <Tabs.Panel value="npm" pt="sm">
                <CopyLine
                  label="Register and start the runner (Node.js 22 and Java 21 on the machine)"
                  text={token.install.npm}
                />
              </Tabs.Panel>
              <Tabs.Panel value="binary" pt="sm">
                <CopyLine
                  label="Download the single-file runner for Linux x64 from this edge, register and start it (Java on the machine; no Node.js)"
                  text={token.install.binary}
                />
              </Tabs.Panel>
              <Tabs.Panel value="docker" pt="sm">
                <CopyLine
                  label="Run it in a container beside Docker (it deploys apps through the host's Docker socket)"
                  text={token.install.docker}
                />
              </Tabs.Panel>
              <Tabs.Panel value="helm" pt="sm">
                <CopyLine
                  label="Install it in Kubernetes with the chart in charts/cameleer-runner of a Cameleer checkout"
                  text={token.install.helm}
                />
                <Text size="sm" mt="xs">
                  The runner deploys apps into namespaces of this cluster; RBAC, registry and ingress settings
                  are in the Kubernetes guide (docs/kubernetes.md).
                </Text>
              </Tabs.Panel>
            </Tabs>
            <Text size="sm" c="dimmed">
              The runner connects out to the edge; it needs no open port. It appears in the list as online
              once started.
            </Text>
          </Stack>
        )}
        <Group justify="flex-end" mt="lg">
          <Button variant="default" onClick={close}>
            Done
          </Button>
        </Group>
      </Modal>
    </>
  );
}
