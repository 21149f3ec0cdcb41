import { z } from 'zod';

export const Role = z.enum(['viewer', 'developer', 'admin', 'owner']);
export type Role = z.infer<typeof Role>;

const rank: Record<Role, number> = { viewer: 0, developer: 1, admin: 2, owner: 3 };

export function roleAtLeast(role: Role, minimum: Role): boolean {
  return rank[role] >= rank[minimum];
}

/** Every permission a route can demand, and the least role that holds it. One table, no scattered checks. */
export const permissions = {
  'tenant:read': 'viewer',
  'tenant:update': 'owner',
  'members:read': 'viewer',
  'members:write': 'admin',
  'environments:read': 'viewer',
  'environments:write': 'admin',
  'apps:read': 'viewer',
  'apps:write': 'developer',
  'versions:read': 'viewer',
  'versions:write': 'developer',
  'api-tokens:read': 'admin',
  'api-tokens:write': 'admin',
  'audit:read': 'admin',
  'runners:read': 'viewer',
  'runners:write': 'admin',
  'commands:read': 'viewer',
  'commands:write': 'developer',
  'deployments:read': 'viewer',
  'deployments:write': 'developer',
  // Whoever may read an app's deployments and logs may read its traces, logs and route metrics.
  'telemetry:read': 'viewer',
  // Replaying re-runs a failed exchange's side effects (orders, payments) with its real data: whoever deploys.
  'exchanges:replay': 'developer',
  // Secrets are write-only through the API, so whoever deploys may set them.
  'config:read': 'viewer',
  'config:write': 'developer',
  // Billing shows what the tenant pays (admins see it); buying or cancelling commits the tenant's money (owners only).
  'billing:read': 'admin',
  'billing:write': 'owner',
} as const satisfies Record<string, Role>;

export type Permission = keyof typeof permissions;

export function roleHolds(role: Role, permission: Permission): boolean {
  return roleAtLeast(role, permissions[permission]);
}
