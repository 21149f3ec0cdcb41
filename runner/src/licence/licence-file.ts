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

/** One exit code per reason, so scripts can tell them apart; 1 is anything else (unreadable file, bad keys). */
export const licenceExitCodes: Record<LicenceFailure, number> = {
  malformed: 2,
  'bad-signature': 3,
  'unknown-key': 4,
  expired: 5,
  'not-yet-valid': 6,
};

/** The trusted keys: a JWKS from a file or URL when given, else the ones embedded in this package. */
export async function licenceKeys(source: string | undefined): Promise<VerifyingKey[]> {
  const jwks = source ? await readJwks(source) : { keys: [...embeddedLicenceKeys] };
  if (!jwks.keys.length) {
    throw new Error(
      source
        ? `${source} lists no keys`
        : "this runner embeds no licence keys; pass --keys with your edge's /.well-known/license-keys (a file or URL)",
    );
  }
  return Promise.all(jwks.keys.map((k) => importVerifyingKey(k)));
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
