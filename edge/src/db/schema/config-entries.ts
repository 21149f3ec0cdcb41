import { sql } from 'drizzle-orm';
import { boolean, check, pgTable, text, unique } from 'drizzle-orm/pg-core';
import { apps } from './apps.ts';
import { idColumn, tenantIdColumn, updatedAt } from './columns.ts';
import { environments } from './environments.ts';

/**
 * One configuration value of a tenant, at one layer: global (no environment,
 * no app), an environment, an app, or an app in an environment. A secret keeps
 * only `value_encrypted`, sealed with the layer and key as additional data.
 */
export const configEntries = pgTable(
  'config_entries',
  {
    id: idColumn('cfg'),
    tenantId: tenantIdColumn(),
    environmentId: text('environment_id').references(() => environments.id, { onDelete: 'cascade' }),
    appId: text('app_id').references(() => apps.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    value: text('value'),
    valueEncrypted: text('value_encrypted'),
    secret: boolean('secret').notNull().default(false),
    updatedAt: updatedAt(),
    updatedBy: text('updated_by').notNull(),
  },
  (t) => [
    unique('config_entries_layer_key').on(t.tenantId, t.environmentId, t.appId, t.key).nullsNotDistinct(),
    check(
      'config_entries_one_value',
      sql`(${t.secret} and ${t.valueEncrypted} is not null and ${t.value} is null) or (not ${t.secret} and ${t.value} is not null and ${t.valueEncrypted} is null)`,
    ),
  ],
);

export type ConfigEntryRow = typeof configEntries.$inferSelect;
