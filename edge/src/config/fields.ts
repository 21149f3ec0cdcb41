import { z } from 'zod';

/** A string that counts as unset when empty or blank: `FOO=` in an env file means no value. */
export const optionalString = z
  .string()
  .transform((s) => s.trim())
  .optional()
  .transform((s) => (s ? s : undefined));

/** On or off, spelled as shells and env files do. */
export const flag = (defaultValue: 'true' | 'false') =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(defaultValue)
    .transform((v) => v === 'true' || v === '1');

/** Where people reach the console and API, without a trailing slash. */
export const publicUrl = z.url().transform((u) => u.replace(/\/$/, ''));

export const PrivateEd25519Jwk = z.looseObject({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  d: z.string().min(1),
  x: z.string().min(1),
});
export type PrivateEd25519Jwk = z.infer<typeof PrivateEd25519Jwk>;

const json = (expected: string) =>
  z.string().transform((s, ctx) => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      // The value is a secret: the message names what was expected, never what was sent.
      ctx.addIssue({ code: 'custom', message: `must be JSON: ${expected}` });
      return z.NEVER;
    }
  });

/** One signing key (a secret): a private Ed25519 JWK as JSON. */
export const privateJwk = json('a private JWK').pipe(PrivateEd25519Jwk);

/** Signing keys (a secret): a private Ed25519 JWK, or an array of them as JSON, newest first. */
export const privateKeyList = optionalString
  .pipe(json('a private JWK or an array of them').optional())
  .transform((v) => (v === undefined || Array.isArray(v) ? v : [v]))
  .pipe(z.array(PrivateEd25519Jwk).optional());

/** A whole number from a string, within bounds. */
export const integer = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max);

/** A runner version: x.y.z, with an optional pre-release or build suffix. */
export const runnerVersion = z
  .string()
  .regex(/^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/, 'must be a version like 1.2.3');
