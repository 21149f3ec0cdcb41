import type { Role } from '@cameleer/shared';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/client.ts';

export type Actor = {
  type: 'user' | 'api-token' | 'system';
  id: string;
  role: Role | 'platform-admin' | 'system';
};

/** What a tenant-scoped service operation runs with; `db` is a transaction scoped to `tenantId`. */
export type TenantContext = { db: Db; tenantId: string; actor: Actor; clock: Clock; requestId: string };
