import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { startTestClickHouse, type TestClickHouse } from '../../../edge/test/clickhouse.ts';

/**
 * What the pipeline's fault tests make per test — a ClickHouse (chDB), a runner state dir, whatever
 * else they register — undone after each test, newest first. Call once at the top of a test file.
 */
export function faultFixtures() {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return {
    /** Runs `undo` after the test. */
    cleanup(undo: () => Promise<void>) {
      cleanups.push(undo);
    },
    async clickhouse(): Promise<TestClickHouse> {
      const ch = await startTestClickHouse();
      cleanups.push(() => ch.close());
      return ch;
    },
    async stateDir(): Promise<string> {
      const dir = await mkdtemp(join(tmpdir(), 'pipeline-faults-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      return dir;
    },
  };
}
