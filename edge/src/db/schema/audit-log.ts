import { index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { idColumn, tenantIdColumn } from './columns.ts';

export const auditLog = pgTable(
  'audit_log',
  {
    id: idColumn('aud'),
    tenantId: tenantIdColumn(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actorType: text('actor_type', { enum: ['user', 'api-token', 'system'] }).notNull(),
    actorId: text('actor_id').notNull(),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    outcome: text('outcome', { enum: ['success', 'failure', 'denied'] }).notNull(),
    status: integer('status').notNull(),
    requestId: text('request_id'),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('audit_log_tenant_at').on(t.tenantId, t.at)],
);

export type AuditRow = typeof auditLog.$inferSelect;
