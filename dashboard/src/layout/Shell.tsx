import { AppShell, Burger, Group, NavLink, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Suspense } from 'react';
import { Outlet, NavLink as RouterLink, useLocation, useParams } from 'react-router';
import { PageLoader } from '../components/PageLoader.tsx';
import { TenantScopeProvider } from '../session/TenantScopeProvider.tsx';
import { useTenant } from '../session/tenant.ts';
import { AccountMenu } from './AccountMenu.tsx';
import { sections } from './nav.ts';
import { TenantSwitcher } from './TenantSwitcher.tsx';

/** The frame of every tenant page: header with tenant switcher and account, sidebar, the page. */
export function Shell() {
  const { tenant = '' } = useParams();
  return (
    <TenantScopeProvider slug={tenant}>
      <Frame />
    </TenantScopeProvider>
  );
}

function Frame() {
  const [opened, { toggle, close }] = useDisclosure(false);
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Menu" />
            <Title order={2} size="h4">
              Cameleer
            </Title>
            <TenantSwitcher />
          </Group>
          <AccountMenu />
        </Group>
      </AppShell.Header>
      {/* The browser's own scrolling, not Mantine's ScrollArea: that one brings floating-ui into the
          entry chunk, which a phone evaluates before it shows anything. */}
      <AppShell.Navbar p="xs" aria-label="Sections" style={{ overflowY: 'auto' }}>
        <SectionLinks onNavigate={close} />
      </AppShell.Navbar>
      <AppShell.Main>
        <Suspense fallback={<PageLoader />}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}

function SectionLinks({ onNavigate }: { onNavigate: () => void }) {
  const scope = useTenant();
  const { pathname } = useLocation();
  let group: string | undefined;
  return (
    <nav>
      {sections
        .filter((s) => scope.can(s.permission))
        .map((s) => {
          const to = `/t/${scope.slug}${s.path ? `/${s.path}` : ''}`;
          const heading = 'group' in s && s.group !== group ? s.group : undefined;
          if ('group' in s) group = s.group;
          const active = s.path ? pathname.startsWith(to) : pathname === to;
          return (
            <div key={s.path}>
              {heading && (
                <Text size="xs" fw={600} c="dimmed" tt="uppercase" mt="md" mb={4} px="sm">
                  {heading}
                </Text>
              )}
              {/* `end` for the overview: the router's own active mark would otherwise match every page. */}
              <NavLink
                component={RouterLink}
                to={to}
                end={!s.path}
                label={s.label}
                active={active}
                onClick={onNavigate}
              />
            </div>
          );
        })}
    </nav>
  );
}
