import { existsSync } from 'node:fs';
import type { Capability } from '@cameleer/shared';

export const dockerSocketPath = '/var/run/docker.sock';

/** What this machine can run apps with, judged from what is present (the doctor checks access for real). */
export function detectCapabilities(env: NodeJS.ProcessEnv = process.env): Capability[] {
  const found: Capability[] = ['process'];
  if (env.DOCKER_HOST || existsSync(dockerSocketPath)) found.push('docker');
  if (env.KUBECONFIG || env.KUBERNETES_SERVICE_HOST) found.push('kubernetes');
  return found;
}
