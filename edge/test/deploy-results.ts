import type { CommandResult } from '@cameleer/shared';

/** A deploy command's result as the contract has it: the runner serves the instance at `url`. */
export function servedAt(
  ref: { tenant: string; environment: string; app: string },
  url: string,
): CommandResult<'deploy'> {
  return {
    state: 'RUNNING',
    instance: { ref, deploymentId: 'dep_any', version: 'ver_any', state: 'running', id: 'instance-1', url },
  };
}
