import { Conflict } from '../../errors.ts';
import { getApp } from '../apps.ts';
import type { TenantContext } from '../context.ts';
import { getEnvironment } from '../environments.ts';
import { assertFeature } from '../limits.ts';
import { createDeployment, type DeployServices } from './create.ts';
import { runningHistory } from './queries.ts';

/** Promotion deploys the version running in one environment to another, with that environment's configuration. */
export async function promote({
  ctx,
  services,
  input,
}: {
  ctx: TenantContext;
  services: DeployServices;
  input: { app: string; from: string; to: string };
}) {
  await assertFeature(ctx, 'promote');
  const app = await getApp({ ctx, input });
  const from = await getEnvironment({ ctx, input: { environment: input.from } });
  const { current } = await runningHistory(ctx, app.id, from.id);
  if (current?.state !== 'RUNNING')
    throw new Conflict(`Nothing of ${app.name} is running in ${from.name} to promote`);
  return createDeployment({
    ctx,
    services,
    input: { app: app.id, environment: input.to, version: current.versionId },
  });
}
