/**
 * The headers a 200 of ForwardAuth (`GET /auth/verify`) carries to the app. Traefik must list them
 * in `authResponseHeaders`, so it overwrites any a client sent; the Compose stack's test reads them here.
 */
export const identityHeaderNames = {
  tenant: 'X-Tenant-Id',
  user: 'X-User-Id',
  roles: 'X-User-Roles',
} as const;
