import { errors } from 'jose';
import { z } from 'zod';
import { verifyProductToken } from './product-tokens.ts';
import type { VerifyingKey } from './signing-keys.ts';
import { tierNames } from './tiers.ts';

/** What a licence grants: the claims after the standard ones (`sub` is the tenant id, `jti` the licence id). */
export const LicenceClaims = z.object({
  sub: z.string(),
  jti: z.string(),
  iat: z.number(),
  exp: z.number(),
  tenant: z.string(),
  tier: z.enum(tierNames),
  features: z.array(z.string()),
  limits: z.object({
    apps: z.number(),
    runners: z.number(),
    environments: z.number(),
    retentionDays: z.number(),
    memoryMbPerApp: z.number(),
  }),
  environments: z.array(z.string()),
});
export type LicenceClaims = z.infer<typeof LicenceClaims>;

export const defaultLicenceGraceDays = 14;

export type LicenceFailure = 'malformed' | 'bad-signature' | 'unknown-key' | 'expired' | 'not-yet-valid';

export class LicenceRejected extends Error {
  constructor(
    readonly reason: LicenceFailure,
    message: string,
  ) {
    super(message);
    this.name = 'LicenceRejected';
  }
}

export type VerifiedLicence = {
  claims: LicenceClaims;
  kid: string;
  /** `grace`: past its expiry but within the grace period; new deployments still work. */
  state: 'valid' | 'grace';
  expiresAt: Date;
  graceEndsAt: Date;
};

/**
 * Verifies a licence token against `keys` (chosen by `kid`), offline. An expired
 * licence is accepted with state `grace` until `graceDays` have passed, then rejected.
 */
export async function verifyLicence(
  token: string,
  keys: readonly VerifyingKey[],
  opts: { now: Date; graceDays?: number },
): Promise<VerifiedLicence> {
  const graceSeconds = (opts.graceDays ?? defaultLicenceGraceDays) * 86_400;
  let payload: Awaited<ReturnType<typeof verifyProductToken>>;
  try {
    payload = await verifyProductToken('licence', keys, token.trim(), {
      now: opts.now,
      clockToleranceSeconds: graceSeconds,
    });
  } catch (err) {
    throw rejection(err, token, graceSeconds);
  }
  const parsed = LicenceClaims.safeParse(payload);
  if (!parsed.success)
    throw new LicenceRejected('malformed', 'the licence is signed but its claims are incomplete');
  const claims = parsed.data;
  const expiresAt = new Date(claims.exp * 1000);
  const graceEndsAt = new Date(expiresAt.getTime() + graceSeconds * 1000);
  const kid = kidOf(token) ?? '';
  return { claims, kid, state: opts.now < expiresAt ? 'valid' : 'grace', expiresAt, graceEndsAt };
}

function rejection(err: unknown, token: string, graceSeconds: number): LicenceRejected {
  if (err instanceof errors.JWKSNoMatchingKey) {
    return new LicenceRejected(
      'unknown-key',
      `the licence is signed with key ${kidOf(token) ?? '(none)'}, which is not among the trusted licence keys`,
    );
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) {
    return new LicenceRejected(
      'bad-signature',
      'the signature does not match: the licence was altered, or signed by a different key under a trusted key id',
    );
  }
  if (err instanceof errors.JWTExpired) {
    const exp = Number(err.payload.exp) * 1000;
    const days = Math.round(graceSeconds / 86_400);
    return new LicenceRejected(
      'expired',
      `the licence expired on ${new Date(exp).toISOString()} and its ${days}-day grace period is over`,
    );
  }
  if (err instanceof errors.JWTClaimValidationFailed && err.claim === 'nbf') {
    return new LicenceRejected('not-yet-valid', 'the licence is not valid yet (check the clock)');
  }
  const detail = err instanceof Error ? err.message : String(err);
  return new LicenceRejected('malformed', `this is not a Cameleer licence (${detail})`);
}

function kidOf(token: string): string | undefined {
  try {
    const header = JSON.parse(atob((token.trim().split('.')[0] ?? '').replace(/-/g, '+').replace(/_/g, '/')));
    return typeof header.kid === 'string' ? header.kid : undefined;
  } catch {
    return undefined;
  }
}
