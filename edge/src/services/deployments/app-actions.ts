import type { Services } from '../../env.ts';
import { createCommand } from '../commands.ts';
import type { TenantContext } from '../context.ts';
import { deployedApp } from './queries.ts';

export type AppAction = 'stop' | 'restart' | 'remove';

/** Stop, restart or remove an app in an environment: a command for the runner of its latest deployment. */
export async function appAction({
  ctx,
  services,
  input,
}: {
  ctx: TenantContext;
  services?: Pick<Services, 'tunnel'>;
  input: { app: string; environment: string; action: AppAction };
}) {
  const { latest, ref } = await deployedApp(ctx, input);
  return createCommand({
    ctx,
    services,
    input: {
      runnerId: latest.runnerId,
      kind: input.action,
      deadlineSeconds: 300,
      payload: { ref, deploymentId: latest.id },
    },
  });
}
