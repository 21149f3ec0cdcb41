import { defaultLicenceGraceDays } from '@cameleer/shared';
import { licenceKeys, verifyLicenceFile } from '../licence/licence-file.ts';

export type LicenseVerifyOptions = { keys?: string; stateDir: string; graceDays?: string; json?: boolean };

/** `license verify FILE`: offline, with a given JWKS, the stored edge keys or the embedded ones; exits non-zero and says why on any failure. */
export async function licenseVerifyCommand(file: string, opts: LicenseVerifyOptions): Promise<void> {
  const graceDays = opts.graceDays === undefined ? defaultLicenceGraceDays : Number(opts.graceDays);
  if (!Number.isInteger(graceDays) || graceDays < 0)
    throw new Error('--grace-days must be a whole number ≥ 0');
  const verdict = await verifyLicenceFile(file, await licenceKeys(opts.keys, opts.stateDir), {
    now: new Date(),
    graceDays,
  });
  if (!verdict.ok) {
    if (opts.json)
      process.stdout.write(
        `${JSON.stringify({ valid: false, reason: verdict.reason, message: verdict.message })}\n`,
      );
    process.stderr.write(`cameleer-runner: licence rejected (${verdict.reason}): ${verdict.message}\n`);
    process.exitCode = verdict.exitCode;
    return;
  }
  const { claims, state, expiresAt, graceEndsAt, kid } = verdict.licence;
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ valid: true, state, kid, claims })}\n`);
    return;
  }
  process.stdout.write(
    `licence ${claims.jti} is valid: tenant ${claims.tenant} (${claims.sub}), tier ${claims.tier}, signed by key ${kid}\n` +
      (state === 'grace'
        ? `warning: it expired on ${expiresAt.toISOString()}; new deployments stop after ${graceEndsAt.toISOString()}\n`
        : `expires ${expiresAt.toISOString()}\n`),
  );
}
