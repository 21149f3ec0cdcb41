import { ActionIcon, Group, useComputedColorScheme, useMantineColorScheme } from '@mantine/core';
import { lazy, Suspense, useState } from 'react';
import { useMe } from '../session/use-me.ts';
import { AccountButton } from './AccountButton.tsx';

// The menu (and the floating-ui positioning under it) is not needed to paint the first screen: its
// code arrives just after, and the entry chunk a phone evaluates before anything shows is smaller.
const AccountMenuDropdown = lazy(() =>
  import('./AccountMenuDropdown.tsx').then((m) => ({ default: m.AccountMenuDropdown })),
);

/** Who is signed in, with which role; light or dark; sign out. */
export function AccountMenu() {
  const me = useMe();
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme('light');
  // A click on the button before the menu's code arrived opens the menu when it does.
  const [clickedEarly, setClickedEarly] = useState(false);
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
      <Suspense
        fallback={<AccountButton initial={me.data?.actor.name} onClick={() => setClickedEarly(true)} />}
      >
        <AccountMenuDropdown defaultOpened={clickedEarly} />
      </Suspense>
    </Group>
  );
}
