export { kubeConfig, kubernetesEntry } from './entry.ts';
export { KubeApi, KubernetesApiError } from './kube-api.ts';
export { KubernetesOrchestrator, type KubernetesOrchestratorOptions } from './kubernetes-orchestrator.ts';
export { defaultKubernetesSettings, type KubernetesSettings, kubernetesSettings } from './settings.ts';
