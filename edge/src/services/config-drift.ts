import { volumeName } from '@cameleer/shared';
import { sha256Hex } from '../auth/hash.ts';
import type { AppRow, ConfigEntryRow } from '../db/schema/index.ts';
import { getApp } from './apps.ts';
import { resolveConfig } from './config.ts';
import type { TenantContext } from './context.ts';
import { servingDeployment, tenantSlugOf } from './deployments/queries.ts';
import { getEnvironment } from './environments.ts';

export type DeploySettings = Pick<
  AppRow,
  'memoryMb' | 'cpus' | 'healthPath' | 'private' | 'writeableVolumes'
>;

/**
 * SHA-256 of everything that shapes how a deployment runs besides its version: the resolved entries
 * and the app's deploy settings. A secret counts by its ciphertext and time of change, so the digest
 * moves when it is set again without the edge opening it (and the stored digest reveals nothing).
 */
export function deployConfigDigest(entries: ConfigEntryRow[], settings: DeploySettings): Promise<string> {
  const config = [...entries]
    .sort((a, b) => a.key.localeCompare(b.key))
    .map((r) =>
      r.secret
        ? [r.key, 'secret', r.valueEncrypted ?? '', r.updatedAt.toISOString()]
        : [r.key, 'value', r.value ?? ''],
    );
  const { memoryMb, cpus, healthPath, private: isPrivate, writeableVolumes } = settings;
  return sha256Hex(
    JSON.stringify({
      config,
      settings: [memoryMb, cpus, healthPath, isPrivate, [...writeableVolumes].sort()],
    }),
  );
}

/**
 * What an app gets in an environment: the resolved entries, its volumes with the names the runner
 * gives them, and whether that differs from what the serving deployment was started with.
 */
export async function resolvedConfigOf({
  ctx,
  input,
}: {
  ctx: TenantContext;
  input: { app: string; environment: string };
}) {
  const app = await getApp({ ctx, input });
  const environment = await getEnvironment({ ctx, input });
  const entries = await resolveConfig(ctx, { appId: app.id, environmentId: environment.id });
  const digest = await deployConfigDigest(entries, app);
  const serving = await servingDeployment(ctx, { appId: app.id, environmentId: environment.id });
  const owner = { tenant: await tenantSlugOf(ctx), environment: environment.name, app: app.name };
  return {
    environment: environment.name,
    entries,
    volumes: app.writeableVolumes.map((path) => ({ path, name: volumeName(owner, path) })),
    digest,
    serving: serving
      ? {
          deploymentId: serving.id,
          versionId: serving.versionId,
          configDigest: serving.configDigest,
          // Unknown (null) for a deployment created before digests were stored: no banner on a guess.
          configChanged: serving.configDigest === null ? null : serving.configDigest !== digest,
        }
      : null,
  };
}
