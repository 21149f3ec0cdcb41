import { existsSync, readFileSync, statSync } from 'node:fs';
import { importSigningKey, type SigningKey } from '@cameleer/shared';
import type { JWK } from 'jose';
import { z } from 'zod';
import { ensureStateDir, type StateFiles, stateFiles, writeFileAtomic } from './state-dir.ts';

const PublicJwk = z.looseObject({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string() });

/** Who this runner is, as the edge told it at registration; the trusted command keys follow rotations. */
export const RunnerIdentity = z.object({
  edgeUrl: z.url(),
  runnerId: z.string().min(1),
  tenantId: z.string().min(1),
  tenantSlug: z.string(),
  environments: z.array(z.string()),
  name: z.string(),
  registeredAt: z.string(),
  commandKeys: z.array(PublicJwk).min(1),
});
export type RunnerIdentity = z.infer<typeof RunnerIdentity>;

export class IdentityError extends Error {
  override name = 'IdentityError';
}

export function hasIdentity(stateDir: string): boolean {
  return existsSync(stateFiles(stateDir).identity);
}

export function readIdentity(stateDir: string): RunnerIdentity {
  const files = stateFiles(stateDir);
  let raw: string;
  try {
    raw = readFileSync(files.identity, 'utf8');
  } catch {
    throw new IdentityError(
      `no runner identity in ${files.dir}: register first with \`cameleer-runner register --url URL --token TOKEN\``,
    );
  }
  const parsed = RunnerIdentity.safeParse(JSON.parse(raw));
  if (!parsed.success) throw new IdentityError(`${files.identity} is damaged; register the runner again`);
  return parsed.data;
}

export function writeIdentity(stateDir: string, identity: RunnerIdentity): void {
  const files = ensureStateDir(stateDir);
  writeFileAtomic(files.identity, `${JSON.stringify(identity, null, 2)}\n`);
}

export function updateCommandKeys(stateDir: string, keys: JWK[]): void {
  const identity = readIdentity(stateDir);
  writeIdentity(stateDir, { ...identity, commandKeys: keys as RunnerIdentity['commandKeys'] });
}

export function writePrivateKey(files: StateFiles, jwk: JWK): void {
  writeFileAtomic(files.privateKey, `${JSON.stringify(jwk)}\n`, 0o600);
}

/** The runner's own key; refuses a key file that others can read. */
export async function readPrivateKey(stateDir: string): Promise<SigningKey> {
  const files = stateFiles(stateDir);
  let raw: string;
  try {
    raw = readFileSync(files.privateKey, 'utf8');
  } catch {
    throw new IdentityError(`no private key at ${files.privateKey}: register the runner again`);
  }
  const mode = statSync(files.privateKey).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new IdentityError(
      `${files.privateKey} is readable by others (mode ${mode.toString(8)}): run \`chmod 600 ${files.privateKey}\``,
    );
  }
  return importSigningKey(JSON.parse(raw) as JWK);
}
