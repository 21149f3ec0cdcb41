import { ActionIcon, Group, Menu, Text, useComputedColorScheme, useMantineColorScheme } from '@mantine/core';
import { useTenant } from '../session/tenant.ts';
import { useMe } from '../session/use-me.ts';

/** Who is signed in, with which role; light or dark; sign out. */
export function AccountMenu() {
  const me = useMe();
  const scope = useTenant();
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme('light');
  return (
    <Group gap="xs" wrap="nowrap">
      <ActionIcon
        variant="default"
        size="lg"
        aria-label={scheme === 'dark' ? 'Switch to light mode' : 'Switch to dark mode'}
        onClick={() => setColorScheme(scheme === 'dark' ? 'light' : 'dark')}
      >
        <span aria-hidden="true">{scheme === 'dark' ? '☀' : '☾'}</span>
      </ActionIcon>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <ActionIcon variant="default" size="lg" aria-label="Account">
            <span aria-hidden="true">{(me.data?.actor.name ?? '?').slice(0, 1).toUpperCase()}</span>
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>
            {/* div, not Text's default p: a paragraph is not a child a menu may hold (axe aria-required-children). */}
            <Text component="div" size="sm" fw={500}>
              {me.data?.actor.name}
            </Text>
            <Text component="div" size="xs" c="dimmed" data-testid="role">
              {scope.role} in {scope.tenant.name}
            </Text>
          </Menu.Label>
          <Menu.Item onClick={() => void signOut()}>Sign out</Menu.Item>
        </Menu.Dropdown>
      </Menu>
    </Group>
  );
}

async function signOut() {
  await fetch('/auth/logout', { method: 'POST', credentials: 'same-origin' });
  location.assign('/login?signedOut=1');
}
