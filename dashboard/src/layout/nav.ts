/** The console's sections, in the order of the sidebar; `permission` hides a section the role cannot read. */
export const sections = [
  { label: 'Overview', path: '', permission: 'tenant:read' },
  { label: 'Apps', path: 'apps', permission: 'apps:read' },
  { label: 'Runners', path: 'runners', permission: 'runners:read' },
  { label: 'Configuration', path: 'settings/configuration', permission: 'config:read' },
  { label: 'Logs', path: 'logs', permission: 'telemetry:read', group: 'Observability' },
  { label: 'Traces', path: 'traces', permission: 'telemetry:read', group: 'Observability' },
  {
    label: 'Failed exchanges',
    path: 'failed-exchanges',
    permission: 'telemetry:read',
    group: 'Observability',
  },
  { label: 'Topology', path: 'topology', permission: 'telemetry:read', group: 'Observability' },
  { label: 'Route metrics', path: 'routes', permission: 'telemetry:read', group: 'Observability' },
  { label: 'Licence and billing', path: 'billing', permission: 'tenant:read', group: 'Tenant' },
  { label: 'Members', path: 'settings/members', permission: 'members:read', group: 'Tenant' },
  { label: 'API tokens', path: 'settings/tokens', permission: 'api-tokens:read', group: 'Tenant' },
  { label: 'Audit log', path: 'settings/audit', permission: 'audit:read', group: 'Tenant' },
] as const;
