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
/** The runner `npm start` runs beside the edge; the rest of the edge names it only by this type. */
export type LocalRunner = Runner;

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

type RunningApps = NonNullable<Awaited<ReturnType<Runner['runningApps']>>>;

/**
 * What `npm start` leaves behind when it stops: the local runner goes, its apps do not. Containers
 * run on in the engine; java processes lead their own process group (Ctrl-C does not reach them)
 * and are adopted by the next runner. Either way the next `npm start` takes them over, so they are
 * named here with the ways to stop them for good.
 */
export async function whatKeepsRunning(runner: Runner): Promise<string[]> {
  let apps: Awaited<ReturnType<Runner['runningApps']>>;
  try {
    apps = await runner.runningApps();
  } catch (err) {
    return [
      `  Could not list the apps of the local runner (${(err as Error).message}); they may keep running.`,
    ];
  }
  return apps ? keepsRunningLines(apps, { front: !!runner.appsHost()?.urlPattern }) : [];
}

export function keepsRunningLines(
  { orchestrator, instances }: RunningApps,
  opts: { front: boolean },
): string[] {
  const live = instances.filter((i) => i.state === 'running' || i.state === 'starting');
  if (live.length === 0) return ['  No apps keep running.'];
  const docker = orchestrator === 'docker';
  const n = live.length;
  const keep = n === 1 ? 'app keeps' : 'apps keep';
  const what = docker
    ? `${keep} running in Docker containers`
    : `${keep} running as ${n === 1 ? 'a java process' : 'java processes'}`;
  const names = live.map((i) => {
    const name = `${i.ref.tenant}/${i.ref.environment}/${i.ref.app}`;
    return docker ? `${name} (container ${i.id.slice(0, 12)})` : `${name} (instance ${i.id})`;
  });
  const [first] = live;
  const example = first ? `cameleer stop --app ${first.ref.app} --env ${first.ref.environment}` : '';
  const byHand = docker
    ? `docker rm -f $(docker ps -q --filter label=${managedLabel}=true)`
    : // The JVM's command line carries its instance id (-Dcameleer.instance=…), which outlives pid reuse.
      live.map((i) => `pkill -f 'cameleer.instance=${i.id}'`).join('; ');
  return [
    `  ${n} ${what}: ${names.join(', ')}.`,
    opts.front
      ? '  The next `npm start` takes them over; until then their URLs at the front do not answer.'
      : '  The next `npm start` takes them over.',
    `  To stop one for good, while Cameleer runs: \`${example}\` (or \`cameleer remove …\`).`,
    `  To stop them all now, behind the edge's back: \`${byHand}\` (the edge still counts them as deployed).`,
  ];
}

/** The label the Docker orchestrator puts on every container it runs (runner/src/orchestrators/docker/labels.ts). */
const managedLabel = 'cameleer.managed';
