import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { testDocker } from '../../../test/docker-fixtures.ts';
import { BaseImageUnavailable, ensureBaseImage, imageExists } from './base-image.ts';
import { collect, demuxLines } from './container-logs.ts';
import { buildJreImage } from './jre-image.ts';

const docker = testDocker();
const tag = `cameleer/jre-selftest:${randomBytes(3).toString('hex')}`;

afterAll(async () => {
  await docker
    .getImage(tag)
    .remove({ force: true })
    .catch(() => {});
});

async function runIn(image: string, cmd: string[]): Promise<string> {
  const container = await docker.createContainer({ Image: image, Cmd: cmd, User: '10001:10001' });
  try {
    await container.start();
    await container.wait();
    const logs = await container.logs({ stdout: true, stderr: true });
    return (await collect(demuxLines([logs]))).join('\n');
  } finally {
    await container.remove({ force: true });
  }
}

describe('the JRE base image', { timeout: 240_000 }, () => {
  it('is built from the local JDK: java runs as the app user, with a shell for chown', async () => {
    const progress: string[] = [];
    await buildJreImage(docker, tag, (line) => progress.push(line));
    expect(progress[0]).toMatch(/from the local JDK/);
    expect(await runIn(tag, ['java', '-version'])).toMatch(/version "17/);
    expect(await runIn(tag, ['sh', '-c', 'id -u; command -v chown'])).toMatch(/10001\s+\S*chown/);
  });

  it('refuses a configured image no registry has, saying which and why', async () => {
    const missing = `127.0.0.1:1/nowhere/jre:${randomBytes(3).toString('hex')}`;
    const err = await ensureBaseImage(docker, missing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BaseImageUnavailable);
    expect((err as Error).message).toContain(missing);
    expect(await imageExists(docker, missing)).toBe(false);
  });
});
