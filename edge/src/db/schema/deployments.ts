import { deploymentStates } from '@cameleer/shared';
import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { apps } from './apps.ts';
import { createdAt, idColumn, tenantIdColumn, updatedAt } from './columns.ts';
import { environments } from './environments.ts';
import { appVersions } from './versions.ts';

export { type DeploymentState, deploymentStates } from '@cameleer/shared';

/** One version of an app in one environment, carried out by a runner through a `deploy` command. */
export const deployments = pgTable(
  'deployments',
  {
    id: idColumn('dep'),
    tenantId: tenantIdColumn(),
    appId: text('app_id')
      .notNull()
      .references(() => apps.id, { onDelete: 'cascade' }),
    environmentId: text('environment_id')
      .notNull()
      .references(() => environments.id, { onDelete: 'cascade' }),
    versionId: text('version_id')
      .notNull()
      .references(() => appVersions.id, { onDelete: 'cascade' }),
    runnerId: text('runner_id').notNull(),
    commandId: text('command_id'),
    state: text('state', { enum: deploymentStates }).notNull(),
    reason: text('reason').notNull().default(''),
    url: text('url'),
    /** SHA-256 of the resolved configuration and deploy settings it was created with (config-digest.ts); null before drift was tracked. */
    configDigest: text('config_digest'),
    createdBy: text('created_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('deployments_app_env').on(t.appId, t.environmentId, t.id),
    index('deployments_command').on(t.commandId),
  ],
);

/** Every state transition of a deployment, with its time and reason: the deployment timeline. */
export const deploymentEvents = pgTable(
  'deployment_events',
  {
    id: idColumn('dpe'),
    tenantId: tenantIdColumn(),
    deploymentId: text('deployment_id')
      .notNull()
      .references(() => deployments.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    state: text('state', { enum: deploymentStates }).notNull(),
    reason: text('reason').notNull().default(''),
  },
  (t) => [index('deployment_events_deployment').on(t.deploymentId, t.id)],
);

export type DeploymentRow = typeof deployments.$inferSelect;
