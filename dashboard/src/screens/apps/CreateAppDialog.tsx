import { Button, Group, Modal, Stack, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { appKeys } from './apps-queries.ts';

export function CreateAppDialog({
  tenant,
  opened,
  onClose,
}: {
  tenant: string;
  opened: boolean;
  onClose: () => void;
}) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/tenants/{tenant}/apps', {
          params: { path: { tenant } },
          body: { name: name.trim(), description: description.trim() },
        }),
      ),
    onSuccess: async (app) => {
      await queryClient.invalidateQueries({ queryKey: appKeys.list(tenant) });
      close();
      navigate(`/t/${tenant}/apps/${encodeURIComponent(app.name)}`);
    },
  });
  const close = () => {
    setName('');
    setDescription('');
    create.reset();
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title="Create app" centered>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate();
        }}
      >
        <Stack>
          <TextInput
            label="Name"
            description="Lower-case letters, digits and dashes; it becomes part of the app's address."
            required
            data-autofocus
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
          />
          <Textarea
            label="Description"
            autosize
            minRows={2}
            value={description}
            onChange={(event) => setDescription(event.currentTarget.value)}
          />
          {create.isError && <ProblemAlert error={create.error} title="The app was not created" />}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending} disabled={!name.trim()}>
              Create
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
