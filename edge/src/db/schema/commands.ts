import { sql } from 'drizzle-orm';
import { bigint, index, jsonb, pgTable, text, timestamp, unique } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, tenantIdColumn } from './columns.ts';
import { runners } from './runners.ts';

export const commandStates = ['queued', 'sent', 'acked', 'succeeded', 'failed'] as const;
export type CommandState = (typeof commandStates)[number];

/**
 * A command for one runner, stored before it is sent. `seq` orders a runner's
 * commands; delivery is at-least-once and the runner de-duplicates by id.
 */
export const commands = pgTable(
  'commands',
  {
    id: idColumn('cmd'),
    tenantId: tenantIdColumn(),
    runnerId: text('runner_id')
      .notNull()
      .references(() => runners.id, { onDelete: 'cascade' }),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    kind: text('kind').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    state: text('state', { enum: commandStates }).notNull().default('queued'),
    createdBy: text('created_by'),
    createdAt: createdAt(),
    deadline: timestamp('deadline', { withTimezone: true }).notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    ackedAt: timestamp('acked_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    output: jsonb('output'),
    error: text('error'),
  },
  (t) => [
    unique('commands_runner_seq').on(t.runnerId, t.seq),
    index('commands_open').on(t.runnerId, t.state, t.seq),
    // A failed exchange's replays, found by the exchange id in their payload (failed-exchange lists).
    index('commands_replays')
      .on(t.tenantId, sql`(${t.payload}->>'exchangeId')`)
      .where(sql`${t.kind} = 'replay'`),
  ],
);

/** Progress lines a runner streamed for a command, in order. */
export const commandEvents = pgTable(
  'command_events',
  {
    id: idColumn('cev'),
    tenantId: tenantIdColumn(),
    commandId: text('command_id')
      .notNull()
      .references(() => commands.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    message: text('message').notNull(),
  },
  (t) => [index('command_events_command').on(t.commandId, t.id)],
);

export type CommandRow = typeof commands.$inferSelect;
