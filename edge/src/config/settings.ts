import type { OidcSettings } from '../auth/oidc.ts';
import type { StripeBillingConfig } from '../billing/stripe-billing.ts';
import type { EdgeSettings } from '../env.ts';
import type { EdgeCommonConfig } from './common.ts';

/** What request handlers read of the configuration, the same on Node and Workers. */
export function edgeSettingsOf(config: EdgeCommonConfig, publicUrl: string): EdgeSettings {
  const oidc = oidcSettingsOf(config);
  return {
    publicUrl,
    appsDomain: config.CAMELEER_APPS_DOMAIN,
    loginUrl: config.CAMELEER_LOGIN_URL,
    maxBodyBytes: config.CAMELEER_MAX_BODY_BYTES,
    maxArtifactBytes: config.CAMELEER_MAX_ARTIFACT_BYTES,
    sessionTtlSeconds: config.CAMELEER_SESSION_TTL_SECONDS,
    heartbeatIntervalMs: config.CAMELEER_TUNNEL_HEARTBEAT_MS,
    licenceTtlDays: config.CAMELEER_LICENCE_TTL_DAYS,
    licenceGraceDays: config.CAMELEER_LICENCE_GRACE_DAYS,
    runnerVersions: {
      ...(config.CAMELEER_RUNNER_MIN_VERSION ? { minimum: config.CAMELEER_RUNNER_MIN_VERSION } : {}),
      ...(config.CAMELEER_RUNNER_LATEST_VERSION ? { latest: config.CAMELEER_RUNNER_LATEST_VERSION } : {}),
    },
    oidcLogin:
      oidc && config.CAMELEER_OIDC_CLIENT_ID
        ? {
            issuer: oidc.issuer,
            audience: oidc.audience,
            clientId: config.CAMELEER_OIDC_CLIENT_ID,
            clientSecret: config.CAMELEER_OIDC_CLIENT_SECRET,
            displayName: config.CAMELEER_OIDC_DISPLAY_NAME,
            scopes: config.CAMELEER_OIDC_SCOPES,
          }
        : undefined,
  };
}

/** The OIDC verifier's settings, or none when no issuer is configured. */
export function oidcSettingsOf(config: EdgeCommonConfig): OidcSettings | undefined {
  if (!config.CAMELEER_OIDC_ISSUER || !config.CAMELEER_OIDC_AUDIENCE) return undefined;
  return {
    issuer: config.CAMELEER_OIDC_ISSUER,
    audience: config.CAMELEER_OIDC_AUDIENCE,
    jwksUri: config.CAMELEER_OIDC_JWKS_URI,
    tenantClaim: config.CAMELEER_OIDC_TENANT_CLAIM,
    rolesClaim: config.CAMELEER_OIDC_ROLES_CLAIM,
    clockToleranceSeconds: config.CAMELEER_OIDC_CLOCK_TOLERANCE_SECONDS,
  };
}

/** Stripe's settings, or none without a secret key (the billing routes then answer 503). */
export function stripeConfigOf(config: EdgeCommonConfig): StripeBillingConfig | undefined {
  if (!config.STRIPE_SECRET_KEY) return undefined;
  return {
    secretKey: config.STRIPE_SECRET_KEY,
    webhookSecret: config.STRIPE_WEBHOOK_SECRET,
    prices: { mid: config.STRIPE_PRICE_MID, high: config.STRIPE_PRICE_HIGH },
    apiBase: config.STRIPE_API_BASE,
  };
}
