/**
 * The shared lifecycle suite on the Docker engine. Other test files use the same engine at the same
 * time, so the harness deploys under a tenant of its own and shows the suite only that tenant's apps,
 * as if the engine were its own. The images belong to another tenant: removing the app prunes its
 * own images, and the next test would have to build them again.
 */
import { randomBytes } from 'node:crypto';
import { afterAll } from 'vitest';
import { ensureJreImage, testDocker } from '../../../test/docker-fixtures.ts';
import { buildSampleJar, buildTestAgentJar } from '../../../test/java-fixtures.ts';
import { lifecycleRef, orchestratorLifecycle } from '../../../test/orchestrator-lifecycle.ts';
import type { AppRef, Orchestrator } from '../orchestrator.ts';
import { DockerOrchestrator } from './docker-orchestrator.ts';
import { buildAppImage } from './image-builder.ts';
import { networkName } from './labels.ts';

const docker = testDocker();
const tenant = `lc${randomBytes(3).toString('hex')}`;
const ref: AppRef = { ...lifecycleRef, tenant };
const environments = ['dev', 'prod'];
const images = new Map<string, Promise<string>>();

/** The version's image, built once for the whole file. */
function image(version: string, broken: boolean): Promise<string> {
  const tag = broken ? `${version}-broken` : version;
  let pending = images.get(tag);
  if (!pending) {
    pending = (async () => {
      await ensureJreImage(docker);
      const spec = {
        tenant: `${tenant}-images`,
        app: ref.app,
        version: tag,
        appJarPath: await buildSampleJar({ version, broken }),
        agentJarPath: await buildTestAgentJar(),
      };
      return (await buildAppImage(docker, spec, () => {})).tag;
    })();
    images.set(tag, pending);
  }
  return pending;
}

/** `list()` shows only this file's tenant: the apps of tests running beside it are not the suite's. */
function ownAppsOnly(orchestrator: DockerOrchestrator): Orchestrator {
  return new Proxy(orchestrator, {
    get(target, key) {
      if (key === 'list') return async () => (await target.list()).filter((i) => i.ref.tenant === tenant);
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const open = () =>
  new DockerOrchestrator({ docker, domain: 'apps.test', drainMs: 100, stopTimeoutSeconds: 5 });

orchestratorLifecycle(
  'Docker',
  async () => {
    const opened: DockerOrchestrator[] = [];
    return {
      ref,
      async open() {
        const orchestrator = open();
        opened.push(orchestrator);
        return ownAppsOnly(orchestrator);
      },
      async spec(version, { broken = false, ref: app = ref } = {}) {
        return {
          ref: app,
          deploymentId: `dep-${app.environment}-${version}`,
          version,
          image: await image(version, broken),
          env: {},
          resources: { memoryMb: 256, cpus: 1, pids: 256 },
          // Each fresh volume costs a helper container; docker-orchestrator.test.ts covers volumes.
          writeableVolumes: [],
          healthCheck: { httpPath: '/health', timeoutSeconds: 30 },
          private: false,
        };
      },
      async close() {
        for (const orchestrator of opened) await orchestrator.close();
        const cleaner = open();
        for (const environment of environments) await cleaner.remove({ ...ref, environment });
      },
    };
  },
  120_000,
);

afterAll(async () => {
  for (const environment of environments)
    await docker
      .getNetwork(networkName({ tenant, environment }))
      .remove()
      .catch(() => {});
  for (const built of await Promise.allSettled(images.values())) {
    if (built.status !== 'fulfilled') continue;
    await docker
      .getImage(built.value)
      .remove({ force: true })
      .catch(() => {});
  }
}, 60_000);
