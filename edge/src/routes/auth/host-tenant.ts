/**
 * Which tenant owns a forwarded host. Apps are served at
 * `{app}.{env}.{tenant}.{appsDomain}`, so the label just left of the apps
 * domain names the tenant. The console's own host belongs to no single tenant.
 */
/** Where the runner's front serves apps unless told otherwise (`CAMELEER_APPS_DOMAIN` on the runner too). */
export const defaultAppsDomain = 'localhost';

/** The apps domain the edge maps hosts with: the configured one, else the runner's default. */
export function appsDomainOf(settings: { appsDomain?: string }): string {
  return settings.appsDomain || defaultAppsDomain;
}

export type HostOwner = { kind: 'tenant'; slug: string } | { kind: 'console' } | { kind: 'unknown' };

export function hostOwner(forwardedHost: string, consoleHost: string, appsDomain?: string): HostOwner {
  const host = stripPort(forwardedHost.trim().toLowerCase());
  if (!host) return { kind: 'unknown' };
  if (host === stripPort(consoleHost.toLowerCase())) return { kind: 'console' };
  if (appsDomain) {
    const suffix = `.${appsDomain.toLowerCase()}`;
    if (host.endsWith(suffix)) {
      const labels = host.slice(0, -suffix.length).split('.');
      const slug = labels.at(-1);
      if (slug && labels.length >= 1) return { kind: 'tenant', slug };
    }
  }
  return { kind: 'unknown' };
}

function stripPort(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.lastIndexOf(':');
  return colon > -1 ? host.slice(0, colon) : host;
}
