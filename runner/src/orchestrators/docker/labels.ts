/** The labels that tie images, containers and volumes to an app, and Traefik's routing labels. */
import type { AppRef, DeploySpec } from '../orchestrator.ts';

export const LABEL = {
  managed: 'cameleer.managed',
  tenant: 'cameleer.tenant',
  environment: 'cameleer.environment',
  app: 'cameleer.app',
  deployment: 'cameleer.deployment',
  version: 'cameleer.version',
  sha256: 'cameleer.sha256',
  volumePath: 'cameleer.volume.path',
  healthPath: 'cameleer.health.path',
  healthTimeout: 'cameleer.health.timeout',
} as const;

export const APP_PORT = 8080;
export const AUTH_MIDDLEWARE = 'cameleer-auth@docker';

export function networkName(ref: Pick<AppRef, 'tenant' | 'environment'>): string {
  return `cameleer-${ref.tenant}-${ref.environment}`;
}

export function refLabels(ref: AppRef): Record<string, string> {
  return {
    [LABEL.managed]: 'true',
    [LABEL.tenant]: ref.tenant,
    [LABEL.environment]: ref.environment,
    [LABEL.app]: ref.app,
  };
}

/** Engine-side filter (`label=k=v`) for everything of one app, or everything we manage. */
export function labelFilter(ref?: AppRef): string[] {
  const labels = ref ? refLabels(ref) : { [LABEL.managed]: 'true' };
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`);
}

export function refFromLabels(labels: Record<string, string>): AppRef | undefined {
  const tenant = labels[LABEL.tenant];
  const environment = labels[LABEL.environment];
  const app = labels[LABEL.app];
  return tenant && environment && app ? { tenant, environment, app } : undefined;
}

export function containerLabels(spec: DeploySpec, domain: string): Record<string, string> {
  return {
    ...refLabels(spec.ref),
    [LABEL.deployment]: spec.deploymentId,
    [LABEL.version]: spec.version,
    ...(spec.artifactSha256 ? { [LABEL.sha256]: spec.artifactSha256 } : {}),
    ...(spec.healthCheck.httpPath ? { [LABEL.healthPath]: spec.healthCheck.httpPath } : {}),
    [LABEL.healthTimeout]: String(spec.healthCheck.timeoutSeconds),
    ...traefikLabels(spec.ref, domain, spec.private),
  };
}

/** `{app}.{env}.{tenant}.{domain}` → port 8080; blue and green share the router, Traefik balances both. */
export function traefikLabels(ref: AppRef, domain: string, isPrivate: boolean): Record<string, string> {
  const name = `cameleer-${ref.tenant}-${ref.environment}-${ref.app}`;
  const router = `traefik.http.routers.${name}`;
  return {
    'traefik.enable': 'true',
    'traefik.docker.network': networkName(ref),
    [`${router}.rule`]: `Host(\`${ref.app}.${ref.environment}.${ref.tenant}.${domain}\`)`,
    [`${router}.service`]: name,
    [`traefik.http.services.${name}.loadbalancer.server.port`]: String(APP_PORT),
    ...(isPrivate ? { [`${router}.middlewares`]: AUTH_MIDDLEWARE } : {}),
  };
}
