import { readFile } from 'node:fs/promises';
import {
  importVerifyingKey,
  type LicenceFailure,
  LicenceRejected,
  type VerifiedLicence,
  type VerifyingKey,
  verifyLicence,
} from '@cameleer/shared';
import type { JWK } from 'jose';
import { embeddedLicenceKeys } from './embedded-keys.ts';
import { licenceKeysFile, readStoredLicenceKeys } from './stored-keys.ts';

/** One exit code per reason, so scripts can tell them apart; 1 is anything else (unreadable file, bad keys). */
export const licenceExitCodes: Record<LicenceFailure, number> = {
  malformed: 2,
  'bad-signature': 3,
  'unknown-key': 4,
  expired: 5,
  'not-yet-valid': 6,
};

/**
 * The trusted keys, first found of: a JWKS from a file or URL when given, the
 * edge's keys stored in the state directory, the keys embedded in this package.
 */
export async function licenceKeys(source: string | undefined, stateDir: string): Promise<VerifyingKey[]> {
  const jwks = source ? await readJwks(source) : { keys: stored(stateDir) ?? [...embeddedLicenceKeys] };
  if (!jwks.keys.length) {
    throw new Error(
      source
        ? `${source} lists no keys`
        : `no licence keys to trust: ${licenceKeysFile(stateDir)} does not exist (a runner stores its edge's keys when it registers and on every connect) and this package embeds none; copy that file from a registered runner and pass --state-dir, or pass --keys with your edge's /.well-known/license-keys (a file or URL)`,
    );
  }
  return Promise.all(jwks.keys.map((k) => importVerifyingKey(k)));
}

function stored(stateDir: string): JWK[] | undefined {
  const keys = readStoredLicenceKeys(stateDir);
  return keys.length ? keys : undefined;
}

async function readJwks(source: string): Promise<{ keys: JWK[] }> {
  const text = /^https?:\/\//.test(source)
    ? await fetch(source).then(async (res) => {
        if (!res.ok) throw new Error(`${source} answered ${res.status}`);
        return res.text();
      })
    : await readFile(source, 'utf8');
  const parsed = JSON.parse(text) as { keys?: unknown };
  if (!Array.isArray(parsed.keys)) throw new Error(`${source} is not a JWKS (no "keys" array)`);
  return { keys: parsed.keys as JWK[] };
}

export type LicenceFileVerdict =
  | { ok: true; licence: VerifiedLicence }
  | { ok: false; reason: LicenceFailure; message: string; exitCode: number };

export async function verifyLicenceFile(
  file: string,
  keys: readonly VerifyingKey[],
  opts: { now: Date; graceDays?: number },
): Promise<LicenceFileVerdict> {
  const token = (await readFile(file, 'utf8')).trim();
  try {
    return { ok: true, licence: await verifyLicence(token, keys, opts) };
  } catch (err) {
    if (!(err instanceof LicenceRejected)) throw err;
    return { ok: false, reason: err.reason, message: err.message, exitCode: licenceExitCodes[err.reason] };
  }
}
