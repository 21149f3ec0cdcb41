import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chooseOrchestrator } from './choose-orchestrator.ts';

const deadEngine = { DOCKER_HOST: 'unix:///nonexistent/docker.sock' };

describe('choosing the orchestrator', () => {
  let stateDir: string;
  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'cameleer-choose-'));
  });
  afterEach(async () => {
    await rm(stateDir, { recursive: true, force: true });
  });
  const choose = (env: NodeJS.ProcessEnv) =>
    chooseOrchestrator({
      stateDir,
      env: { ...process.env, CAMELEER_ORCHESTRATOR: '', ...env },
      pingTimeoutMs: 500,
    });

  it('takes Docker when the engine answers and remembers it', async () => {
    expect((await choose({}))?.kind).toBe('docker');
    expect(await readFile(join(stateDir, 'orchestrator'), 'utf8')).toBe('docker\n');
  });

  it('stays on Docker while a remembered engine is slow to come back, instead of starting apps twice', async () => {
    await writeFile(join(stateDir, 'orchestrator'), 'docker\n');
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = deadEngine.DOCKER_HOST;
    try {
      expect((await choose(deadEngine))?.kind).toBe('docker');
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  });

  it('runs processes where no engine answers the first time, and keeps them', async () => {
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = deadEngine.DOCKER_HOST;
    try {
      expect((await choose(deadEngine))?.kind).toBe('process');
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
    expect((await choose({}))?.kind).toBe('process');
  });

  it('follows CAMELEER_ORCHESTRATOR over what it remembers', async () => {
    await writeFile(join(stateDir, 'orchestrator'), 'docker\n');
    expect((await choose({ CAMELEER_ORCHESTRATOR: 'process' }))?.kind).toBe('process');
    expect((await choose({}))?.kind).toBe('process');
  });
});
