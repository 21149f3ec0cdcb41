import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeApiStandIn } from '../../../test/kube-api-stand-in.ts';
import { lifecycleRef, orchestratorLifecycle } from '../../../test/orchestrator-lifecycle.ts';
import { KubeApi } from './kube-api.ts';
import { KubernetesOrchestrator } from './kubernetes-orchestrator.ts';
import { defaultKubernetesSettings } from './settings.ts';

const registry = 'registry.example:5000/cameleer';

/** Every version's image is built by a Kaniko Job of the stand-in and pulled from its registry. */
orchestratorLifecycle('Kubernetes (API stand-in, images built by Kaniko)', async () => {
  const standIn = await KubeApiStandIn.start();
  standIn.kaniko.hosting.add('registry.example:5000');
  standIn.put('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'cameleer' } }, 'ADDED');
  const dir = await mkdtemp(join(tmpdir(), 'cameleer-kube-lifecycle-'));
  const agentJarPath = join(dir, 'agent.jar');
  await writeFile(agentJarPath, 'PK\u0003\u0004 agent');
  const opened: KubernetesOrchestrator[] = [];
  return {
    async open() {
      const orchestrator = new KubernetesOrchestrator({
        api: new KubeApi(standIn.kubeConfig()),
        settings: defaultKubernetesSettings,
        image: { registry },
        build: { pollMs: 20 },
        runnerNamespace: 'cameleer',
        rolloutPollMs: 50,
        rolloutMarginMs: 0,
      });
      opened.push(orchestrator);
      return orchestrator;
    },
    async spec(version, { broken = false, ref = lifecycleRef } = {}) {
      const appJarPath = join(dir, `${ref.app}-${version}${broken ? '-broken' : ''}.jar`);
      await writeFile(appJarPath, `PK\u0003\u0004 ${ref.app} ${version}`);
      const builder = opened.at(-1);
      if (!builder) throw new Error('open the orchestrator first');
      const { tag } = await builder.prepareImage(
        {
          tenant: ref.tenant,
          app: ref.app,
          version: `${version}${broken ? '-broken' : ''}`,
          appJarPath,
          agentJarPath,
        },
        () => {},
      );
      if (broken) standIn.behave(tag, 'CrashLoopBackOff');
      return {
        ref,
        deploymentId: `dep-${ref.environment}-${version}`,
        version,
        image: tag,
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
      await rm(dir, { recursive: true, force: true });
    },
  };
});
