import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureAgentJar } from './agent.ts';

const run = promisify(execFile);
const dirs: string[] = [];

afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('ensureAgentJar', { timeout: 60_000 }, () => {
  it('builds the test agent once into the state dir', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'cameleer-agent-'));
    dirs.push(stateDir);

    const [first, concurrent] = await Promise.all([
      ensureAgentJar(stateDir, {}),
      ensureAgentJar(stateDir, {}),
    ]);
    expect(first).toBe(join(stateDir, 'agent', 'cameleer-agent.jar'));
    expect(concurrent).toBe(first);
    const { stdout } = await run('unzip', ['-p', first, 'META-INF/MANIFEST.MF']);
    expect(stdout).toContain('Premain-Class');
    const built = (await stat(first)).mtimeMs;
    expect(await ensureAgentJar(stateDir, {})).toBe(first);
    expect((await stat(first)).mtimeMs).toBe(built);
  });

  it('takes CAMELEER_AGENT_JAR as given', async () => {
    expect(await ensureAgentJar('/nonexistent', { CAMELEER_AGENT_JAR: '/opt/agent.jar' })).toBe(
      '/opt/agent.jar',
    );
  });
});
