import {
  CommandKind,
  DeployPayload,
  type SignedCommand,
  type SigningKey,
  signProductToken,
} from '@cameleer/shared';
import type { CommandRow } from '../db/schema/index.ts';
import type { Services } from '../env.ts';
import { openCommandEnv } from '../secrets/command-env.ts';
import { deployCommandTelemetry } from '../services/agent-tokens.ts';

/**
 * Signs a command with the edge's current command key; the runner acts only on these verified claims.
 * A deploy command's sealed secrets are opened here and merged into `payload.env`, so they exist in
 * clear only inside the signed token sent to the runner; so do the agent tokens of `payload.telemetry`.
 * `payload.secretKeys` names the secrets' keys (none when nothing was sealed) for the runner.
 */
export async function signCommand(
  services: Pick<Services, 'commandKeys' | 'secretBox'>,
  row: CommandRow,
  now: Date,
): Promise<string> {
  const key = services.commandKeys[0];
  if (!key) throw new Error('no command key');
  let payload = await unsealPayload(services, row);
  // The agent's tokens are minted here, like secrets opened: they exist only in the signed command.
  const telemetry = row.kind === 'deploy' && (await deployCommandTelemetry(key, row.tenantId, payload, now));
  if (telemetry) {
    const { retentionDays: _, ...rest } = payload;
    payload = { ...rest, telemetry };
  }
  const cmd: SignedCommand = {
    commandId: row.id,
    tenantId: row.tenantId,
    runnerId: row.runnerId,
    seq: row.seq,
    kind: CommandKind.parse(row.kind),
    payload,
  };
  const ttlSeconds = Math.max(1, Math.ceil((row.deadline.getTime() - now.getTime()) / 1000));
  return signProductToken('command', key, { sub: row.runnerId, tid: row.tenantId, cmd }, { now, ttlSeconds });
}

async function unsealPayload(
  services: Pick<Services, 'secretBox'>,
  row: CommandRow,
): Promise<Record<string, unknown>> {
  // Only a deploy opens secrets into its env; anything else carries the ciphertext as it is.
  if (row.kind !== 'deploy') return row.payload;
  const { sealedEnv, secretKeys: _, ...payload } = row.payload;
  if (sealedEnv === undefined) return { ...payload, secretKeys: [] };
  if (typeof sealedEnv !== 'string' || typeof payload.deploymentId !== 'string' || !services.secretBox)
    throw new Error(`command ${row.id} carries sealed secrets this edge cannot open`);
  const secrets = await openCommandEnv(
    services.secretBox,
    { tenantId: row.tenantId, runnerId: row.runnerId, deploymentId: payload.deploymentId },
    sealedEnv,
  );
  const env = DeployPayload.shape.env.optional().parse(payload.env) ?? {};
  // The platform's own variables win over everything the tenant configured, secrets included.
  const secretKeys = Object.keys(secrets)
    .filter((key) => !Object.hasOwn(env, key))
    .sort();
  return { ...payload, env: { ...secrets, ...env }, secretKeys };
}

/**
 * The current command keys, endorsed by the oldest key still in the set: the
 * one every registered runner already trusts. Runners adopt the new set only
 * through such an endorsement, so keys rotate without downtime and a hijacked
 * socket cannot introduce its own.
 */
export async function endorseCommandKeys(keys: readonly SigningKey[], now: Date): Promise<string> {
  const endorser = keys.at(-1);
  if (!endorser) throw new Error('no command key');
  return signProductToken(
    'commandKeys',
    endorser,
    { sub: 'command-keys', keys: keys.map((k) => k.publicJwk) },
    { now, ttlSeconds: 3600 },
  );
}

export function commandKeySet(keys: readonly SigningKey[]) {
  return { keys: keys.map((k) => k.publicJwk) };
}
