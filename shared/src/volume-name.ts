/** Names an app in one environment of one tenant by slugs, as the runner's orchestrators label it. */
export type VolumeOwner = { tenant: string; environment: string; app: string };

/**
 * The deterministic name of an app's writeable volume: never crosses tenants or environments and
 * survives redeploys. The runner names the volume with it and the edge shows it, so both agree.
 */
export function volumeName(ref: VolumeOwner, path: string): string {
  const slug = path
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `cameleer-${ref.tenant}-${ref.environment}-${ref.app}-${slug || 'root'}`;
}
