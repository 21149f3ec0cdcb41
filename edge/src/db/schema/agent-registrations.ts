import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { idColumn, tenantIdColumn } from './columns.ts';
import { deployments } from './deployments.ts';

/**
 * One agent that traded its deployment's bootstrap token for a session. The token's `jti` is unique
 * here: a bootstrap token is good for one registration, whoever presents it next is refused.
 */
export const agentRegistrations = pgTable(
  'agent_registrations',
  {
    id: idColumn('agt'),
    tenantId: tenantIdColumn(),
    deploymentId: text('deployment_id')
      .notNull()
      .references(() => deployments.id, { onDelete: 'cascade' }),
    jti: text('jti').notNull().unique(),
    registeredAt: timestamp('registered_at', { withTimezone: true }).notNull().defaultNow(),
    hostname: text('hostname'),
    agentVersion: text('agent_version'),
  },
  (t) => [index('agent_registrations_deployment').on(t.deploymentId)],
);

export type AgentRegistrationRow = typeof agentRegistrations.$inferSelect;
