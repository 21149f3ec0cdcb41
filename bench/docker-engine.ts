/**
 * The Docker engine for the deploy bench: started (and installed when missing) the way `npm test`
 * does it, through scripts/docker.sh, then asked for `_ping`; the bench stops with a clear message
 * when no engine answers.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Docker from 'dockerode';

const run = promisify(execFile);
const dockerScript = fileURLToPath(new URL('../scripts/docker.sh', import.meta.url));

export async function ensureDockerEngine(log: (line: string) => void): Promise<Docker> {
  const docker = new Docker();
  if (await answers(docker)) return docker;
  log('  starting the Docker engine (scripts/docker.sh start)');
  try {
    await run('bash', [dockerScript, 'start'], { timeout: 180_000 });
  } catch (err) {
    const { stderr } = err as { stderr?: string };
    throw new Error(`no Docker engine answers and scripts/docker.sh could not start one:\n${stderr ?? err}`);
  }
  if (!(await answers(docker))) {
    throw new Error(
      `no Docker engine answers on ${process.env.DOCKER_HOST ?? '/var/run/docker.sock'} ` +
        '(scripts/docker.sh start ran; see /tmp/cameleer-dockerd.log)',
    );
  }
  return docker;
}

async function answers(docker: Docker): Promise<boolean> {
  return docker.ping().then(
    () => true,
    () => false,
  );
}
