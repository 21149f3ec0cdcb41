import { randomBytes } from 'node:crypto';
import { pack } from 'tar-stream';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureBusyboxImage, testDocker } from '../../../test/docker-fixtures.ts';
import { pruneAppImages } from './image-retention.ts';
import { LABEL } from './labels.ts';

const docker = testDocker();
const ref = { tenant: `t${randomBytes(3).toString('hex')}`, app: 'orders' };
const filters = { label: [`${LABEL.tenant}=${ref.tenant}`] };

/** A labelled image per version, built one after the other so their creation times differ. */
async function versionImage(base: string, version: number): Promise<string> {
  const tar = pack();
  tar.entry(
    { name: 'Dockerfile' },
    `FROM ${base}\nLABEL "${LABEL.tenant}"="${ref.tenant}" "${LABEL.app}"="${ref.app}" v="${version}"\n`,
  );
  tar.finalize();
  const tag = `cameleer/${ref.tenant}-${ref.app}:v${version}`;
  const stream = await docker.buildImage(tar as unknown as NodeJS.ReadableStream, { t: tag });
  await new Promise((resolve, reject) =>
    docker.modem.followProgress(stream, (err) => (err ? reject(err) : resolve(undefined))),
  );
  await new Promise((resolve) => setTimeout(resolve, 1100));
  return tag;
}

afterAll(async () => {
  for (const c of await docker.listContainers({ all: true, filters })) {
    await docker.getContainer(c.Id).remove({ force: true });
  }
  for (const image of await docker.listImages({ filters })) {
    await docker
      .getImage(image.Id)
      .remove({ force: true })
      .catch(() => {});
  }
});

describe('image retention', { timeout: 120_000 }, () => {
  it("keeps an app's newest images and those a container uses, and removes the rest", async () => {
    const base = await ensureBusyboxImage(docker);
    const tags = [];
    for (let v = 1; v <= 4; v++) tags.push(await versionImage(base, v));
    // v1 is old but a (stopped) container of another environment still uses it.
    await docker.createContainer({ Image: tags[0], Cmd: ['sh'], Labels: { [LABEL.tenant]: ref.tenant } });

    const removed = await pruneAppImages(docker, ref, 2);

    const left = (await docker.listImages({ filters })).flatMap((i) => i.RepoTags ?? []).sort();
    expect(left).toEqual([tags[0], tags[2], tags[3]]);
    expect(removed).toHaveLength(1);
    expect(await pruneAppImages(docker, { ...ref, app: 'other' }, 0)).toEqual([]);
  });
});
