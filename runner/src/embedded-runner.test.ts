import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeEdge } from '../test/fake-edge.ts';
import { fastTiming } from '../test/runner-fixture.ts';
import { startEmbeddedRunner } from './embedded-runner.ts';
import { silentLogger } from './logger.ts';

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

describe('startEmbeddedRunner', () => {
  it('registers on first start only, then connects', async () => {
    const edge = await FakeEdge.start();
    cleanup.push(() => edge.stop());
    const stateDir = mkdtempSync(join(tmpdir(), 'embedded-'));
    let tokens = 0;
    const options = {
      edgeUrl: edge.url,
      stateDir,
      logger: silentLogger,
      timing: fastTiming,
      registrationToken: async () => {
        tokens += 1;
        return 'cmr_reg_valid';
      },
    };
    const first = await startEmbeddedRunner(options);
    await first.connected();
    await first.stop();
    const second = await startEmbeddedRunner(options);
    cleanup.push(() => second.stop());
    await second.connected();
    expect(tokens).toBe(1);
  });
});
