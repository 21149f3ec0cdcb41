import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test as base, describe, expect } from 'vitest';
import { buildSampleJar, buildTestAgentJar } from '../../../test/java-fixtures.ts';
import { type AppRef, DeployFailed, type DeploySpec, volumeName } from '../orchestrator.ts';
import { ProcessOrchestrator, type ProcessOrchestratorOptions } from './process-orchestrator.ts';
import { ProcessState } from './process-state.ts';
import { isAlive } from './process-table.ts';

const testOptions = { drainMs: 1_000, stopGraceMs: 3_000, restartBackoffMs: 200, maxRestarts: 2 };

type Fixtures = {
  stateDir: string;
  open: (extra?: Partial<ProcessOrchestratorOptions>) => Promise<ProcessOrchestrator>;
  orchestrator: ProcessOrchestrator;
  spec: (version: string, opts?: { broken?: boolean; ref?: AppRef }) => Promise<DeploySpec>;
};

/** Each test gets its own state dir; teardown removes every app it left, through a fresh orchestrator. */
const test = base.extend<Fixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: vitest fixtures take their dependencies destructured
  stateDir: async ({}, use) => {
    const dir = await mkdtemp(join(tmpdir(), 'cameleer-process-'));
    await use(dir);
    const cleaner = await ProcessOrchestrator.open({ stateDir: dir, ...testOptions, stopGraceMs: 500 });
    for (const instance of await cleaner.list()) await cleaner.remove(instance.ref);
    await cleaner.close();
    await rm(dir, { recursive: true, force: true });
  },
  open: async ({ stateDir }, use) => {
    const opened: ProcessOrchestrator[] = [];
    await use(async (extra = {}) => {
      const orchestrator = await ProcessOrchestrator.open({ stateDir, ...testOptions, ...extra });
      opened.push(orchestrator);
      return orchestrator;
    });
    for (const orchestrator of opened) await orchestrator.close();
  },
  orchestrator: async ({ open }, use) => use(await open()),
  // biome-ignore lint/correctness/noEmptyPattern: vitest fixtures take their dependencies destructured
  spec: async ({}, use) => {
    const agentPath = await buildTestAgentJar();
    await use(async (version, { broken = false, ref = sampleRef } = {}) => ({
      ref,
      deploymentId: `dep-${version}`,
      version,
      jarPath: await buildSampleJar({ version, broken }),
      agentPath,
      env: { GREETING: 'hello' },
      resources: { memoryMb: 256, cpus: 1, pids: 100 },
      writeableVolumes: ['/data'],
      healthCheck: { httpPath: '/health', timeoutSeconds: 20 },
      private: false,
    }));
  },
});

const sampleRef: AppRef = { tenant: 'acme', environment: 'dev', app: 'orders' };
const quiet = () => {};

async function body(url: string): Promise<string> {
  const response = await fetch(url);
  return response.text();
}

async function collect(lines: AsyncIterable<string>): Promise<string[]> {
  const all: string[] = [];
  for await (const line of lines) all.push(line);
  return all;
}

async function pidOf(stateDir: string, ref: AppRef): Promise<number | undefined> {
  const state = ProcessState.parse(JSON.parse(await readFile(join(stateDir, 'state.json'), 'utf8')));
  return state.apps[`${ref.tenant}/${ref.environment}/${ref.app}`]?.current?.pid;
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(100);
  }
}

