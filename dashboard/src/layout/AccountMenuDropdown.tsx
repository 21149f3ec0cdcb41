import { Menu, Text } from '@mantine/core';
import { useTenant } from '../session/tenant.ts';
import { useMe } from '../session/use-me.ts';
import { AccountButton } from './AccountButton.tsx';

/** The account button and its menu: role, sign out; `defaultOpened` when it was clicked while loading. */
export function AccountMenuDropdown({ defaultOpened = false }: { defaultOpened?: boolean }) {
  const me = useMe();
  const scope = useTenant();
  return (
    <Menu position="bottom-end" withinPortal defaultOpened={defaultOpened}>
      <Menu.Target>
        <AccountButton initial={me.data?.actor.name} />
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
  );
}

async function signOut() {
  await fetch('/auth/logout', { method: 'POST', credentials: 'same-origin' });
  location.assign('/login?signedOut=1');
}
