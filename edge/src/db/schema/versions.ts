import { bigint, integer, pgTable, text, unique } from 'drizzle-orm/pg-core';
import { apps } from './apps.ts';
import { createdAt, idColumn, tenantIdColumn } from './columns.ts';

/** An uploaded, validated JAR of an app. The bytes live in the artifact store under `storageKey`. */
export const appVersions = pgTable(
  'app_versions',
  {
    id: idColumn('ver'),
    tenantId: tenantIdColumn(),
    appId: text('app_id')
      .notNull()
      .references(() => apps.id, { onDelete: 'cascade' }),
    /** 1, 2, 3… per app; the default label is `v{number}`. */
    number: integer('number').notNull(),
    label: text('label').notNull(),
    sha256: text('sha256').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    mainClass: text('main_class').notNull(),
    filename: text('filename'),
    storageKey: text('storage_key').notNull(),
    createdByType: text('created_by_type').notNull(),
    createdById: text('created_by_id').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    unique('app_versions_app_sha256').on(t.appId, t.sha256),
    unique('app_versions_app_number').on(t.appId, t.number),
    unique('app_versions_app_label').on(t.appId, t.label),
  ],
);

export type AppVersionRow = typeof appVersions.$inferSelect;
