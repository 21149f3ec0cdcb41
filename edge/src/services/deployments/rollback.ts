import { Conflict } from '../../errors.ts';
import { getApp } from '../apps.ts';
import type { TenantContext } from '../context.ts';
import { getEnvironment } from '../environments.ts';
import { getVersion } from '../versions.ts';
import { createDeployment, type DeployServices } from './create.ts';
import { runningHistory } from './queries.ts';

/**
 * Rollback deploys again a version that ran in the environment: the one named (id or label), or
 * by default the one before the current. A version that never ran there is refused: rolling back
 * means returning to something known to have worked, not deploying something new.
 */
export async function rollback({
  ctx,
  services,
  input,
}: {
  ctx: TenantContext;
  services: DeployServices;
  input: { app: string; environment: string; version?: string | undefined };
}) {
  const app = await getApp({ ctx, input });
  const environment = await getEnvironment({ ctx, input });
  const { current, previous, ran } = await runningHistory(ctx, app.id, environment.id);
  let versionId = previous?.versionId;
  if (input.version) {
    const chosen = await getVersion({ ctx, input: { appId: app.id, version: input.version } });
    if (!ran.some((r) => r.versionId === chosen.id))
      throw new Conflict(
        `${app.name} ${chosen.label} never ran in ${environment.name}: deploy it instead of rolling back to it`,
      );
    if (current?.versionId === chosen.id && current.state === 'RUNNING')
      throw new Conflict(`${app.name} ${chosen.label} is what runs in ${environment.name} now`);
    versionId = chosen.id;
  }
  if (!versionId) throw new Conflict(`${app.name} has no earlier version that ran in ${environment.name}`);
  return createDeployment({
    ctx,
    services,
    input: { app: app.id, environment: environment.id, version: versionId },
  });
}
