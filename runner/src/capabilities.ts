import { existsSync } from 'node:fs';
import type { Capability } from '@cameleer/shared';

export const dockerSocketPath = '/var/run/docker.sock';

/** The runner configuration's variables that tell what is present (an environment has them too). */
export type CapabilityHints = {
  DOCKER_HOST?: string | undefined;
  CAMELEER_KUBECONFIG?: string | undefined;
  KUBERNETES_SERVICE_HOST?: string | undefined;
};

/** What this machine can run apps with, judged from what is present (the doctor checks access for real). */
export function detectCapabilities(env: CapabilityHints): Capability[] {
  const found: Capability[] = ['process'];
  if (env.DOCKER_HOST || existsSync(dockerSocketPath)) found.push('docker');
  // As the Kubernetes orchestrator chooses: a kubeconfig named for the runner, or a pod in a cluster.
  if (env.CAMELEER_KUBECONFIG || env.KUBERNETES_SERVICE_HOST) found.push('kubernetes');
  return found;
}
