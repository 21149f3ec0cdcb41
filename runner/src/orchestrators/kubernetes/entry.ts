import { existsSync, readFileSync } from 'node:fs';
import { KubeConfig, VersionApi } from '@kubernetes/client-node';
import type { RunnerConfig } from '../../config/schema.ts';
import type { OrchestratorEntry } from '../orchestrator-entry.ts';
import { KubeApi } from './kube-api.ts';
import { KubernetesOrchestrator } from './kubernetes-orchestrator.ts';
import { kubernetesSettings } from './settings.ts';

const serviceAccount = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * A cluster, only where one is meant: inside a pod (its service-account token) or with a kubeconfig
 * named in CAMELEER_KUBECONFIG. A KUBECONFIG left in a developer's shell does not move their apps.
 */
export const kubernetesEntry: OrchestratorEntry = {
  kind: 'kubernetes',
  unanswered: {
    staying: 'the Kubernetes API does not answer yet; apps stay in the cluster and wait for it',
    passing: 'the Kubernetes API does not answer; running apps on the next orchestrator at hand',
  },
  async detect({ config, pingTimeoutMs }) {
    if (!config.CAMELEER_KUBECONFIG && !inCluster(config)) return 'absent';
    try {
      return (await answers(kubeConfig(config), pingTimeoutMs)) ? 'ready' : 'unanswered';
    } catch {
      return 'unanswered';
    }
  },
  async open({ config, onSwitch }) {
    return new KubernetesOrchestrator({
      api: new KubeApi(kubeConfig(config)),
      settings: kubernetesSettings(config),
      image: {
        ...(config.CAMELEER_KUBERNETES_IMAGE ? { template: config.CAMELEER_KUBERNETES_IMAGE } : {}),
        ...(config.CAMELEER_KUBERNETES_REGISTRY ? { registry: config.CAMELEER_KUBERNETES_REGISTRY } : {}),
      },
      build: {
        ...(config.CAMELEER_KUBERNETES_KANIKO_IMAGE
          ? { executorImage: config.CAMELEER_KUBERNETES_KANIKO_IMAGE }
          : {}),
        ...(config.CAMELEER_KUBERNETES_BUILD_CACHE
          ? { cacheRepository: config.CAMELEER_KUBERNETES_BUILD_CACHE }
          : {}),
      },
      ...(config.CAMELEER_KUBERNETES_INTAKE_URL
        ? { runnerHost: new URL(config.CAMELEER_KUBERNETES_INTAKE_URL).hostname }
        : {}),
      ...runnerNamespace(config),
      ...(onSwitch ? { onSwitch } : {}),
    });
  },
};

function runnerNamespace(config: RunnerConfig): { runnerNamespace?: string } {
  if (config.CAMELEER_KUBERNETES_NAMESPACE) return { runnerNamespace: config.CAMELEER_KUBERNETES_NAMESPACE };
  const file = `${serviceAccount}/namespace`;
  return existsSync(file) ? { runnerNamespace: readFileSync(file, 'utf8').trim() } : {};
}

function inCluster(config: RunnerConfig): boolean {
  return Boolean(config.KUBERNETES_SERVICE_HOST) && existsSync(`${serviceAccount}/token`);
}

export function kubeConfig(config: Pick<RunnerConfig, 'CAMELEER_KUBECONFIG'>): KubeConfig {
  const kc = new KubeConfig();
  if (config.CAMELEER_KUBECONFIG) kc.loadFromFile(config.CAMELEER_KUBECONFIG);
  else kc.loadFromCluster();
  return kc;
}

async function answers(kc: KubeConfig, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    const version = kc
      .makeApiClient(VersionApi)
      .getCode()
      .then(
        () => true,
        () => false,
      );
    return await Promise.race([version, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
