import { KubeApiStandIn } from '../../../test/kube-api-stand-in.ts';
import { lifecycleRef, orchestratorLifecycle } from '../../../test/orchestrator-lifecycle.ts';
import type { Orchestrator } from '../orchestrator.ts';
import { KubeApi } from './kube-api.ts';
import { KubernetesOrchestrator } from './kubernetes-orchestrator.ts';
import { defaultKubernetesSettings } from './settings.ts';

orchestratorLifecycle('Kubernetes (API stand-in)', async () => {
  const standIn = await KubeApiStandIn.start();
  const opened: Orchestrator[] = [];
  return {
    async open() {
      const orchestrator = new KubernetesOrchestrator({
        api: new KubeApi(standIn.kubeConfig()),
        settings: defaultKubernetesSettings,
        rolloutPollMs: 50,
        rolloutMarginMs: 0,
      });
      opened.push(orchestrator);
      return orchestrator;
    },
    async spec(version, { broken = false, ref = lifecycleRef } = {}) {
      const image = `registry.example/${ref.tenant}-${ref.app}:${version}${broken ? '-broken' : ''}`;
      if (broken) standIn.behave(image, 'CrashLoopBackOff');
      return {
        ref,
        deploymentId: `dep-${ref.environment}-${version}`,
        version,
        image,
        env: {},
        resources: { memoryMb: 256, cpus: 0.5, pids: 128 },
        writeableVolumes: ['/data'],
        healthCheck: { httpPath: '/health', timeoutSeconds: 5 },
        private: false,
      };
    },
    async close() {
      for (const orchestrator of opened) await orchestrator.close();
      await standIn.close();
    },
  };
});