describe('ProcessOrchestrator', { timeout: 90_000 }, () => {
  test('deploys a JAR with the agent attached, answering on its own port', async ({
    orchestrator,
    spec,
    stateDir,
  }) => {
    const progress: string[] = [];
    const instance = await orchestrator.deploy(await spec('1'), (m) => progress.push(m));

    expect(instance).toMatchObject({ state: 'running', version: '1', deploymentId: 'dep-1', ref: sampleRef });
    expect(instance.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await body(`${instance.url}/`)).toContain('version 1');
    expect(progress.at(-1)).toContain('healthy');
    const logs = await collect(orchestrator.logs(sampleRef, { tail: 100, follow: false }));
    expect(logs).toContain('cameleer-agent attached');
    expect(logs.join('\n')).toContain('(agent: attached)');
    const volume = join(stateDir, 'volumes', volumeName(sampleRef, '/data'));
    expect(existsSync(volume)).toBe(true);
    const pid = await pidOf(stateDir, sampleRef);
    if (process.platform === 'linux' && pid !== undefined) {
      const environ = (await readFile(`/proc/${pid}/environ`, 'utf8')).split('\0');
      const port = new URL(instance.url ?? '').port;
      expect(environ).toEqual(
        expect.arrayContaining([
          `CAMELEER_VOLUME_DATA=${volume}`,
          `PORT=${port}`,
          `SERVER_PORT=${port}`,
          'GREETING=hello',
        ]),
      );
    }
    expect(await orchestrator.status(sampleRef)).toEqual(instance);
    expect(await orchestrator.list()).toEqual([instance]);
  });

  test('replaces v1 with v2 blue/green without a failed request', async ({
    orchestrator,
    spec,
    stateDir,
  }) => {
    const v1 = await orchestrator.deploy(await spec('1'), quiet);
    const v1Pid = await pidOf(stateDir, sampleRef);
    let front = `${v1.url}/`;
    const answers: string[] = [];
    const failures: unknown[] = [];
    let looping = true;
    const loop = (async () => {
      while (looping) {
        const url = front;
        try {
          const text = await body(url);
          answers.push(text.includes('version 2') ? 'v2' : 'v1');
        } catch (error) {
          failures.push({ url, error });
        }
        await sleep(10);
      }
    })();

    const v2Spec = await spec('2');
    await eventually(async () => answers.length >= 5);
    const beforeDeploy = answers.length;
    const v2 = await orchestrator.deploy(v2Spec, quiet);
    const answeredByV1 = answers.length;
    front = `${v2.url}/`;
    await sleep(testOptions.drainMs + 1_500);
    looping = false;
    await loop;

    expect(failures).toEqual([]);
    // v1 kept answering while v2 started and passed its health check
    expect(answeredByV1).toBeGreaterThan(beforeDeploy);
    expect(answers.slice(0, answeredByV1).every((a) => a === 'v1')).toBe(true);
    expect(answers.slice(answeredByV1 + 1).every((a) => a === 'v2')).toBe(true);
    expect(v2.url).not.toBe(v1.url);
    expect(await orchestrator.status(sampleRef)).toMatchObject({ version: '2', state: 'running' });
    // the old process was stopped once it had drained
    expect(v1Pid !== undefined && isAlive(v1Pid)).toBe(false);
    await expect(fetch(`${v1.url}/`)).rejects.toThrow();
  });

  test('a broken version fails with its error line and the running one keeps serving', async ({
    orchestrator,
    spec,
  }) => {
    const v2 = await orchestrator.deploy(await spec('2'), quiet);

    const failed = await orchestrator
      .deploy(await spec('3', { broken: true }), quiet)
      .catch((e: unknown) => e);

    expect(failed).toBeInstanceOf(DeployFailed);
    const { message, lastLogLines } = failed as DeployFailed;
    expect(message).toContain('exited during start');
    expect(lastLogLines.join('\n')).toContain('ERROR sample-app 3 cannot start');
    expect(await body(`${v2.url}/`)).toContain('version 2');
    expect(await orchestrator.status(sampleRef)).toMatchObject({
      version: '2',
      state: 'running',
      url: v2.url,
    });
  });

  test('a health check that never passes fails within its timeout', async ({ orchestrator, spec }) => {
    const v1 = await orchestrator.deploy(await spec('1'), quiet);
    const never = { ...(await spec('2')), healthCheck: { httpPath: '/not-there', timeoutSeconds: 2 } };

    const failed = await orchestrator.deploy(never, quiet).catch((e: unknown) => e);

    expect(failed).toBeInstanceOf(DeployFailed);
    expect((failed as DeployFailed).message).toContain('within 2 s');
    expect((failed as DeployFailed).lastLogLines.join('\n')).toContain('GET /not-there 404');
    expect(await body(`${v1.url}/`)).toContain('version 1');
  });

  test('stops and restarts', async ({ orchestrator, spec, stateDir }) => {
    const v1 = await orchestrator.deploy(await spec('1'), quiet);
    const pid = await pidOf(stateDir, sampleRef);

    await orchestrator.stop(sampleRef);
    expect(await orchestrator.status(sampleRef)).toMatchObject({ state: 'stopped', url: undefined });
    expect(pid !== undefined && isAlive(pid)).toBe(false);
    await expect(fetch(`${v1.url}/`)).rejects.toThrow();
    const logs = await collect(orchestrator.logs(sampleRef, { tail: 5, follow: false }));
    expect(logs.join('\n')).toContain('stopping (SIGTERM)');

    const restarted = await orchestrator.restart(sampleRef);
    expect(restarted).toMatchObject({ state: 'running', version: '1', url: v1.url });
    expect(await body(`${restarted.url}/`)).toContain('version 1');
  });

  test('restarts a crashed process, then gives up after maxRestarts', async ({
    orchestrator,
    spec,
    stateDir,
  }) => {
    const v1 = await orchestrator.deploy(await spec('1'), quiet);
    const first = await pidOf(stateDir, sampleRef);
    process.kill(first ?? 0, 'SIGKILL');

    await eventually(async () => (await orchestrator.status(sampleRef))?.state === 'starting');
    await eventually(async () => (await orchestrator.status(sampleRef))?.state === 'running');
    const second = await pidOf(stateDir, sampleRef);
    expect(second).not.toBe(first);
    expect(await body(`${v1.url}/`)).toContain('version 1');

    for (let i = 0; i < testOptions.maxRestarts; i++) {
      const pid = await pidOf(stateDir, sampleRef);
      process.kill(pid ?? 0, 'SIGKILL');
      await eventually(async () => {
        const now = await pidOf(stateDir, sampleRef);
        return (
          (now !== undefined && now !== pid) || (await orchestrator.status(sampleRef))?.state === 'failed'
        );
      });
    }
    await eventually(async () => (await orchestrator.status(sampleRef))?.state === 'failed');
    const logs = await collect(orchestrator.logs(sampleRef, { tail: 50, follow: false }));
    expect(logs.join('\n')).toContain(`giving up after ${testOptions.maxRestarts} restarts`);
  });

  test('tails and follows logs until aborted', async ({ orchestrator, spec }) => {
    const v1 = await orchestrator.deploy(await spec('1'), quiet);
    const tail = await collect(orchestrator.logs(sampleRef, { tail: 2, follow: false }));
    expect(tail).toHaveLength(2);

    const abort = new AbortController();
    const followed: string[] = [];
    const following = (async () => {
      for await (const line of orchestrator.logs(sampleRef, {
        tail: 0,
        follow: true,
        signal: abort.signal,
      })) {
        followed.push(line);
      }
    })();
    await sleep(300);
    await body(`${v1.url}/?n=1`);
    await body(`${v1.url}/?n=2`);
    await eventually(async () => followed.some((l) => l.includes('GET /?n=2 200')), 5_000);
    abort.abort();
    await following;
    expect(followed.some((l) => l.includes('GET /?n=1 200'))).toBe(true);
    expect(followed.join('\n')).not.toContain('cameleer-agent attached');
  });

  test('remove stops the process and deletes its logs and volumes', async ({
    orchestrator,
    spec,
    stateDir,
  }) => {
    const other: AppRef = { ...sampleRef, app: 'billing' };
    await orchestrator.deploy(await spec('1'), quiet);
    await orchestrator.deploy(await spec('1', { ref: other }), quiet);
    const pid = await pidOf(stateDir, sampleRef);
    const volume = join(stateDir, 'volumes', volumeName(sampleRef, '/data'));

    await orchestrator.remove(sampleRef);

    expect(pid !== undefined && isAlive(pid)).toBe(false);
    expect(existsSync(volume)).toBe(false);
    expect(existsSync(join(stateDir, 'apps', 'acme', 'dev', 'orders'))).toBe(false);
    expect(await orchestrator.status(sampleRef)).toBeUndefined();
    expect((await orchestrator.list()).map((i) => i.ref.app)).toEqual(['billing']);
    expect(existsSync(join(stateDir, 'volumes', volumeName(other, '/data')))).toBe(true);
  });

  test('a restarted runner finds its running process and can manage it', async ({ open, spec, stateDir }) => {
    const before = await open();
    const deployed = await before.deploy(await spec('1'), quiet);
    const pid = await pidOf(stateDir, sampleRef);
    await before.close();

    const after = await open();
    expect(await after.list()).toEqual([deployed]);
    expect(await body(`${deployed.url}/`)).toContain('version 1');
    const logs = await collect(after.logs(sampleRef, { tail: 100, follow: false }));
    expect(logs).toContain('cameleer-agent attached');

    await after.remove(sampleRef);
    expect(pid !== undefined && isAlive(pid)).toBe(false);
    expect(await after.list()).toEqual([]);
  });

  test('a process that died while the runner was down is reported failed', async ({
    open,
    spec,
    stateDir,
  }) => {
    const before = await open();
    await before.deploy(await spec('1'), quiet);
    await before.close();
    process.kill((await pidOf(stateDir, sampleRef)) ?? 0, 'SIGKILL');
    await sleep(200);

    const after = await open();
    expect(await after.status(sampleRef)).toMatchObject({ state: 'failed', url: undefined });
  });
});
