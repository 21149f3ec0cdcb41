/**
 * Which screen module each address of the console opens, for the build (vite.config.ts): it lists
 * every screen's chunks so the edge can name them in index.html for a deep link, and a phone
 * downloads the page's code with the entry chunk instead of after evaluating it. router.tsx loads
 * the same modules (`route-screens.test.ts` keeps the two in step).
 *
 * `data` are the requests the page's loaders make first (router.tsx), `:name` standing for the
 * address's part of that name: the edge names them as fetch preloads too, so they are under way
 * before the entry chunk has even arrived. `route-screens.test.ts` checks them against the loaders.
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

/** What the build writes for the edge (dist/.vite/route-preloads.json): an address's chunks (entry excluded) and data. */
export type RoutePreloads = { path: string; files: string[]; data: readonly string[] }[];
