import { existsSync } from 'node:fs';
import Docker from 'dockerode';
import { dockerSocketPath } from '../../capabilities.ts';
import { hasJava } from '../java-on-path.ts';
import type { OrchestratorEntry } from '../orchestrator-entry.ts';
import { DockerOrchestrator } from './docker-orchestrator.ts';
import { dockerVolumeArchive } from './volume-archive.ts';

/** The Docker engine of DOCKER_HOST or the default socket; dockerode reads DOCKER_HOST itself. */
export const dockerEntry: OrchestratorEntry = {
  kind: 'docker',
  unanswered: {
    staying: 'the Docker engine does not answer yet; apps stay on Docker and wait for it',
    passing: 'the Docker engine does not answer; running apps on the next orchestrator at hand',
  },
  async detect({ config, pingTimeoutMs }) {
    if (!config.DOCKER_HOST && !existsSync(dockerSocketPath)) return 'absent';
    return (await answers(new Docker(), pingTimeoutMs)) ? 'ready' : 'unanswered';
  },
  async open({ config, onSwitch }) {
    return new DockerOrchestrator({
      docker: new Docker(),
      domain: config.CAMELEER_APPS_DOMAIN,
      ...(config.CAMELEER_TRAEFIK_CONTAINER ? { traefikContainer: config.CAMELEER_TRAEFIK_CONTAINER } : {}),
      ...(config.CAMELEER_RUNNER_CONTAINER ? { runnerContainer: config.CAMELEER_RUNNER_CONTAINER } : {}),
      ...(onSwitch ? { onSwitch } : {}),
      // A machine with Docker and a java could run processes too: the edge is told both.
      capabilities: hasJava(config) ? ['docker', 'process'] : ['docker'],
      jdk: config,
    });
  },
  // The engine of DOCKER_HOST or the default socket, when it answers within 5 s.
  async volumeArchive() {
    if (!process.env.DOCKER_HOST && !existsSync(dockerSocketPath)) return undefined;
    const docker = new Docker({ timeout: 5000 });
    return (await answers(docker, 5000)) ? dockerVolumeArchive(docker) : undefined;
  },
};

async function answers(docker: Docker, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([docker.ping().then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
