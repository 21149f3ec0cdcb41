import { parseCommandResult } from '@cameleer/shared';
import type { CommandRow, RunnerRow } from '../../db/schema/index.ts';
import type { Services } from '../../env.ts';
import { AppError } from '../../errors.ts';
import { awaitCommandResult, createCommand } from '../commands.ts';
import type { TenantContext } from '../context.ts';
import { deployedApp } from './queries.ts';

/**
 * Asks the runner of an app's latest deployment for its log: the last `tail` lines, or with
 * `followSeconds`, new lines streamed as progress for that long. Refused (503) while that runner
 * is offline, since someone waits for the answer.
 */
export async function requestLogs({
  ctx,
  services,
  input,
}: {
  ctx: TenantContext;
  services: Pick<Services, 'tunnel'>;
  input: { app: string; environment: string; tail: number; followSeconds?: number };
}) {
  const online = (runner: RunnerRow) => !!services.tunnel?.connection(runner.id, runner);
  const { latest, ref } = await deployedApp(ctx, input, online);
  return createCommand({
    ctx,
    services,
    input: {
      runnerId: latest.runnerId,
      kind: 'logs',
      deadlineSeconds: 300 + (input.followSeconds ?? 0),
      payload: {
        ref,
        deploymentId: latest.id,
        tail: input.tail,
        ...(input.followSeconds ? { follow: true, seconds: input.followSeconds } : {}),
      },
    },
  });
}

/** The lines a `logs` command answered, once its runner answers; call it after the command is committed. */
export async function logLines(
  services: Pick<Services, 'db' | 'tunnel'>,
  command: Pick<CommandRow, 'tenantId' | 'id'>,
  timeoutMs: number,
): Promise<string[]> {
  const outcome = await awaitCommandResult(services, command, timeoutMs);
  if (!outcome) throw new AppError('unavailable', 'The runner did not answer in time');
  if (outcome.status === 'failed')
    throw new AppError('unavailable', `The runner could not read the logs: ${outcome.error}`);
  const result = parseCommandResult('logs', outcome.output);
  if (!result.ok) throw new AppError('unavailable', `The runner's answer is not a log: ${result.error}`);
  return result.data.lines;
}
