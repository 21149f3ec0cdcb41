import type { CommandPayload } from '@cameleer/shared';
import type { Services } from '../../env.ts';
import { sealCommandEnv } from '../../secrets/command-env.ts';
import { getApp } from '../apps.ts';
import { recordAudit } from '../audit.ts';
import { createCommand } from '../commands.ts';
import { configEnv, resolveConfig } from '../config.ts';
import { deployConfigDigest } from '../config-drift.ts';
import type { TenantContext } from '../context.ts';
import { getEnvironment } from '../environments.ts';
import { assertLicenceAllowsDeploy } from '../licences.ts';
import { assertEnvironmentAllowed, assertMemoryAllowed, tenantTier } from '../limits.ts';
import { withSamplingEnv } from '../trace-sampling.ts';
import { recordUsage, usageCodes } from '../usage.ts';
import { getVersion, signedArtifactUrl } from '../versions.ts';
import { latestVersion, runnerFor, tenantSlugOf } from './queries.ts';
import { attachDeployCommand, startDeployment } from './state-machine.ts';

export const deployDefaults = {
  resources: { memoryMb: 512, cpus: 1, pids: 256 },
  healthCheck: { httpPath: '/health', timeoutSeconds: 90 },
};

export type DeployServices = Pick<Services, 'clock' | 'settings' | 'artifactUrlKey' | 'tunnel' | 'secretBox'>;

/**
 * Deploys a version of an app to an environment: the deployment is BUILDING
 * and a signed `deploy` command for a runner that serves the environment is
 * stored in the same transaction. The runner's progress and result move it on.
 * The command carries the app's settings and its configuration resolved for
 * that environment; secrets only sealed (`sealedEnv`), opened when it is signed.
 */
export async function createDeployment({
  ctx,
  services,
  input,
}: {
  ctx: TenantContext;
  services: DeployServices;
  input: { app: string; environment: string; version?: string; healthPath?: string | null };
}) {
  const app = await getApp({ ctx, input: { app: input.app } });
  const environment = await getEnvironment({ ctx, input: { environment: input.environment } });
  await assertLicenceAllowsDeploy(ctx, services.settings);
  await assertEnvironmentAllowed(ctx, environment.name);
  await assertMemoryAllowed(ctx, app.memoryMb);
  const version = input.version
    ? await getVersion({ ctx, input: { appId: app.id, version: input.version } })
    : await latestVersion(ctx, app.id);
  const runner = await runnerFor(ctx, environment.name, (r) => !!services.tunnel?.connection(r.id, r));
  const entries = await resolveConfig(ctx, { appId: app.id, environmentId: environment.id });
  const config = await configEnv(ctx, services.secretBox, entries);
  const healthPath = input.healthPath !== undefined ? input.healthPath : app.healthPath;
  const row = await startDeployment(ctx, {
    appId: app.id,
    environmentId: environment.id,
    versionId: version.id,
    runnerId: runner.id,
    reason: `deploying ${version.label} to ${environment.name}`,
    createdBy: ctx.actor.id,
    // Every deployment (create, promote, rollback, reconciler) passes here: drift compares against this.
    configDigest: await deployConfigDigest(entries, { ...app, healthPath }),
  });
  await recordUsage(ctx, {
    transactionId: `deployment:${row.id}`,
    code: usageCodes.deployment,
    at: row.createdAt,
    properties: {
      deployment_id: row.id,
      app_id: app.id,
      environment: environment.name,
      version: version.label,
    },
  });
  const tenantSlug = await tenantSlugOf(ctx);
  const artifact = await signedArtifactUrl(services as Services, {
    tenantId: ctx.tenantId,
    versionId: version.id,
    ttlSeconds: 3600,
  });
  const sealedEnv =
    Object.keys(config.secrets).length && services.secretBox
      ? await sealCommandEnv(
          services.secretBox,
          { tenantId: ctx.tenantId, runnerId: runner.id, deploymentId: row.id },
          config.secrets,
        )
      : undefined;
  const payload: CommandPayload<'deploy'> = {
    deploymentId: row.id,
    ref: { tenant: tenantSlug, environment: environment.name, app: app.name },
    version: { id: version.id, label: version.label, sha256: version.sha256, artifactUrl: artifact.url },
    env: {
      ...withSamplingEnv(config.plain),
      CAMELEER_TENANT: tenantSlug,
      CAMELEER_ENVIRONMENT: environment.name,
      CAMELEER_APP: app.name,
      CAMELEER_DEPLOYMENT: row.id,
      APP_VERSION: version.label,
    },
    ...(sealedEnv ? { sealedEnv } : {}),
    resources: { ...deployDefaults.resources, memoryMb: app.memoryMb, cpus: app.cpus },
    writeableVolumes: app.writeableVolumes,
    healthCheck: {
      ...(healthPath === null ? {} : { httpPath: healthPath }),
      timeoutSeconds: deployDefaults.healthCheck.timeoutSeconds,
    },
    private: app.private,
    // The tier's telemetry retention; the agent tokens join it when the command is signed (agent-tokens.ts).
    retentionDays: (await tenantTier(ctx)).limits.retentionDays,
  };
  const command = await createCommand({
    ctx,
    services,
    input: { runnerId: runner.id, kind: 'deploy', deadlineSeconds: 1800, payload },
  });
  await attachDeployCommand(ctx, row.id, command.id);
  await recordAudit(ctx, {
    action: 'deployment.create',
    targetType: 'deployment',
    targetId: row.id,
    status: 202,
    detail: {
      app: app.name,
      environment: environment.name,
      version: version.label,
      runnerId: runner.id,
      configKeys: [...Object.keys(config.plain), ...Object.keys(config.secrets)].sort(),
    },
  });
  return { ...row, commandId: command.id, runnerId: runner.id };
}
