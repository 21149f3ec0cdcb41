/**
 * Which screen module each address of the console opens, for the build (vite.config.ts): it lists
 * every screen's chunks so the edge can name them in index.html for a deep link, and a phone
 * downloads the page's code with the entry chunk instead of after evaluating it. router.tsx loads
 * the same modules (`route-screens.test.ts` keeps the two in step).
 */
export const routeScreens = [
  { path: '/login', screen: 'screens/login/LoginPage.tsx' },
  { path: '/billing', screen: 'screens/billing/BillingReturn.tsx' },
  { path: '/t/:tenant', screen: 'screens/overview/OverviewPage.tsx' },
  { path: '/t/:tenant/apps', screen: 'screens/apps/AppsPage.tsx' },
  { path: '/t/:tenant/apps/:app', screen: 'screens/apps/AppPage.tsx' },
  { path: '/t/:tenant/deployments/:deploymentId', screen: 'screens/deployments/DeploymentPage.tsx' },
  { path: '/t/:tenant/runners', screen: 'screens/runners/RunnersPage.tsx' },
  { path: '/t/:tenant/logs', screen: 'screens/observability/LogsPage.tsx' },
  { path: '/t/:tenant/traces', screen: 'screens/observability/TracesPage.tsx' },
  { path: '/t/:tenant/traces/:traceId', screen: 'screens/observability/TracePage.tsx' },
  { path: '/t/:tenant/topology', screen: 'screens/observability/TopologyPage.tsx' },
  { path: '/t/:tenant/routes', screen: 'screens/observability/RouteMetricsPage.tsx' },
  { path: '/t/:tenant/billing', screen: 'screens/billing/BillingPage.tsx' },
  { path: '/t/:tenant/settings/members', screen: 'screens/settings/MembersPage.tsx' },
  { path: '/t/:tenant/settings/tokens', screen: 'screens/settings/ApiTokensPage.tsx' },
  { path: '/t/:tenant/settings/configuration', screen: 'screens/settings/ConfigurationPage.tsx' },
  { path: '/t/:tenant/settings/audit', screen: 'screens/settings/AuditLogPage.tsx' },
] as const;

/** What the build writes for the edge (dist/.vite/route-preloads.json): an address's chunks, entry excluded. */
export type RoutePreloads = { path: string; files: string[] }[];
