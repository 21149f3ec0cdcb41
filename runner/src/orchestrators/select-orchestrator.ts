/**
 * Picks the orchestrator from the registry: the one CAMELEER_ORCHESTRATOR names, else the one chosen
 * before when it is still here, else the first at hand. The first choice is kept in the state dir: a
 * runner whose engine is slow to come back after a reboot must not start the same apps again as
 * processes (nor the reverse).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Orchestrator } from './orchestrator.ts';
import type { Detection, OrchestratorContext, OrchestratorEntry } from './orchestrator-entry.ts';

export async function selectOrchestrator(
  entries: readonly OrchestratorEntry[],
  ctx: OrchestratorContext,
): Promise<Orchestrator | undefined> {
  const entry = await pickEntry(entries, ctx);
  return entry?.open(ctx);
}

async function pickEntry(
  entries: readonly OrchestratorEntry[],
  ctx: OrchestratorContext,
): Promise<OrchestratorEntry | undefined> {
  const { config, logger, stateDir } = ctx;
  const byKind = (kind: string | undefined) => entries.find((e) => e.kind === kind);
  const forced = config.CAMELEER_ORCHESTRATOR;
  if (forced) {
    const entry = byKind(forced);
    if (entry) return remember(stateDir, entry);
    logger.warn('CAMELEER_ORCHESTRATOR names no orchestrator this runner knows; choosing one', {
      orchestrator: forced,
      known: entries.map((e) => e.kind).join(', '),
    });
  }
  // Each is asked once: an engine that does not answer costs one ping timeout, not two.
  const detections = new Map<OrchestratorEntry, Promise<Detection>>();
  const detect = (entry: OrchestratorEntry) => {
    const known = detections.get(entry) ?? entry.detect(ctx);
    detections.set(entry, known);
    return known;
  };
  const previous = byKind(await recalled(stateDir));
  if (previous) {
    const found = await detect(previous);
    if (found === 'ready') return previous;
    if (found === 'unanswered') {
      if (previous.unanswered) logger.warn(previous.unanswered.staying);
      return previous;
    }
  }
  for (const entry of entries) {
    const found = await detect(entry);
    if (found === 'ready') return remember(stateDir, entry);
    if (found === 'unanswered' && entry.unanswered) logger.warn(entry.unanswered.passing);
  }
  return undefined;
}

const choiceFile = (stateDir: string) => join(stateDir, 'orchestrator');

async function recalled(stateDir: string): Promise<string | undefined> {
  return (await readFile(choiceFile(stateDir), 'utf8').catch(() => '')).trim() || undefined;
}

async function remember(stateDir: string, entry: OrchestratorEntry): Promise<OrchestratorEntry> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  await writeFile(choiceFile(stateDir), `${entry.kind}\n`, { mode: 0o600 });
  return entry;
}
