import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { volumeName } from '@cameleer/shared';
import { extract, pack } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBusyboxImage, testDocker } from '../../test/docker-fixtures.ts';
import { LABEL, refLabels } from '../orchestrators/docker/labels.ts';
import { dockerVolumeArchive } from '../orchestrators/docker/volume-archive.ts';
import { writeIdentity } from '../state/identity.ts';
import { createBackup } from './create-backup.ts';
import { restoreBackup } from './restore-backup.ts';

const docker = testDocker();
const archives = [dockerVolumeArchive(docker)];
const tenant = `bkp${randomBytes(3).toString('hex')}`;
const ref = { tenant, environment: 'dev', app: 'shop' };
const name = volumeName(ref, '/data/out');
const root = mkdtempSync(join(tmpdir(), 'cameleer-docker-backup-'));

/** What the volume holds (owner and text of each file), read through a container that is never started. */
async function volumeFiles(): Promise<Record<string, string>> {
  const helper = await docker.createContainer({
    Image: await ensureBusyboxImage(docker),
    Cmd: ['true'],
    HostConfig: { Binds: [`${name}:/data/out`] },
  });
  try {
    const files: Record<string, string> = {};
    const entries = extract();
    (await helper.getArchive({ path: '/data/out' })).pipe(entries);
    for await (const entry of entries) {
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      if (entry.header.type === 'file')
        files[entry.header.name] = `${entry.header.uid} ${Buffer.concat(chunks).toString()}`;
    }
    return files;
  } finally {
    await helper.remove({ force: true });
  }
}

describe('Docker volumes in a backup', () => {
  beforeAll(async () => {
    await ensureBusyboxImage(docker);
    await docker.createVolume({ Name: name, Labels: { ...refLabels(ref), [LABEL.volumePath]: '/data/out' } });
    const seed = await docker.createContainer({
      Image: await ensureBusyboxImage(docker),
      Cmd: ['true'],
      HostConfig: { Binds: [`${name}:/data/out`] },
    });
    const archive = pack();
    archive.entry({ name: 'out/report.txt', uid: 10001, gid: 10001, mode: 0o640 }, 'totals: 8\n');
    archive.finalize();
    const chunks: Buffer[] = [];
    for await (const c of archive) chunks.push(c as Buffer);
    await seed.putArchive(Buffer.concat(chunks), { path: '/data' });
    await seed.remove({ force: true });
    writeIdentity(join(root, 'state'), {
      edgeUrl: 'http://127.0.0.1:1',
      runnerId: 'runner-d',
      tenantId: 't',
      tenantSlug: tenant,
      environments: ['dev'],
      name: 'd',
      registeredAt: '2026-12-01T00:00:00Z',
      commandKeys: [{ kty: 'OKP', crv: 'Ed25519', x: 'AAAA' }],
    });
  }, 120_000);

  afterAll(async () => {
    await docker
      .getVolume(name)
      .remove()
      .catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  });

  it('are archived through the engine and come back with their labels and contents', async () => {
    const file = join(root, 'b.tar.gz');
    const { manifest } = await createBackup({ stateDir: join(root, 'state'), to: file, archives });
    expect(manifest.volumes).toEqual([
      expect.objectContaining({
        orchestrator: 'docker',
        archived: true,
        name,
        mountPath: '/data/out',
        entry: `docker-volumes/${name}.tar`,
      }),
    ]);
    await docker.getVolume(name).remove();

    await expect(restoreBackup({ file, stateDir: join(root, 'restored-without-docker') })).rejects.toThrow(
      /volumes of docker, which does not answer here/,
    );
    await restoreBackup({ file, stateDir: join(root, 'restored'), archives });
    const inspected = await docker.getVolume(name).inspect();
    expect(inspected.Labels).toMatchObject({ [LABEL.tenant]: tenant, [LABEL.volumePath]: '/data/out' });
    expect(await volumeFiles()).toEqual({ 'out/report.txt': '10001 totals: 8\n' });
  }, 120_000);
});
