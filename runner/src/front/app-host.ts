import type { AppRef } from '../orchestrators/orchestrator.ts';

/** `orders.dev.default.localhost`: the same shape as the production route of the Traefik labels. */
export function appHostname(ref: AppRef, domain: string): string {
  return `${ref.app}.${ref.environment}.${ref.tenant}.${domain}`.toLowerCase();
}

/** The route key of a Host header (`orders.dev.default.localhost:8880`), or undefined when it names no app. */
export function routeKeyOfHost(host: string | undefined, domain: string): string | undefined {
  if (!host) return undefined;
  const hostname = host.toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
  const suffix = `.${domain}`;
  if (!hostname.endsWith(suffix)) return undefined;
  const labels = hostname.slice(0, -suffix.length).split('.');
  return labels.length === 3 && labels.every((l) => l.length > 0) ? labels.join('.') : undefined;
}

export function routeKey(ref: AppRef): string {
  return `${ref.app}.${ref.environment}.${ref.tenant}`.toLowerCase();
}
