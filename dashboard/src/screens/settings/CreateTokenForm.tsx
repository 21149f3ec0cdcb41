import { Group, NumberInput, Select, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { components } from '../../api/client.ts';
import { Guarded } from '../../components/Guarded.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { isRole, type MemberRole, roles } from './roles.ts';

type Props = {
  onCreate: (body: components['schemas']['CreateApiToken']) => void;
  pending: boolean;
  error: unknown;
};

export function CreateTokenForm({ onCreate, pending, error }: Props) {
  const [name, setName] = useState('');
  const [role, setRole] = useState<MemberRole>('developer');
  const [days, setDays] = useState<number | string>(90);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (!name.trim()) return;
        onCreate({ name: name.trim(), role, ...(typeof days === 'number' ? { expiresInDays: days } : {}) });
        setName('');
      }}
    >
      <Group align="flex-end" mb="md" wrap="wrap">
        <TextInput
          label="Name"
          placeholder="ci-deploy"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          required
        />
        <Select
          label="Role"
          data={roles}
          value={role}
          allowDeselect={false}
          onChange={(value) => isRole(value) && setRole(value)}
        />
        <NumberInput
          label="Expires in (days)"
          description="Empty: never"
          min={1}
          max={3650}
          value={days}
          onChange={setDays}
        />
        <Guarded permission="api-tokens:write" type="submit" loading={pending}>
          Create token
        </Guarded>
      </Group>
      {error !== null && error !== undefined && (
        <ProblemAlert error={error} title="The token was not created" />
      )}
    </form>
  );
}
