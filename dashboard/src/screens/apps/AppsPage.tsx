import { Anchor, Table, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Link } from 'react-router';
import { formatDateTime } from '../../components/dates.ts';
import { Guarded } from '../../components/Guarded.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { useTenant } from '../../session/tenant.ts';
import { useApps } from './apps-queries.ts';
import { CreateAppDialog } from './CreateAppDialog.tsx';

export function AppsPage() {
  const { slug } = useTenant();
  const apps = useApps(slug);
  const [creating, { open, close }] = useDisclosure(false);
  return (
    <>
      <PageHeader
        title="Apps"
        description="Each app is a Camel JAR with its versions and where they run."
        actions={
          <Guarded permission="apps:write" onClick={open}>
            Create app
          </Guarded>
        }
      />
      <QueryState
        query={apps}
        isEmpty={(items) => items.length === 0}
        empty="No apps yet. Create one, then upload its JAR."
      >
        {(items) => (
          <Table.ScrollContainer minWidth={500}>
            <Table striped highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Description</Table.Th>
                  <Table.Th>Created</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((app) => (
                  <Table.Tr key={app.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/t/${slug}/apps/${encodeURIComponent(app.name)}`}>
                        {app.name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" c="dimmed">
                        {app.description || '—'}
                      </Text>
                    </Table.Td>
                    <Table.Td>{formatDateTime(app.createdAt)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryState>
      <CreateAppDialog tenant={slug} opened={creating} onClose={close} />
    </>
  );
}
