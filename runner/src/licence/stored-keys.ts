import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { JWK } from 'jose';
import { z } from 'zod';
import { edgeEndpoint } from '../credentials.ts';
import { type HttpFetch, proxiedFetch } from '../proxy/http-client.ts';
import { ensureStateDir, writeFileAtomic } from '../state/state-dir.ts';

const PublicKey = z.looseObject({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string().min(1) });
const Jwks = z.object({ keys: z.array(PublicKey) });

/** The edge's licence public keys kept by the runner, so `license verify` works offline. */
export const licenceKeysFile = (stateDir: string) => join(resolve(stateDir), 'licence-keys.json');

export function readStoredLicenceKeys(stateDir: string): JWK[] {
  const file = licenceKeysFile(stateDir);
  if (!existsSync(file)) return [];
  const parsed = Jwks.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not a JWKS of Ed25519 public keys`);
  return parsed.data.keys as JWK[];
}

/**
 * Stores the edge's current keys first, then every key stored before that the
 * edge no longer lists: a key rotated out still verifies the licences it signed.
 */
export function storeLicenceKeys(stateDir: string, current: readonly JWK[]): JWK[] {
  const files = ensureStateDir(stateDir);
  const known = readStoredLicenceKeys(stateDir);
  const fresh = new Set(current.map((k) => k.x));
  const keys = [...current, ...known.filter((k) => !fresh.has(k.x))];
  writeFileAtomic(join(files.dir, 'licence-keys.json'), `${JSON.stringify({ keys }, null, 2)}\n`);
  return keys;
}

/** Fetches the edge's `/.well-known/license-keys` and merges them into the stored keys. */
export async function refreshLicenceKeys(input: {
  edgeUrl: string;
  stateDir: string;
  fetch?: HttpFetch;
  timeoutMs?: number;
}): Promise<JWK[]> {
  const url = edgeEndpoint(input.edgeUrl, '/.well-known/license-keys');
  const res = await (input.fetch ?? proxiedFetch)(url, {
    headers: { accept: 'application/json' },
    signal: AbortSignal.timeout(input.timeoutMs ?? 10_000),
  });
  if (!res.ok) {
    await res.arrayBuffer();
    throw new Error(`${url} answered ${res.status}`);
  }
  const parsed = Jwks.safeParse(await res.json());
  if (!parsed.success) throw new Error(`${url} did not answer a JWKS of Ed25519 public keys`);
  return storeLicenceKeys(input.stateDir, parsed.data.keys as JWK[]);
}
