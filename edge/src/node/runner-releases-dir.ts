import { createReadStream, existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { RunnerRelease, type RunnerReleaseStore } from '../runner-releases/release-store.ts';

const fileName = (platform: string) => `cameleer-runner-${platform}`;

/** A manifest that cannot be read or parsed is one not published, not a failed listing. */
async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Single-file runner builds from a directory with one folder per version, each holding
 * `cameleer-runner-<platform>` and its `.release.json` as scripts/build-runner-binary.ts writes them.
 * Read at each request: publishing a version is copying a folder in.
 */
export function runnerReleasesDir(dir: string): RunnerReleaseStore {
  return {
    async list() {
      if (!existsSync(dir)) return [];
      const releases: RunnerRelease[] = [];
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        if (!entry.isDirectory()) continue;
        for (const file of await readdir(join(dir, entry.name))) {
          if (!file.endsWith('.release.json')) continue;
          const parsed = RunnerRelease.safeParse(await readJson(join(dir, entry.name, file)));
          if (parsed.success && parsed.data.version === entry.name) releases.push(parsed.data);
        }
      }
      return releases;
    },
    async open(version, platform) {
      const release = (await this.list()).find((r) => r.version === version && r.platform === platform);
      if (!release) return undefined;
      const path = join(dir, version, fileName(platform));
      if (!existsSync(path)) return undefined;
      return Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>;
    },
  };
}
