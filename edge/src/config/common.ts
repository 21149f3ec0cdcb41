import { ClickHouseEnv } from '@cameleer/shared';
import { z } from 'zod';
import { integer, optionalString, privateJwk, privateKeyList, publicUrl, runnerVersion } from './fields.ts';

const clickhouse = ClickHouseEnv.shape;

/**
 * The edge's settings that mean the same on Node and on Workers, under the same
 * names: environment variables on Node, vars and secrets (bindings) on Workers.
 */
export const edgeCommonShape = {
  CAMELEER_PUBLIC_URL: optionalString
    .pipe(publicUrl.optional())
    .describe(
      'Where people reach the console and API (links, cookies, redirects); Node: default http://localhost:PORT, Workers: required',
    ),
  CAMELEER_APPS_DOMAIN: optionalString.describe(
    'Apps are served at {app}.{env}.{tenant}.CAMELEER_APPS_DOMAIN; ForwardAuth maps hosts to tenants with it',
  ),
  CAMELEER_LOGIN_URL: optionalString
    .pipe(z.url().optional())
    .describe('Where ForwardAuth sends browsers that are not signed in; default CAMELEER_PUBLIC_URL/login'),
  CAMELEER_SESSION_KEY: optionalString
    .pipe(privateJwk.optional())
    .describe(
      'Secret: private Ed25519 JWK (JSON) signing session tokens; Node: default a key file in the data directory, Workers: required',
    ),
  CAMELEER_SESSION_TTL_SECONDS: integer(60)
    .default(12 * 3600)
    .describe('How long a console session lasts, in seconds'),
  CAMELEER_COMMAND_KEYS: privateKeyList.describe(
    'Secret: the command signing keys, a private Ed25519 JWK or a JSON array, newest first; Node: default `command-*.jwk` files in the data directory',
  ),
  CAMELEER_LICENCE_KEYS: privateKeyList.describe(
    'Secret: the licence signing keys, like CAMELEER_COMMAND_KEYS; Node: default `licence-*.jwk` files in the data directory, Workers: none, so no licences are issued',
  ),
  CAMELEER_LICENCE_TTL_DAYS: integer(1, 3650)
    .default(365)
    .describe('How long an issued licence is valid, in days'),
  CAMELEER_LICENCE_GRACE_DAYS: integer(0, 365)
    .default(14)
    .describe('Days after a licence expires before new deployments are refused; running apps keep running'),
  CAMELEER_SECRETS_KEY: optionalString
    .pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{43,}$/, 'must be base64url of at least 32 bytes')
        .optional(),
    )
    .describe(
      'Secret: AES key (base64url, 32+ bytes) sealing configuration secrets; Node: default a key file in the data directory, Workers: none, so secrets cannot be set',
    ),
  CAMELEER_ARTIFACT_URL_KEY: optionalString
    .pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{43,}$/, 'must be base64url of at least 32 bytes')
        .optional(),
    )
    .describe(
      "Secret: HMAC key (base64url, 32+ bytes) of the runners' artifact download links, the same on every edge behind one URL; Node: default a key file in the data directory, Workers: required with the ARTIFACTS bucket",
    ),
  CAMELEER_MAX_BODY_BYTES: integer(1024)
    .default(1024 * 1024)
    .describe('Largest API request body, in bytes (1 MiB); artifact uploads have their own limit'),
  CAMELEER_MAX_ARTIFACT_BYTES: integer(1024)
    .default(200 * 1024 * 1024)
    .describe(
      'Largest JAR an app version may upload, in bytes (200 MiB); uploads stream past CAMELEER_MAX_BODY_BYTES',
    ),
  CAMELEER_TUNNEL_HEARTBEAT_MS: integer(100, 30_000)
    .default(15_000)
    .describe(
      'Interval of the heartbeats the edge and runners exchange on the tunnel; a silent peer is dropped after two',
    ),
  CAMELEER_RUNNER_MIN_VERSION: optionalString
    .pipe(runnerVersion.optional())
    .describe(
      'Runners older than this version are shown as "update required" (API, console, `cameleer-runner status`); unset: none is',
    ),
  CAMELEER_RUNNER_LATEST_VERSION: optionalString
    .pipe(runnerVersion.optional())
    .describe(
      'The runner version `cameleer-runner update` installs; default the newest build in CAMELEER_RUNNER_RELEASES_DIR',
    ),
  CAMELEER_OIDC_ISSUER: optionalString
    .pipe(z.url().optional())
    .describe(
      'Issuer of the OIDC access tokens the API accepts; set with CAMELEER_OIDC_AUDIENCE, unset: no OIDC',
    ),
  CAMELEER_OIDC_AUDIENCE: optionalString.describe(
    'Audience the OIDC access tokens must name; set with CAMELEER_OIDC_ISSUER',
  ),
  CAMELEER_OIDC_JWKS_URI: optionalString
    .pipe(z.url().optional())
    .describe("Where the issuer's signing keys are; default CAMELEER_OIDC_ISSUER/jwks"),
  CAMELEER_OIDC_TENANT_CLAIM: z
    .string()
    .default('organization_id')
    .describe('Access-token claim naming the organization mapped onto a tenant'),
  CAMELEER_OIDC_ROLES_CLAIM: z
    .string()
    .default('roles')
    .describe('Access-token claim holding roles, used when the member list has none for the user'),
  CAMELEER_OIDC_CLIENT_ID: optionalString.describe(
    'Client id of the console at the issuer: people sign in in the browser (Authorization Code + PKCE); register CAMELEER_PUBLIC_URL/auth/oidc/callback as its redirect URI; unset: no browser sign-in through the issuer',
  ),
  CAMELEER_OIDC_CLIENT_SECRET: optionalString.describe(
    'Secret: client secret of CAMELEER_OIDC_CLIENT_ID (client_secret_post); unset: a public client (PKCE alone)',
  ),
  CAMELEER_OIDC_DISPLAY_NAME: optionalString.describe(
    'Name of the identity provider on the sign-in page ("Sign in with …"); default the issuer\'s host',
  ),
  CAMELEER_OIDC_SCOPES: z
    .string()
    .default('openid profile email')
    .describe(
      'Scopes the browser sign-in asks for (space-separated, openid included); Logto: add urn:logto:scope:organizations',
    ),
  CAMELEER_OIDC_CLOCK_TOLERANCE_SECONDS: integer(0, 300)
    .default(30)
    .describe('Clock skew allowed when checking OIDC token times, in seconds'),
  STRIPE_SECRET_KEY: optionalString.describe(
    'Secret: Stripe API key (sk_…); unset: the billing routes answer 503',
  ),
  STRIPE_WEBHOOK_SECRET: optionalString.describe(
    'Secret: signing secret (whsec_…) of the Stripe webhook endpoint POST /webhooks/stripe',
  ),
  STRIPE_PRICE_MID: optionalString.describe("Stripe price id (price_…) of the mid tier's subscription"),
  STRIPE_PRICE_HIGH: optionalString.describe("Stripe price id (price_…) of the high tier's subscription"),
  STRIPE_API_BASE: optionalString
    .pipe(z.url().optional())
    .describe('Another Stripe API server than https://api.stripe.com (stripe-mock, tests)'),
  CAMELEER_CLICKHOUSE_URL: clickhouse.CAMELEER_CLICKHOUSE_URL.describe(
    "A ClickHouse server's HTTP interface (http://host:8123) holding telemetry; Node: default the embedded chDB, Workers: none, so the telemetry routes answer 503",
  ),
  CAMELEER_CLICKHOUSE_USER: clickhouse.CAMELEER_CLICKHOUSE_USER.describe('User at CAMELEER_CLICKHOUSE_URL'),
  CAMELEER_CLICKHOUSE_PASSWORD: clickhouse.CAMELEER_CLICKHOUSE_PASSWORD.describe(
    'Secret: password at CAMELEER_CLICKHOUSE_URL',
  ),
  CAMELEER_CLICKHOUSE_DATABASE: clickhouse.CAMELEER_CLICKHOUSE_DATABASE.describe(
    'Database at CAMELEER_CLICKHOUSE_URL',
  ),
};

