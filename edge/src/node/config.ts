import { ClickHouseEnv } from '@cameleer/shared';
import { z } from 'zod';

const optional = z
  .string()
  .transform((s) => s.trim())
  .pipe(z.string())
  .optional()
  .transform((s) => (s ? s : undefined));

/** The edge's configuration on Node, parsed once from the environment. Secrets are never logged. */
export const NodeConfig = z
  .object({
    /** HTTP port of the API, the console and the tunnel. */
    PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    /** Interface to listen on; 0.0.0.0 inside containers. */
    HOST: z.string().default('127.0.0.1'),
    /** Where the embedded database and key files live. */
    CAMELEER_DATA_DIR: z.string().default('./.cameleer'),
    /** When set, an API token with this value exists: platform admin and owner of the default tenant. */
    CAMELEER_ADMIN_TOKEN: optional.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
    /** Public base URL (links, cookies, redirects). Default http://localhost:PORT. */
    CAMELEER_PUBLIC_URL: optional.pipe(z.url().optional()),
    /** Apps are served at {app}.{env}.{tenant}.APPS_DOMAIN. */
    CAMELEER_APPS_DOMAIN: optional,
    /** Where ForwardAuth sends browsers that are not signed in. */
    CAMELEER_LOGIN_URL: optional.pipe(z.url().optional()),
    /** A PostgreSQL server instead of the embedded PGlite. */
    DATABASE_URL: optional,
    /** The schema owner used for migrations (default DATABASE_URL). */
    DATABASE_MIGRATION_URL: optional,
    /** Private Ed25519 JWK signing session tokens; default a key file in the data directory, made once. */
    CAMELEER_SESSION_KEY: optional,
    /** The edge's command keys: a private Ed25519 JWK or an array, newest first; default key files in the data directory. */
    CAMELEER_COMMAND_KEYS: optional,
    /** The edge's licence signing keys: a private Ed25519 JWK or an array, newest first; default `licence-*.jwk` files in the data directory. */
    CAMELEER_LICENCE_KEYS: optional,
    /** How long an issued licence is valid, in days. */
    CAMELEER_LICENCE_TTL_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
    /** Days after a licence expires before new deployments are refused; running apps keep running. */
    CAMELEER_LICENCE_GRACE_DAYS: z.coerce.number().int().min(0).max(365).default(14),
    /** Start a local runner beside the edge, connected over the tunnel on loopback. */
    CAMELEER_LOCAL_RUNNER: z
      .enum(['true', 'false', '1', '0'])
      .default('true')
      .transform((v) => v === 'true' || v === '1'),
    /** Tunnel heartbeat interval; a silent peer is dropped after two. */
    CAMELEER_TUNNEL_HEARTBEAT_MS: z.coerce.number().int().min(100).max(30_000).default(15_000),
    /** How often commands past their deadline are failed. */
    CAMELEER_COMMAND_SWEEP_MS: z.coerce.number().int().min(100).default(5_000),
    CAMELEER_OIDC_ISSUER: optional.pipe(z.url().optional()),
    CAMELEER_OIDC_AUDIENCE: optional,
    CAMELEER_OIDC_JWKS_URI: optional.pipe(z.url().optional()),
    CAMELEER_OIDC_TENANT_CLAIM: z.string().default('organization_id'),
    CAMELEER_OIDC_ROLES_CLAIM: z.string().default('roles'),
    CAMELEER_OIDC_CLOCK_TOLERANCE_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
    CAMELEER_MAX_BODY_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(1024 * 1024),
    /** Largest JAR an app version may upload (default 200 MiB); uploads stream past CAMELEER_MAX_BODY_BYTES. */
    CAMELEER_MAX_ARTIFACT_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(200 * 1024 * 1024),
    /** HMAC key (base64url, 32+ bytes) of the runners' artifact download links; default a key file in the data directory. */
    CAMELEER_ARTIFACT_URL_KEY: optional,
    /** AES key (base64url, 32+ bytes) of configuration secrets at rest; default a key file in the data directory. */
    CAMELEER_SECRETS_KEY: optional,
    /** Stripe secret API key (sk_…); without it the billing routes answer 503. */
    STRIPE_SECRET_KEY: optional,
    /** Signing secret of the Stripe webhook endpoint (whsec_…) for POST /webhooks/stripe. */
    STRIPE_WEBHOOK_SECRET: optional,
    /** Stripe price id (price_…) of the mid tier's subscription. */
    STRIPE_PRICE_MID: optional,
    /** Stripe price id (price_…) of the high tier's subscription. */
    STRIPE_PRICE_HIGH: optional,
    /** Another Stripe API server than https://api.stripe.com (stripe-mock, tests), e.g. http://127.0.0.1:12111 */
    STRIPE_API_BASE: optional.pipe(z.url().optional()),
    CAMELEER_SESSION_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(60)
      .default(12 * 3600),
    /** Store and serve logs, traces and metrics (ClickHouse: CAMELEER_CLICKHOUSE_URL, else the embedded chDB). */
    CAMELEER_TELEMETRY: z
      .enum(['true', 'false', '1', '0'])
      .default('true')
      .transform((v) => v === 'true' || v === '1'),
    /** Port of the embedded ClickHouse's HTTP interface on loopback (default any free one). */
    CAMELEER_CLICKHOUSE_EMBEDDED_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    ...ClickHouseEnv.shape,
  })
  .superRefine((c, ctx) => {
    if (!!c.CAMELEER_OIDC_ISSUER !== !!c.CAMELEER_OIDC_AUDIENCE) {
      ctx.addIssue({
        code: 'custom',
        path: ['CAMELEER_OIDC_AUDIENCE'],
        message: 'CAMELEER_OIDC_ISSUER and CAMELEER_OIDC_AUDIENCE are set together',
      });
    }
  });

export type NodeConfig = z.infer<typeof NodeConfig>;

export function parseNodeConfig(env: Record<string, string | undefined>): NodeConfig {
  const result = NodeConfig.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}
