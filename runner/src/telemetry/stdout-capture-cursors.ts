/**
 * Where stdout capture stopped reading each instance, in `<stateDir>/telemetry/stdout-cursors.json`,
 * so a restarted runner neither captures a line twice nor skips one. Written atomically (temp file
 * and rename), one write at a time.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../state/atomic-file.ts';

const cursorFile = z.object({
  version: z.literal(1),
  instances: z.record(z.string(), z.object({ deploymentId: z.string(), cursor: z.string() })),
});

export type CursorEntry = { deploymentId: string; cursor: string };

export class CursorStore {
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;

  private constructor(
    private readonly path: string,
    private readonly entries: Map<string, CursorEntry>,
  ) {}

  static async open(stateDir: string): Promise<CursorStore> {
    const dir = join(stateDir, 'telemetry');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, 'stdout-cursors.json');
    const entries = new Map<string, CursorEntry>();
    try {
      const parsed = cursorFile.safeParse(JSON.parse(await readFile(path, 'utf8')));
      if (parsed.success)
        for (const [id, entry] of Object.entries(parsed.data.instances)) entries.set(id, entry);
    } catch {
      // none yet (or unreadable): every instance is read from its start
    }
    return new CursorStore(path, entries);
  }

  get(instanceId: string): CursorEntry | undefined {
    return this.entries.get(instanceId);
  }

  set(instanceId: string, entry: CursorEntry): void {
    this.entries.set(instanceId, entry);
    this.dirty = true;
  }

  /** Forgets instances that are gone for good. */
  retain(keep: (instanceId: string) => boolean): void {
    for (const id of this.entries.keys()) {
      if (!keep(id)) {
        this.entries.delete(id);
        this.dirty = true;
      }
    }
  }

  /** Writes when something changed since the last write. */
  save(): Promise<void> {
    if (!this.dirty) return this.writing;
    this.dirty = false;
    const text = JSON.stringify({ version: 1, instances: Object.fromEntries(this.entries) });
    this.writing = this.writing
      .catch(() => undefined)
      .then(async () => {
        await writeFileAtomic(this.path, text);
      })
      .catch((error: Error) => {
        this.dirty = true; // try again on the next save
        throw error;
      });
    return this.writing;
  }
}
