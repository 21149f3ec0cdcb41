import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSampleJar, buildTestAgentJar } from '../../../test/java-fixtures.ts';
import { lifecycleRef, orchestratorLifecycle } from '../../../test/orchestrator-lifecycle.ts';
import type { Orchestrator } from '../orchestrator.ts';
import { ProcessOrchestrator } from './process-orchestrator.ts';

const options = { drainMs: 200, stopGraceMs: 2_000, restartBackoffMs: 200, maxRestarts: 1 };

orchestratorLifecycle(
  'Processes',
  async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'cameleer-process-lifecycle-'));
    const agentPath = await buildTestAgentJar();
    const opened: Orchestrator[] = [];
    return {
      async open() {
        const orchestrator = await ProcessOrchestrator.open({ stateDir, ...options });
        opened.push(orchestrator);
        return orchestrator;
      },
      async spec(version, { broken = false, ref = lifecycleRef } = {}) {
        return {
          ref,
          deploymentId: `dep-${ref.environment}-${version}`,
          version,
          jarPath: await buildSampleJar({ version, broken }),
          agentPath,
          env: {},
          resources: { memoryMb: 256, cpus: 1, pids: 100 },
          writeableVolumes: ['/data'],
          healthCheck: { httpPath: '/health', timeoutSeconds: 20 },
          private: false,
        };
      },
      async close() {
        for (const orchestrator of opened) await orchestrator.close();
        const cleaner = await ProcessOrchestrator.open({ stateDir, ...options, stopGraceMs: 500 });
        for (const instance of await cleaner.list()) await cleaner.remove(instance.ref);
        await cleaner.close();
        await rm(stateDir, { recursive: true, force: true });
      },
    };
  },
  120_000,
);
