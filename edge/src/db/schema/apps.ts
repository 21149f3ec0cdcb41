import { boolean, doublePrecision, integer, pgTable, text, unique } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, tenantIdColumn, updatedAt } from './columns.ts';

export const apps = pgTable(
  'apps',
  {
    id: idColumn('app'),
    tenantId: tenantIdColumn(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    /** Deploy settings, sent with every deploy command. */
    private: boolean('private').notNull().default(false),
    /** The HTTP health check's path; null: the app is healthy once its process is up. */
    healthPath: text('health_path').default('/health'),
    writeableVolumes: text('writeable_volumes').array().notNull().default([]),
    memoryMb: integer('memory_mb').notNull().default(512),
    cpus: doublePrecision('cpus').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [unique('apps_tenant_name').on(t.tenantId, t.name)],
);

export type AppRow = typeof apps.$inferSelect;
