import { resolve } from 'node:path';
import { hasIdentity, type Runner, readIdentity, startEmbeddedRunner } from '@cameleer/runner';
import type { ClickHouseConnection } from '@cameleer/shared';
import { eq } from 'drizzle-orm';
import { defaultTenantSlug } from '../bootstrap.ts';
import { withTenant } from '../db/client.ts';
import { runners, tenants } from '../db/schema/index.ts';
import type { Services } from '../env.ts';
import { createRegistrationToken } from '../services/registration-tokens.ts';

/**
 * The runner `npm start` runs beside the edge, connected over the real tunnel on
 * loopback, so a new install deploys out of the box. It registers once into the
 * `default` tenant (its state lives in the data directory) and, if the edge
 * moved to another address, registers again and revokes its former identity.
 */
export async function startLocalRunner(
  services: Services,
  opts: { edgeUrl: string; dataDir: string; telemetry?: ClickHouseConnection | undefined },
): Promise<Runner | undefined> {
  const stateDir = resolve(opts.dataDir, 'runner');
  const [tenant] = await services.db
    .select()
    .from(tenants)
    .where(eq(tenants.slug, defaultTenantSlug))
    .limit(1);
  if (tenant?.status !== 'active') {
    services.log.info('local runner: no default tenant, not starting one');
    return undefined;
  }
  const system = { type: 'system' as const, id: 'local-runner', role: 'system' as const };
  return startEmbeddedRunner({
    edgeUrl: opts.edgeUrl,
    stateDir,
    name: 'local',
    ...(opts.telemetry ? { telemetry: { clickhouse: opts.telemetry } } : {}),
    registrationToken: () =>
      withTenant(services.db, tenant.id, async (db) => {
        const former = hasIdentity(stateDir) ? readIdentity(stateDir) : undefined;
        if (former?.tenantId === tenant.id) {
          await db
            .update(runners)
            .set({ revokedAt: services.clock.now() })
            .where(eq(runners.id, former.runnerId));
        }
        const ctx = {
          db,
          tenantId: tenant.id,
          actor: system,
          clock: services.clock,
          requestId: 'local-runner',
        };
        const { token } = await createRegistrationToken({ ctx, input: { environments: [], ttlMinutes: 5 } });
        return token;
      }),
  });
}
