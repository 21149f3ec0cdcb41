import type { ComponentType } from 'react';
import { createBrowserRouter, type LoaderFunction } from 'react-router';
import { BootScreen } from './components/BootScreen.tsx';
import { Shell } from './layout/Shell.tsx';
import { loadAppPage } from './screens/apps/app-query-options.ts';
import { NotFoundPage } from './screens/NotFoundPage.tsx';
import { loadOverview } from './screens/overview/overview-query-options.ts';
import { RootRedirect } from './screens/RootRedirect.tsx';
import { loadSession } from './session/use-me.ts';

/** Each screen is its own chunk: the first load carries only the frame and the page it opens. */
const screen = (load: () => Promise<ComponentType>) => ({ lazy: async () => ({ Component: await load() }) });

/**
 * Starts a page's requests with its chunk instead of after its first render. On the console's first
 * load the router waits for them (showing the boot screen), so the page renders once, complete, in
 * a transition React can slice: on a slow phone, each answer arriving on its own re-rendered the
 * page in one long task. Later navigations show the page at once, as before.
 */
let initialized = false;
const data =
  (load: (params: Record<string, string | undefined>) => Promise<void>): LoaderFunction =>
  async ({ params }) => {
    const loading = load(params);
    if (!initialized) await loading;
    return null;
  };

export const router = createBrowserRouter([
  {
    path: '/login',
    HydrateFallback: BootScreen,
    ...screen(() => import('./screens/login/LoginPage.tsx').then((m) => m.LoginPage)),
  },
  // Stripe Checkout's return address (success_url / cancel_url).
  {
    path: '/billing',
    HydrateFallback: BootScreen,
    ...screen(() => import('./screens/billing/BillingReturn.tsx').then((m) => m.BillingReturn)),
  },
  { path: '/', Component: RootRedirect },
  {
    path: '/t/:tenant',
    Component: Shell,
    HydrateFallback: BootScreen,
    loader: data(loadSession),
    children: [
      {
        index: true,
        loader: data(({ tenant = '' }) => loadOverview(tenant)),
        ...screen(() => import('./screens/overview/OverviewPage.tsx').then((m) => m.OverviewPage)),
      },
      { path: 'apps', ...screen(() => import('./screens/apps/AppsPage.tsx').then((m) => m.AppsPage)) },
      {
        path: 'apps/:app',
        loader: data(({ tenant = '', app = '' }) => loadAppPage(tenant, app)),
        ...screen(() => import('./screens/apps/AppPage.tsx').then((m) => m.AppPage)),
      },
      {
        path: 'deployments/:deploymentId',
        ...screen(() => import('./screens/deployments/DeploymentPage.tsx').then((m) => m.DeploymentPage)),
      },
      {
        path: 'runners',
        ...screen(() => import('./screens/runners/RunnersPage.tsx').then((m) => m.RunnersPage)),
      },
      {
        path: 'logs',
        ...screen(() => import('./screens/observability/LogsPage.tsx').then((m) => m.LogsPage)),
      },
      {
        path: 'traces',
        ...screen(() => import('./screens/observability/TracesPage.tsx').then((m) => m.TracesPage)),
      },
      {
        path: 'traces/:traceId',
        ...screen(() => import('./screens/observability/TracePage.tsx').then((m) => m.TracePage)),
      },
      {
        path: 'failed-exchanges',
        ...screen(() =>
          import('./screens/observability/FailedExchangesPage.tsx').then((m) => m.FailedExchangesPage),
        ),
      },
      {
        path: 'topology',
        ...screen(() => import('./screens/observability/TopologyPage.tsx').then((m) => m.TopologyPage)),
      },
      {
        path: 'routes',
        ...screen(() =>
          import('./screens/observability/RouteMetricsPage.tsx').then((m) => m.RouteMetricsPage),
        ),
      },
      {
        path: 'billing',
        ...screen(() => import('./screens/billing/BillingPage.tsx').then((m) => m.BillingPage)),
      },
      {
        path: 'settings/members',
        ...screen(() => import('./screens/settings/MembersPage.tsx').then((m) => m.MembersPage)),
      },
      {
        path: 'settings/tokens',
        ...screen(() => import('./screens/settings/ApiTokensPage.tsx').then((m) => m.ApiTokensPage)),
      },
      {
        path: 'settings/configuration',
        ...screen(() => import('./screens/settings/ConfigurationPage.tsx').then((m) => m.ConfigurationPage)),
      },
      {
        path: 'settings/audit',
        ...screen(() => import('./screens/settings/AuditLogPage.tsx').then((m) => m.AuditLogPage)),
      },
      { path: '*', Component: NotFoundPage },
    ],
  },
  { path: '*', Component: NotFoundPage },
]);
initialized = router.state.initialized;
const stopWatching = router.subscribe((state) => {
  if (!state.initialized) return;
  initialized = true;
  stopWatching();
});
