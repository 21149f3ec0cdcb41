import { AGENT_PLAIN_VARIABLES } from '../telemetry/agent-env.ts';

/**
 * Which variables of a deploy are secrets: the tenant's the edge names, or all of the tenant's when
 * the edge names none (it predates `secretKeys`), and the agent's credentials. A key stays secret
 * even when a platform variable overrides it: a Secret too many is harmless, one too few is not.
 */
export function deploySecretKeys(
  payload: { env: Record<string, string>; secretKeys?: readonly string[] | undefined },
  agentEnv: Record<string, string>,
): string[] {
  const tenant = payload.secretKeys ?? Object.keys(payload.env);
  const agent = Object.keys(agentEnv).filter((key) => !AGENT_PLAIN_VARIABLES.includes(key));
  return [...new Set([...tenant, ...agent])].sort();
}
