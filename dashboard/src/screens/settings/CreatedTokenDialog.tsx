import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';
import type { components } from '../../api/client.ts';

type Props = { token: components['schemas']['CreatedApiToken'] | undefined; onClose: () => void };

/** The secret of a new token: the only time the edge returns it, so the dialog says so. */
export function CreatedTokenDialog({ token, onClose }: Props) {
  return (
    <Modal opened={token !== undefined} onClose={onClose} title="API token created" centered size="lg">
      {token && (
        <Stack>
          <Alert color="yellow" variant="light" role="status">
            Copy the token now: you will not see it again.
          </Alert>
          <Code block data-testid="token-secret">
            {token.secret}
          </Code>
          <Text size="sm" c="gray.7">
            Use it as <Code>Authorization: Bearer …</Code> from a CLI or CI job.
          </Text>
          <Group justify="flex-end">
            <CopyButton value={token.secret}>
              {({ copied, copy }) => (
                <Button variant="light" color={copied ? 'teal' : 'blue'} onClick={copy}>
                  {copied ? 'Copied' : 'Copy token'}
                </Button>
              )}
            </CopyButton>
            <Button onClick={onClose}>Done</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
