import { z } from 'zod';

// What the CLI reads of the edge's answers. Loose objects: fields the CLI does not
// know are kept, so `--json` shows everything the edge sent.

export const Me = z.looseObject({
  actor: z.looseObject({ type: z.string(), id: z.string(), name: z.string() }),
  platformAdmin: z.boolean(),
  memberships: z.array(z.looseObject({ tenantId: z.string(), role: z.string() })),
});
export type Me = z.infer<typeof Me>;

export const Tenant = z.looseObject({ id: z.string(), slug: z.string(), name: z.string() });
export type Tenant = z.infer<typeof Tenant>;

export const TenantList = z.looseObject({ items: z.array(Tenant) });

export const RunnerToken = z.looseObject({
  token: z.string(),
  expiresAt: z.string(),
  environments: z.array(z.string()),
  register: z.string(),
});
export type RunnerToken = z.infer<typeof RunnerToken>;

export const Runner = z.looseObject({
  id: z.string(),
  name: z.string(),
  status: z.enum(['online', 'offline', 'revoked']),
  transport: z.string().nullable(),
  environments: z.array(z.string()),
  version: z.string(),
  capabilities: z.array(z.string()),
  lastSeenAt: z.string().nullable(),
});
export type Runner = z.infer<typeof Runner>;

export const RunnerList = z.looseObject({ items: z.array(Runner) });
