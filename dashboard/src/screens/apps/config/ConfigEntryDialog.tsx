import { Button, Group, Modal, PasswordInput, Stack, Switch, Textarea, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useState } from 'react';
import { fieldProblem } from '../../../api/problem.ts';
import { Guarded } from '../../../components/Guarded.tsx';
import { ProblemAlert } from '../../../components/ProblemAlert.tsx';
import { type LayerRef, useConfigWrites } from './config-queries.ts';

type Props = {
  tenant: string;
  layer: LayerRef;
  /** Where the value goes, in words ("app in dev"). */
  layerLabel: string;
  /** Editing (or overriding) an existing key: the key is fixed. */
  entry?: { key: string; secret: boolean; value: string | null };
  buttonLabel: string;
  buttonVariant?: string;
};

/** Add, edit or override a key in one layer; a secret is typed in once and never shown again. */
export function ConfigEntryDialog({ tenant, layer, layerLabel, entry, buttonLabel, buttonVariant }: Props) {
  const [opened, { open, close }] = useDisclosure(false);
  const [key, setKey] = useState(entry?.key ?? '');
  const [value, setValue] = useState(entry?.value ?? '');
  const [secret, setSecret] = useState(entry?.secret ?? false);
  const { set } = useConfigWrites(tenant, layer);
  const start = () => {
    set.reset();
    setKey(entry?.key ?? '');
    // A secret's value never comes back from the edge: replacing it means typing it again.
    setValue(entry && !entry.secret ? (entry.value ?? '') : '');
    setSecret(entry?.secret ?? false);
    open();
  };
  const keyProblem = fieldProblem(set.error, 'key');
  const valueProblem = fieldProblem(set.error, 'value');
  const label = entry ? `${buttonLabel} ${entry.key}` : buttonLabel;
  return (
    <>
      <Guarded
        permission="config:write"
        size="xs"
        variant={buttonVariant ?? 'light'}
        onClick={start}
        aria-label={`${label} (${layerLabel})`}
      >
        {buttonLabel}
      </Guarded>
      <Modal
        opened={opened}
        onClose={close}
        title={`${label} · ${layerLabel}`}
        closeButtonProps={{ 'aria-label': 'Close' }}
        centered
      >
        <form
          onSubmit={(event) => {
            event.preventDefault();
            set.mutate({ key: key.trim(), value, secret }, { onSuccess: close });
          }}
        >
          <Stack>
            <TextInput
              label="Key"
              description="An environment variable name, e.g. DATABASE_URL; CAMELEER_TRACES_SAMPLING sets the share of traces kept"
              value={key}
              onChange={(e) => setKey(e.currentTarget.value)}
              readOnly={!!entry}
              required
              error={keyProblem}
              data-autofocus={entry ? undefined : true}
            />
            <Switch
              label="Secret: stored encrypted, write-only, never shown again"
              checked={secret}
              onChange={(e) => setSecret(e.currentTarget.checked)}
            />
            {secret ? (
              <PasswordInput
                label="Secret value"
                description={entry?.secret ? 'Type the new value: the stored one is never shown' : undefined}
                value={value}
                onChange={(e) => setValue(e.currentTarget.value)}
                autoComplete="new-password"
                required
                error={valueProblem}
                data-autofocus={entry ? true : undefined}
              />
            ) : (
              <Textarea
                label="Value"
                description={
                  key.trim() === 'CAMELEER_TRACES_SAMPLING'
                    ? 'A fraction (0.1) or a percentage (10%); applied as OTEL_TRACES_SAMPLER at the next deploy'
                    : undefined
                }
                value={value}
                onChange={(e) => setValue(e.currentTarget.value)}
                autosize
                minRows={1}
                maxRows={6}
                error={valueProblem}
                data-autofocus={entry ? true : undefined}
              />
            )}
            {set.isError && !keyProblem && !valueProblem && (
              <ProblemAlert error={set.error} title="Not saved" />
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={set.isPending}>
                Save
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
