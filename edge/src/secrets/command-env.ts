import type { SecretBox } from './secret-box.ts';

/** Which command a sealed environment belongs to: it opens only for this tenant, runner and deployment. */
export type CommandEnvRef = { tenantId: string; runnerId: string; deploymentId: string };

const context = (ref: CommandEnvRef) => `command-env\n${ref.tenantId}\n${ref.runnerId}\n${ref.deploymentId}`;

/**
 * A deploy command's secrets, stored sealed in its payload so the commands
 * table and the API never hold them in clear; opened only when the command is
 * signed for delivery to its runner.
 */
export function sealCommandEnv(
  box: SecretBox,
  ref: CommandEnvRef,
  env: Record<string, string>,
): Promise<string> {
  return box.seal(JSON.stringify(env), context(ref));
}

export async function openCommandEnv(
  box: SecretBox,
  ref: CommandEnvRef,
  sealed: string,
): Promise<Record<string, string>> {
  const env = JSON.parse(await box.open(sealed, context(ref))) as unknown;
  if (!env || typeof env !== 'object' || Array.isArray(env))
    throw new Error('a sealed command env is not an object');
  return env as Record<string, string>;
}
