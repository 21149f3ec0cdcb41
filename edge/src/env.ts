import type { SigningKey } from '@cameleer/shared';
import type { ArtifactStore } from './artifacts/artifact-store.ts';
import type { AuthCache } from './auth/auth-cache.ts';
import type { OidcVerifier } from './auth/oidc.ts';
import type { OidcLoginSettings } from './auth/oidc-login.ts';
import type { CredentialRejection, Principal } from './auth/principal.ts';
import type { StripeBilling } from './billing/stripe-billing.ts';
import type { Clock } from './clock.ts';
import type { Db } from './db/client.ts';
import type { TenantRow } from './db/schema/index.ts';
import type { Logger } from './logger.ts';
import type { RunnerReleaseStore } from './runner-releases/release-store.ts';
import type { RunnerVersionSettings } from './runner-releases/runner-versions.ts';
import type { SecretBox } from './secrets/secret-box.ts';
import type { TelemetryStore } from './telemetry/store.ts';
import type { TunnelHub } from './tunnel/hub.ts';
import type { ReplayGuard } from './tunnel/replay-guard.ts';

export type EdgeSettings = {
  /** Where people reach the console and API, e.g. http://localhost:8080 */
  publicUrl: string;
  /** Apps are served at {app}.{env}.{tenant}.{appsDomain}; ForwardAuth maps hosts to tenants with it. */
  appsDomain?: string;
  /** Where ForwardAuth sends browsers that are not signed in (default: `${publicUrl}/login`). */
  loginUrl?: string;
  maxBodyBytes: number;
  /** Largest JAR an app version may upload (default 200 MiB); artifact uploads bypass `maxBodyBytes`. */
  maxArtifactBytes?: number;
  sessionTtlSeconds: number;
  /** How often the edge and runners exchange heartbeats on the tunnel. */
  heartbeatIntervalMs: number;
  /** How long an issued licence is valid (default 365 days). */
  licenceTtlDays?: number;
  /** Days after a licence expires before new deployments are refused (default 14). */
  licenceGraceDays?: number;
  /** Browser sign-in through the OIDC issuer; absent: only Bearer access tokens are accepted from it. */
  oidcLogin?: OidcLoginSettings;
  /** The runner versions this edge supports: runners below the minimum are told to update. */
  runnerVersions?: RunnerVersionSettings;
  /** Whether this edge prints one-time sign-in links (the embedded default on Node does; Workers do not). */
  localLink?: boolean;
};

/** Everything a request handler may use. Built once on Node, per request from bindings on Workers. */
export type Services = {
  db: Db;
  clock: Clock;
  /** The first key signs; all verify (rotation without logging anyone out). */
  sessionKeys: readonly SigningKey[];
  oidc?: OidcVerifier;
  authCache: AuthCache;
  /** The first key signs commands; all are announced to runners (rotation without downtime). */
  commandKeys: readonly SigningKey[];
  replayGuard: ReplayGuard;
  /** The first key signs licences; all are published and verify (rotation without breaking issued licences). */
  licenceKeys?: readonly SigningKey[];
  /** Live runner connections; absent where this process holds none. */
  tunnel?: TunnelHub;
  /** Where uploaded JARs live; without one, the artifact routes answer 503. */
  artifactStore?: ArtifactStore;
  /** HMAC key of the runners' short-lived artifact download links. */
  artifactUrlKey?: CryptoKey;
  /** Seals configuration secrets at rest and in deploy commands; without one, secrets cannot be set. */
  secretBox?: SecretBox;
  /** Stripe checkout, portal and webhooks; without it the billing routes answer 503. */
  billing?: StripeBilling;
  /** Where the observability API reads traces, logs and route metrics (ClickHouse); without one, it answers 503. */
  telemetry?: TelemetryStore;
  /** The single-file runner builds `cameleer-runner update` downloads; without it, none are served. */
  runnerReleases?: RunnerReleaseStore;
  settings: EdgeSettings;
  log: Logger;
};

export type HonoEnv = {
  Bindings: Record<string, unknown>;
  Variables: {
    requestId: string;
    services: Services;
    principal: Principal | undefined;
    /** Why the credential the request sent was refused; undefined when none was sent or it was accepted. */
    credentialRejection: CredentialRejection | undefined;
    tenant: TenantRow | undefined;
    auditAction: string | undefined;
  };
};
