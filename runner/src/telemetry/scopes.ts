/**
 * Which deployments' telemetry this runner takes, and whose it is: deploymentId → scope, filled by
 * the deploy handler from the signed command and kept on disk so that stdout capture and the
 * intake's liveness check survive a runner restart.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { AppRef } from '../orchestrators/orchestrator.ts';
import { writeFileAtomic } from '../state/atomic-file.ts';
import type { TelemetryScope } from './rows.ts';

const Entry = z.object({
  ref: z.object({ tenant: z.string(), environment: z.string(), app: z.string() }),
  scope: z.object({
    tenantId: z.string(),
    environment: z.string(),
    app: z.string(),
    deploymentId: z.string(),
    retentionDays: z.number().int().positive(),
  }),
});
type Entry = z.infer<typeof Entry>;

const ScopesFile = z.object({ v: z.literal(1), deployments: z.record(z.string(), z.unknown()) });

export class TelemetryScopes {
  #writes: Promise<void> = Promise.resolve();

  private constructor(
    readonly path: string,
    private readonly entries: Map<string, Entry>,
  ) {}

  /** Reads `<stateDir>/telemetry/scopes.json`; a missing file is an empty map, unreadable entries are dropped. */
  static async open(stateDir: string): Promise<TelemetryScopes> {
    const path = join(stateDir, 'telemetry', 'scopes.json');
    const entries = new Map<string, Entry>();
    const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    const file = text === undefined ? undefined : ScopesFile.safeParse(safeJson(text));
    for (const [deploymentId, value] of Object.entries(file?.data?.deployments ?? {})) {
      const entry = Entry.safeParse(value);
      if (entry.success && entry.data.scope.deploymentId === deploymentId)
        entries.set(deploymentId, entry.data);
    }
    return new TelemetryScopes(path, entries);
  }

  get(deploymentId: string): TelemetryScope | undefined {
    return this.entries.get(deploymentId)?.scope;
  }

  /** Whether the deployment runs here (as far as its telemetry goes): the intake's `isLive`. */
  has(deploymentId: string): boolean {
    return this.entries.has(deploymentId);
  }

  list(): TelemetryScope[] {
    return [...this.entries.values()].map((e) => e.scope);
  }

  async set(ref: AppRef, scope: TelemetryScope): Promise<void> {
    this.entries.set(scope.deploymentId, { ref: { ...ref }, scope: { ...scope } });
    await this.#save();
  }

  async delete(deploymentId: string): Promise<void> {
    if (this.entries.delete(deploymentId)) await this.#save();
  }

  /** Forgets every deployment of the app but `keep`: after a new one took over, or the app was removed. */
  async forgetApp(ref: AppRef, keep?: string): Promise<void> {
    let changed = false;
    for (const [id, entry] of this.entries) {
      if (id === keep || !sameRef(entry.ref, ref)) continue;
      this.entries.delete(id);
      changed = true;
    }
    if (changed) await this.#save();
  }

  /** Writes are queued and atomic (temp file, then rename): a crash leaves the old file or the new one. */
  #save(): Promise<void> {
    const snapshot = JSON.stringify({ v: 1, deployments: Object.fromEntries(this.entries) });
    const write = this.#writes.then(async () => {
      await mkdir(join(this.path, '..'), { recursive: true, mode: 0o700 });
      await writeFileAtomic(this.path, snapshot);
    });
    this.#writes = write.catch(() => {});
    return write;
  }
}

function sameRef(a: AppRef, b: AppRef): boolean {
  return a.tenant === b.tenant && a.environment === b.environment && a.app === b.app;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
