/** The names and labels that tie Kubernetes objects to an app, so everything is found again by label. */
import { createHash } from 'node:crypto';
import type { AppRef } from '../orchestrator.ts';

export const LABEL = {
  managed: 'cameleer.io/managed',
  tenant: 'cameleer.io/tenant',
  environment: 'cameleer.io/environment',
  app: 'cameleer.io/app',
} as const;

/** Annotations: values that need not be label-safe (ids, versions, paths). */
export const ANNOTATION = {
  deployment: 'cameleer.io/deployment',
  version: 'cameleer.io/version',
  sha256: 'cameleer.io/sha256',
  healthPath: 'cameleer.io/health-path',
  healthTimeout: 'cameleer.io/health-timeout',
  volumePath: 'cameleer.io/volume-path',
  restartedAt: 'cameleer.io/restarted-at',
  replicas: 'cameleer.io/replicas',
} as const;

export const APP_PORT = 8080;
export const APP_UID = 10001;
export const APP_CONTAINER = 'app';

/** A DNS label (63 characters at most): long names keep their start and gain a hash of the whole. */
export function dnsLabel(name: string): string {
  const clean = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (clean.length <= 63) return clean;
  const hash = createHash('sha256').update(clean).digest('hex').slice(0, 8);
  return `${clean.slice(0, 54).replace(/-+$/, '')}-${hash}`;
}

export function namespaceName(prefix: string, ref: Pick<AppRef, 'tenant' | 'environment'>): string {
  return dnsLabel(`${prefix}${ref.tenant}-${ref.environment}`);
}

/** Deployment, Service and Ingress share the app's name: the namespace already says tenant and environment. */
export function appObjectName(ref: AppRef): string {
  return dnsLabel(ref.app);
}

export function tenantLabels(ref: Pick<AppRef, 'tenant' | 'environment'>): Record<string, string> {
  return { [LABEL.managed]: 'true', [LABEL.tenant]: ref.tenant, [LABEL.environment]: ref.environment };
}

export function appLabels(ref: AppRef): Record<string, string> {
  return { ...tenantLabels(ref), [LABEL.app]: ref.app };
}

/** `k=v,k=v` for a list call: one app, or everything the runner manages. */
export function labelSelector(ref?: AppRef): string {
  const labels = ref ? appLabels(ref) : { [LABEL.managed]: 'true' };
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

export function refFromLabels(labels: Record<string, string> | undefined): AppRef | undefined {
  const tenant = labels?.[LABEL.tenant];
  const environment = labels?.[LABEL.environment];
  const app = labels?.[LABEL.app];
  return tenant && environment && app ? { tenant, environment, app } : undefined;
}

/** `{app}.{env}.{tenant}.{domain}`, the address apps answer at everywhere. */
export function appHost(ref: AppRef, domain: string): string {
  return `${ref.app}.${ref.environment}.${ref.tenant}.${domain}`;
}

export function contentHash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 10);
}
