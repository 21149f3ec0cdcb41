import { Conflict } from '../../errors.ts';
import { getApp } from '../apps.ts';
import type { TenantContext } from '../context.ts';
import { getEnvironment } from '../environments.ts';
import { createDeployment, type DeployServices } from './create.ts';
import { runningHistory } from './queries.ts';

/** Rollback deploys again the version that ran in the environment before the current one. */
export async function rollback({
  ctx,
  services,
  input,
}: {
  ctx: TenantContext;
  services: DeployServices;
  input: { app: string; environment: string };
}) {
  const app = await getApp({ ctx, input });
  const environment = await getEnvironment({ ctx, input });
  const { previous } = await runningHistory(ctx, app.id, environment.id);
  if (!previous) throw new Conflict(`${app.name} has no earlier version that ran in ${environment.name}`);
  return createDeployment({
    ctx,
    services,
    input: { app: app.id, environment: environment.id, version: previous.versionId },
  });
}
