import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { z } from 'zod';
import { writeFileAtomic } from '../../state/atomic-file.ts';
import { telemetryTables } from '../rows.ts';
import type { Batch } from './batch.ts';
import { columnName } from './row-lines.ts';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/**
 * First line of a spool file; the rest is the batch's body: JSONEachRow (v1), or JSONCompactEachRow
 * in the order of `columns` (v2). A runner of before v2 sets a v2 file aside rather than misread it.
 */
const SpoolHeader = z.union([
  z.object({
    v: z.literal(1),
    id: z.string().min(1),
    table: z.enum(telemetryTables),
    rows: z.number().int().nonnegative(),
  }),
  z.object({
    v: z.literal(2),
    id: z.string().min(1),
    table: z.enum(telemetryTables),
    rows: z.number().int().nonnegative(),
    columns: z.array(z.string().regex(columnName)).min(1),
  }),
]);

export type SpoolEntry = { seq: number; file: string; bytes: number; rows: number };

/** A file name: the sequence (zero-padded, so names sort like numbers) and the row count. */
const entryName = /^(\d{16})\.(\d+)\.jsonl\.gz$/;

export class SpoolFileCorrupt extends Error {}

/**
 * Batches ClickHouse could not take, on disk, oldest first: one gzip'd file per batch, written
 * atomically (temporary file, fsync, rename, fsync of the directory) and named by a sequence that
 * only grows, so a restarted runner replays them in the order they came. The caller deletes a file
 * only after ClickHouse stored its batch.
 */
export type Spool = {
  readonly dir: string;
  /** Files on disk, oldest first. */
  readonly entries: readonly SpoolEntry[];
  readonly bytes: number;
  readonly rows: number;
  append(batch: Batch, body: string): Promise<SpoolEntry>;
  read(entry: SpoolEntry): Promise<Batch>;
  remove(entry: SpoolEntry): Promise<void>;
  /** Moves a file ClickHouse keeps refusing out of the queue, into `dead/`, for a person to look at. */
  setAside(entry: SpoolEntry): Promise<void>;
};

export async function openSpool(dir: string): Promise<Spool> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const entries: SpoolEntry[] = [];
  for (const name of await readdir(dir)) {
    // A temporary file is a write a crash interrupted: its batch was never reported spilled.
    if (name.endsWith('.tmp')) {
      await rm(join(dir, name), { force: true });
      continue;
    }
    const match = entryName.exec(name);
    if (!match) continue;
    const file = join(dir, name);
    entries.push({ seq: Number(match[1]), rows: Number(match[2]), file, bytes: (await stat(file)).size });
  }
  entries.sort((a, b) => a.seq - b.seq);
  let nextSeq = (entries.at(-1)?.seq ?? 0) + 1;
  let bytes = entries.reduce((sum, e) => sum + e.bytes, 0);
  let rows = entries.reduce((sum, e) => sum + e.rows, 0);

  const forget = (entry: SpoolEntry) => {
    const at = entries.indexOf(entry);
    if (at < 0) return;
    entries.splice(at, 1);
    bytes -= entry.bytes;
    rows -= entry.rows;
  };

  return {
    dir,
    entries,
    get bytes() {
      return bytes;
    },
    get rows() {
      return rows;
    },
    async append(batch, body) {
      const seq = nextSeq++;
      const { id, table, rows: count, columns } = batch;
      const header = JSON.stringify(
        columns ? { v: 2, id, table, rows: count, columns } : { v: 1, id, table, rows: count },
      );
      const data = await gzipAsync(`${header}\n${body}`);
      const file = join(dir, `${String(seq).padStart(16, '0')}.${batch.rows}.jsonl.gz`);
      await writeFileAtomic(file, data);
      const entry = { seq, file, bytes: data.length, rows: batch.rows };
      // Appends can finish out of order only if callers run them concurrently; keep the queue sorted anyway.
      let at = entries.length;
      while (at > 0 && (entries[at - 1]?.seq ?? 0) > seq) at--;
      entries.splice(at, 0, entry);
      bytes += entry.bytes;
      rows += entry.rows;
      return entry;
    },
    async read(entry) {
      let text: string;
      try {
        text = (await gunzipAsync(await readFile(entry.file))).toString('utf8');
      } catch (error) {
        throw new SpoolFileCorrupt(`${entry.file}: ${(error as Error).message}`);
      }
      const newline = text.indexOf('\n');
      const header = SpoolHeader.safeParse(safeJson(newline < 0 ? text : text.slice(0, newline)));
      if (!header.success) throw new SpoolFileCorrupt(`${entry.file}: bad header`);
      const body = newline < 0 ? '' : text.slice(newline + 1);
      const { id, table, rows: count } = header.data;
      const columns = header.data.v === 2 ? { columns: header.data.columns } : {};
      return { id, table, ...columns, chunks: [body], rows: count, bytes: body.length, startedAt: 0 };
    },
    async remove(entry) {
      await rm(entry.file, { force: true });
      forget(entry);
    },
    async setAside(entry) {
      const dead = join(dir, 'dead');
      await mkdir(dead, { recursive: true, mode: 0o700 });
      await rename(entry.file, join(dead, entry.file.slice(dir.length + 1)));
      forget(entry);
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
