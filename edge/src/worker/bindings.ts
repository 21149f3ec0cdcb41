import { z } from 'zod';
import { AppError } from '../errors.ts';

const optional = z
  .string()
  .transform((s) => s.trim())
  .optional()
  .transform((s) => (s ? s : undefined));

const PrivateEd25519Jwk = z.looseObject({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  d: z.string().min(1),
  x: z.string().min(1),
});

/** Signing keys (a secret): a private Ed25519 JWK, or an array of them as JSON, newest first. */
const privateKeyList = z
  .string()
  .optional()
  .transform((s, ctx) => {
    if (!s) return undefined;
    try {
      const parsed = JSON.parse(s) as unknown;
      return Array.isArray(parsed) ? parsed : [parsed];
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON: a private JWK or an array of them' });
      return z.NEVER;
    }
  })
  .pipe(z.array(PrivateEd25519Jwk).optional());

/** The Worker's bindings (vars and secrets), parsed at the start of every request. Secrets are never logged. */
export const WorkerBindings = z
  .object({
    /** PostgreSQL URL (secret); the login role must be allowed to act as `cameleer_app`. */
    DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
    /** Private Ed25519 JWK as JSON (secret) signing session tokens. */
    SESSION_KEY: z
      .string()
      .transform((s, ctx) => {
        try {
          return JSON.parse(s) as unknown;
        } catch {
          ctx.addIssue({ code: 'custom', message: 'must be a JSON object (a private JWK)' });
          return z.NEVER;
        }
      })
      .pipe(PrivateEd25519Jwk),
    /** The edge's command keys (secret): a private Ed25519 JWK or an array of them as JSON, newest first. */
    COMMAND_KEYS: privateKeyList,
    /** The edge's licence signing keys (secret), like COMMAND_KEYS; without them licences cannot be issued. */
    LICENCE_KEYS: privateKeyList,
    /** AES key of configuration secrets (secret): base64url, 32+ bytes. Without it, secrets cannot be set or deployed. */
    SECRETS_KEY: optional.pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{43,}$/, 'must be base64url of at least 32 bytes')
        .optional(),
    ),
    /** Stripe secret API key (secret); without it the billing routes answer 503. */
    STRIPE_SECRET_KEY: optional,
    /** Signing secret of the Stripe webhook endpoint (secret, whsec_…). */
    STRIPE_WEBHOOK_SECRET: optional,
    /** Stripe price ids of the paid tiers' subscriptions. */
    STRIPE_PRICE_MID: optional,
    STRIPE_PRICE_HIGH: optional,
    /** Another Stripe API server than https://api.stripe.com (stripe-mock). */
    STRIPE_API_BASE: optional.pipe(z.url().optional()),
    /** A ClickHouse server's HTTP interface holding telemetry; without it the telemetry routes answer 503. */
    CLICKHOUSE_URL: optional.pipe(z.url().optional()),
    CLICKHOUSE_USER: optional,
    /** Secret. */
    CLICKHOUSE_PASSWORD: optional,
    CLICKHOUSE_DATABASE: optional,
    /** Where people reach the console and API, e.g. https://cameleer.example.com */
    PUBLIC_URL: z.url().transform((u) => u.replace(/\/$/, '')),
    /** Apps are served at {app}.{env}.{tenant}.APPS_DOMAIN. */
    APPS_DOMAIN: optional,
    OIDC_ISSUER: optional.pipe(z.url().optional()),
    OIDC_AUDIENCE: optional,
    OIDC_JWKS_URI: optional.pipe(z.url().optional()),
    /** Local testing only: host:port of a plain WebSocket-to-TCP relay in front of PostgreSQL. */
    NEON_WS_PROXY: optional.pipe(
      z
        .string()
        .regex(/^[\w.-]+:\d{1,5}$/, 'must be host:port')
        .optional(),
    ),
  })
  .superRefine((b, ctx) => {
    if (!!b.OIDC_ISSUER !== !!b.OIDC_AUDIENCE) {
      ctx.addIssue({
        code: 'custom',
        path: ['OIDC_AUDIENCE'],
        message: 'OIDC_ISSUER and OIDC_AUDIENCE are set together',
      });
    }
  });

export type WorkerBindings = z.infer<typeof WorkerBindings>;

/** Bad bindings are the operator's mistake: a coded 500 naming the bindings, never their values. */
export function parseBindings(env: Record<string, unknown>): WorkerBindings {
  const result = WorkerBindings.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  throw new AppError('internal', `The worker's bindings are invalid (${problems.join('; ')})`);
}
