import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseRunnerConfig } from '../config/schema.ts';
import type { Logger } from '../logger.ts';
import type { Orchestrator } from './orchestrator.ts';
import type { Detection, OrchestratorEntry } from './orchestrator-entry.ts';
import { selectOrchestrator } from './select-orchestrator.ts';

/** An entry of a made-up orchestrator: selection knows none by name. */
const entry = (kind: string, detection: Detection, asked: string[] = []): OrchestratorEntry => ({
  kind,
  unanswered: { staying: `${kind} stays`, passing: `${kind} passed over` },
  detect: async () => {
    asked.push(kind);
    return detection;
  },
  open: async () => ({ kind }) as Orchestrator,
});

describe('selecting an orchestrator from the registry', () => {
  let stateDir: string;
  let warnings: string[];
  const logger = { info() {}, warn: (m: string) => warnings.push(m), error() {} } as unknown as Logger;
  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'cameleer-select-'));
    warnings = [];
  });
  afterEach(async () => {
    await rm(stateDir, { recursive: true, force: true });
  });
  const select = (entries: OrchestratorEntry[], env: NodeJS.ProcessEnv = {}) =>
    selectOrchestrator(entries, { config: parseRunnerConfig(env), stateDir, logger, pingTimeoutMs: 10 });

  it('takes the first one at hand, in registry order, and remembers it', async () => {
    const chosen = await select([
      entry('k8s', 'absent'),
      entry('engine', 'unanswered'),
      entry('local', 'ready'),
    ]);
    expect(chosen?.kind).toBe('local');
    expect(await readFile(join(stateDir, 'orchestrator'), 'utf8')).toBe('local\n');
    expect(warnings).toEqual(['engine passed over']);
  });

  it('stays on the remembered one while it does not answer, asking it once', async () => {
    await writeFile(join(stateDir, 'orchestrator'), 'engine\n');
    const asked: string[] = [];
    const chosen = await select([entry('engine', 'unanswered', asked), entry('local', 'ready', asked)]);
    expect(chosen?.kind).toBe('engine');
    expect(asked).toEqual(['engine']);
    expect(warnings).toEqual(['engine stays']);
  });

  it('leaves a remembered one that is gone', async () => {
    await writeFile(join(stateDir, 'orchestrator'), 'engine\n');
    expect((await select([entry('engine', 'absent'), entry('local', 'ready')]))?.kind).toBe('local');
  });

  it('follows CAMELEER_ORCHESTRATOR, and says so when it names none', async () => {
    const entries = [entry('engine', 'ready'), entry('local', 'absent')];
    expect((await select(entries, { CAMELEER_ORCHESTRATOR: 'local' }))?.kind).toBe('local');
    // A forced choice is remembered, but one that is not at hand is not kept without the override.
    expect((await select(entries, { CAMELEER_ORCHESTRATOR: 'mainframe' }))?.kind).toBe('engine');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/CAMELEER_ORCHESTRATOR names no orchestrator/);
  });

  it('has none when nothing is at hand', async () => {
    expect(await select([entry('engine', 'absent'), entry('local', 'absent')])).toBeUndefined();
  });
});
