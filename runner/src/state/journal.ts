import { closeSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { z } from 'zod';
import { writeFileAtomic } from './state-dir.ts';

export const CommandOutcome = z.object({
  status: z.enum(['succeeded', 'failed']),
  output: z.unknown().optional(),
  error: z.string().optional(),
});
export type CommandOutcome = z.infer<typeof CommandOutcome>;

const Line = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('start'),
    commandId: z.string(),
    seq: z.number(),
    kind: z.string(),
    at: z.number(),
  }),
  z.object({ op: z.literal('finish'), commandId: z.string(), outcome: CommandOutcome, at: z.number() }),
  z.object({ op: z.literal('delivered'), commandId: z.string() }),
]);
type Line = z.infer<typeof Line>;

export type JournalEntry = {
  commandId: string;
  seq: number;
  kind: string;
  startedAt: number;
  outcome?: CommandOutcome;
  finishedAt?: number;
  /** The edge has (as far as the transport can tell) received the result. */
  delivered: boolean;
};

export const interruptedReason = 'interrupted by a runner restart';

/**
 * `durable` lines are fsynced before the call returns. `buffered` lines reach the file but not
 * necessarily the disk: only for commands whose replay after a crash is harmless (reads), since
 * a lost line means the edge re-sends the command and the runner runs it again.
 */
export type Durability = 'durable' | 'buffered';

/**
 * What the runner did with each command, appended and fsynced before and after it runs, so a
 * restart neither re-runs a finished command nor runs one twice that was cut off halfway.
 */
export class CommandJournal {
  private readonly entries = new Map<string, JournalEntry>();
  private fd: number;
  private lines = 0;

  private constructor(
    private readonly path: string,
    private readonly maxEntries: number,
  ) {
    this.fd = openSync(path, 'a', 0o600);
  }

  static open(path: string, opts: { now?: () => number; maxEntries?: number } = {}): CommandJournal {
    const journal = new CommandJournal(path, opts.maxEntries ?? 10_000);
    journal.load();
    const now = opts.now ?? Date.now;
    for (const entry of journal.entries.values()) {
      if (!entry.outcome)
        journal.finish(entry.commandId, { status: 'failed', error: interruptedReason }, now());
    }
    journal.compact();
    return journal;
  }

  get(commandId: string): JournalEntry | undefined {
    return this.entries.get(commandId);
  }

  start(
    command: { commandId: string; seq: number; kind: string },
    at = Date.now(),
    durability: Durability = 'durable',
  ): JournalEntry {
    this.append({ op: 'start', ...command, at }, durability);
    return this.require(command.commandId);
  }

  finish(
    commandId: string,
    outcome: CommandOutcome,
    at = Date.now(),
    durability: Durability = 'durable',
  ): JournalEntry {
    this.append({ op: 'finish', commandId, outcome, at }, durability);
    return this.require(commandId);
  }

  markDelivered(commandId: string): void {
    const entry = this.entries.get(commandId);
    if (!entry || entry.delivered || !entry.outcome) return;
    // Only a hint: if it is lost in a crash the result is sent again and the edge ignores
    // the duplicate, so it is written without waiting for the disk.
    this.append({ op: 'delivered', commandId }, 'buffered');
  }

  /** Finished commands whose result may not have reached the edge, oldest first. */
  undelivered(): JournalEntry[] {
    return [...this.entries.values()]
      .filter((e) => e.outcome && !e.delivered)
      .sort((a, b) => (a.finishedAt ?? 0) - (b.finishedAt ?? 0));
  }

  get size(): number {
    return this.entries.size;
  }

  close(): void {
    closeSync(this.fd);
  }

  private require(commandId: string): JournalEntry {
    const entry = this.entries.get(commandId);
    if (!entry) throw new Error(`journal has no command ${commandId}`);
    return entry;
  }

  private append(line: Line, durability: Durability): void {
    this.apply(line);
    writeSync(this.fd, `${JSON.stringify(line)}\n`);
    if (durability === 'durable') fsyncSync(this.fd);
    this.lines += 1;
    if (this.lines > 1000 && this.lines > 4 * this.entries.size) this.compact();
  }

  private apply(line: Line): void {
    if (line.op === 'start') {
      if (this.entries.has(line.commandId)) return;
      const { commandId, seq, kind, at } = line;
      this.entries.set(commandId, { commandId, seq, kind, startedAt: at, delivered: false });
      return;
    }
    const entry = this.entries.get(line.commandId);
    if (!entry) return;
    if (line.op === 'finish') {
      entry.outcome = line.outcome;
      entry.finishedAt = line.at;
      entry.delivered = false;
    } else {
      entry.delivered = true;
    }
  }

  private load(): void {
    let text = '';
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      return;
    }
    for (const raw of text.split('\n')) {
      if (!raw.trim()) continue;
      try {
        const parsed = Line.safeParse(JSON.parse(raw));
        if (parsed.success) this.apply(parsed.data);
      } catch {
        // a line torn by a crash mid-write: the command it describes was never acknowledged
      }
      this.lines += 1;
    }
  }

  /** Rewrites the journal as one snapshot, forgetting the oldest delivered commands past `maxEntries`. */
  private compact(): void {
    const all = [...this.entries.values()].sort((a, b) => a.startedAt - b.startedAt);
    let excess = all.length - this.maxEntries;
    for (const entry of all) {
      if (excess <= 0) break;
      if (entry.delivered) {
        this.entries.delete(entry.commandId);
        excess -= 1;
      }
    }
    const lines: Line[] = [];
    for (const e of this.entries.values()) {
      lines.push({ op: 'start', commandId: e.commandId, seq: e.seq, kind: e.kind, at: e.startedAt });
      if (e.outcome)
        lines.push({ op: 'finish', commandId: e.commandId, outcome: e.outcome, at: e.finishedAt ?? 0 });
      if (e.delivered) lines.push({ op: 'delivered', commandId: e.commandId });
    }
    closeSync(this.fd);
    writeFileAtomic(this.path, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
    this.fd = openSync(this.path, 'a', 0o600);
    this.lines = lines.length;
  }
}
