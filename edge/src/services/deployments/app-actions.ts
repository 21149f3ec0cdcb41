import type { Services } from '../../env.ts';
import { createCommand } from '../commands.ts';
import type { TenantContext } from '../context.ts';
import { deployedApp } from './queries.ts';

export type AppAction = 'stop' | 'restart' | 'remove';

/**
 * Stop, restart or remove an app in an environment: a command for the runner of its latest deployment.
 * A restart names the deployment that serves, when one does: after a failed deploy that is an older one.
 */
export async function appAction({
  ctx,
  services,
  input,
}: {
  ctx: TenantContext;
  services?: Pick<Services, 'tunnel'>;
  input: { app: string; environment: string; action: AppAction };
}) {
  const { latest, serving, ref } = await deployedApp(ctx, input);
  const target = input.action === 'restart' ? (serving ?? latest) : latest;
  return createCommand({
    ctx,
    services,
    input: {
      runnerId: target.runnerId,
      kind: input.action,
      deadlineSeconds: 300,
      payload: { ref, deploymentId: target.id },
    },
  });
}
