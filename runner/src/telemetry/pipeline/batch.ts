import { randomUUID } from 'node:crypto';
import type { TelemetryTable } from '../rows.ts';

/**
 * Rows of one table sent to ClickHouse in one insert. The id is made once, when the batch is
 * started, and is the insert's deduplication token on every attempt, from memory or from the spool,
 * before or after a restart: ClickHouse stores the batch once however often it is sent.
 */
export type Batch = {
  id: string;
  table: TelemetryTable;
  /**
   * The columns of a JSONCompactEachRow body (one JSON array per row, values in this order); absent
   * for a JSONEachRow body (one object per row), as spooled by runners before compact rows.
   */
  columns?: readonly string[];
  /** The rows' text, one row per line; serialised once, at intake. */
  chunks: string[];
  rows: number;
  bytes: number;
  startedAt: number;
};

export function startBatch(table: TelemetryTable, columns?: readonly string[], now = Date.now()): Batch {
  return {
    id: `bat_${randomUUID()}`,
    table,
    ...(columns ? { columns } : {}),
    chunks: [],
    rows: 0,
    bytes: 0,
    startedAt: now,
  };
}

export function batchBody(batch: Batch): string {
  if (batch.chunks.length !== 1) batch.chunks = [batch.chunks.join('')];
  return batch.chunks[0] ?? '';
}

/** The INSERT statement of a batch's body. */
export function batchInsertQuery(batch: Batch): string {
  return batch.columns
    ? `INSERT INTO ${batch.table} (${batch.columns.join(', ')}) FORMAT JSONCompactEachRow`
    : `INSERT INTO ${batch.table} FORMAT JSONEachRow`;
}
