/**
 * Each address of the console: the screen module router.tsx loads for it, and `data`, the requests
 * its loaders make first (`:name` standing for the address's part of that name). The build writes
 * the data to dist/.vite/route-preloads.json (vite.config.ts) and the edge names them as fetch
 * preloads in the index.html of a deep link, so they are under way while the entry chunk downloads.
 * `route-screens.test.ts` keeps this in step with router.tsx and the loaders.
 */
const session = ['/api/me', '/api/tenants'];

export const routeScreens: readonly { path: string; screen: string; data?: readonly string[] }[] = [
  { path: '/login', screen: 'screens/login/LoginPage.tsx' },
  { path: '/billing', screen: 'screens/billing/BillingReturn.tsx' },
  {
    path: '/t/:tenant',
    screen: 'screens/overview/OverviewPage.tsx',
    data: [
      ...session,
      '/api/tenants/:tenant/apps',
      '/api/tenants/:tenant/environments',
      '/api/tenants/:tenant/runners',
      '/api/tenants/:tenant/licence',
    ],
  },
  { path: '/t/:tenant/apps', screen: 'screens/apps/AppsPage.tsx', data: session },
  {
    path: '/t/:tenant/apps/:app',
    screen: 'screens/apps/AppPage.tsx',
    data: [
      ...session,
      '/api/tenants/:tenant/environments',
      '/api/tenants/:tenant/apps/:app/deployments',
      '/api/tenants/:tenant/apps/:app',
      '/api/tenants/:tenant/apps/:app/versions',
      '/api/tenants/:tenant/config?app=:app',
      '/samples',
    ],
  },
  {
    path: '/t/:tenant/deployments/:deploymentId',
    screen: 'screens/deployments/DeploymentPage.tsx',
    data: session,
  },
  { path: '/t/:tenant/runners', screen: 'screens/runners/RunnersPage.tsx', data: session },
  { path: '/t/:tenant/logs', screen: 'screens/observability/LogsPage.tsx', data: session },
  { path: '/t/:tenant/traces', screen: 'screens/observability/TracesPage.tsx', data: session },
  { path: '/t/:tenant/traces/:traceId', screen: 'screens/observability/TracePage.tsx', data: session },
  {
    path: '/t/:tenant/failed-exchanges',
    screen: 'screens/observability/FailedExchangesPage.tsx',
    data: session,
  },
  { path: '/t/:tenant/topology', screen: 'screens/observability/TopologyPage.tsx', data: session },
  { path: '/t/:tenant/routes', screen: 'screens/observability/RouteMetricsPage.tsx', data: session },
  { path: '/t/:tenant/billing', screen: 'screens/billing/BillingPage.tsx', data: session },
  { path: '/t/:tenant/settings/members', screen: 'screens/settings/MembersPage.tsx', data: session },
  { path: '/t/:tenant/settings/tokens', screen: 'screens/settings/ApiTokensPage.tsx', data: session },
  {
    path: '/t/:tenant/settings/configuration',
    screen: 'screens/settings/ConfigurationPage.tsx',
    data: session,
  },
  { path: '/t/:tenant/settings/audit', screen: 'screens/settings/AuditLogPage.tsx', data: session },
];

/** What the build writes for the edge (dist/.vite/route-preloads.json). */
export type RoutePreloads = { path: string; data: readonly string[] }[];