/** Cross-field checks of the common settings, run by each process's schema. */
export function checkEdgeCommon(
  c: {
    CAMELEER_OIDC_ISSUER?: string;
    CAMELEER_OIDC_AUDIENCE?: string;
    CAMELEER_OIDC_CLIENT_ID?: string;
    CAMELEER_OIDC_SCOPES?: string;
  },
  ctx: z.RefinementCtx,
) {
  if (c.CAMELEER_OIDC_CLIENT_ID && !c.CAMELEER_OIDC_ISSUER) {
    ctx.addIssue({
      code: 'custom',
      path: ['CAMELEER_OIDC_CLIENT_ID'],
      message: 'CAMELEER_OIDC_CLIENT_ID needs CAMELEER_OIDC_ISSUER and CAMELEER_OIDC_AUDIENCE',
    });
  }
  if (c.CAMELEER_OIDC_SCOPES !== undefined && !c.CAMELEER_OIDC_SCOPES.split(/\s+/).includes('openid')) {
    ctx.addIssue({
      code: 'custom',
      path: ['CAMELEER_OIDC_SCOPES'],
      message: 'CAMELEER_OIDC_SCOPES must include openid',
    });
  }
  if (!!c.CAMELEER_OIDC_ISSUER !== !!c.CAMELEER_OIDC_AUDIENCE) {
    ctx.addIssue({
      code: 'custom',
      path: ['CAMELEER_OIDC_AUDIENCE'],
      message: 'CAMELEER_OIDC_ISSUER and CAMELEER_OIDC_AUDIENCE are set together',
    });
  }
}

export const EdgeCommonConfig = z.object(edgeCommonShape).superRefine(checkEdgeCommon);
export type EdgeCommonConfig = z.infer<typeof EdgeCommonConfig>;
