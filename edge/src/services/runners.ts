import type { Capability, InventoryItem, Transport } from '@cameleer/shared';
import { and, asc, count, eq, inArray } from 'drizzle-orm';
import { sha256Hex } from '../auth/hash.ts';
import type { Clock } from '../clock.ts';
import { type Db, withTenant } from '../db/client.ts';
import { findRegistrationTokenByHash } from '../db/queries/registration-tokens.ts';
import { commands, runners, tenants } from '../db/schema/index.ts';
import { NotFound, Unauthenticated } from '../errors.ts';
import { recordAudit } from './audit.ts';
import type { TenantContext } from './context.ts';
import { assertRoomFor } from './limits.ts';
import { consumeRegistrationToken } from './registration-tokens.ts';
import { recordUsage, usageCodes } from './usage.ts';

export type RegisterRunnerInput = {
  token: string;
  name: string;
  publicKey: string;
  version: string;
  capabilities: Capability[];
};

/** Trades a one-time registration token for a runner identity bound to the runner's public key. */
export async function registerRunner({
  db,
  clock,
  requestId,
  input,
}: {
  db: Db;
  clock: Clock;
  requestId: string;
  input: RegisterRunnerInput;
}) {
  const token = await findRegistrationTokenByHash(db, await sha256Hex(input.token));
  const refused = new Unauthenticated(
    'This registration token is unknown, used or expired; create a new one',
  );
  if (!token) throw refused;
  return withTenant(db, token.tenantId, async (tx) => {
    await assertRoomFor({ db: tx, tenantId: token.tenantId }, 'runners');
    const [runner] = await tx
      .insert(runners)
      .values({
        tenantId: token.tenantId,
        name: input.name,
        publicKey: input.publicKey,
        environments: token.environments,
        version: input.version,
        capabilities: input.capabilities,
      })
      .returning();
    if (!runner) throw new Error('insert returned nothing');
    const ctx = { db: tx, tenantId: token.tenantId, clock };
    if (!(await consumeRegistrationToken(ctx, token.id, runner.id))) throw refused;
    await recordUsage(ctx, {
      transactionId: `runner:${runner.id}`,
      code: usageCodes.runner,
      at: clock.now(),
      properties: { runner_id: runner.id },
    });
    const [tenant] = await tx.select().from(tenants).where(eq(tenants.id, token.tenantId));
    await recordAudit(
      { ...ctx, requestId, actor: { type: 'system', id: `registration-token:${token.id}`, role: 'system' } },
      {
        action: 'runner.register',
        targetType: 'runner',
        targetId: runner.id,
        status: 201,
        detail: { name: input.name },
      },
    );
    return { runner, tenantSlug: tenant?.slug ?? '' };
  });
}

export async function listRunners({ ctx }: { ctx: TenantContext }) {
  return ctx.db.select().from(runners).where(eq(runners.tenantId, ctx.tenantId)).orderBy(asc(runners.id));
}

/** Commands not yet finished (queued, sent or acknowledged), per runner of the tenant. */
export async function commandsInFlight({ ctx }: { ctx: Pick<TenantContext, 'db' | 'tenantId'> }) {
  const rows = await ctx.db
    .select({ runnerId: commands.runnerId, n: count() })
    .from(commands)
    .where(and(eq(commands.tenantId, ctx.tenantId), inArray(commands.state, ['queued', 'sent', 'acked'])))
    .groupBy(commands.runnerId);
  return new Map(rows.map((r) => [r.runnerId, r.n]));
}

export async function getRunner({
  ctx,
  input,
}: {
  ctx: Pick<TenantContext, 'db' | 'tenantId'>;
  input: { runnerId: string };
}) {
  const [row] = await ctx.db
    .select()
    .from(runners)
    .where(and(eq(runners.tenantId, ctx.tenantId), eq(runners.id, input.runnerId)))
    .limit(1);
  if (!row) throw new NotFound(`Runner ${input.runnerId}`);
  return row;
}

/** Revokes at once: the credential stops verifying; the caller drops the live connection. */
export async function revokeRunner({ ctx, input }: { ctx: TenantContext; input: { runnerId: string } }) {
  const current = await getRunner({ ctx, input });
  if (!current.revokedAt) {
    await ctx.db
      .update(runners)
      .set({ revokedAt: ctx.clock.now() })
      .where(and(eq(runners.tenantId, ctx.tenantId), eq(runners.id, current.id)));
  }
  await recordAudit(ctx, {
    action: 'runner.revoke',
    targetType: 'runner',
    targetId: current.id,
    status: 204,
  });
}

/** What a runner reports on every connect; the edge keeps its inventory to reconcile desired and actual state. */
export async function recordHello(
  ctx: Pick<TenantContext, 'db' | 'tenantId' | 'clock'>,
  runnerId: string,
  hello: {
    runnerVersion: string;
    capabilities: Capability[];
    inventory: InventoryItem[];
    transport: Transport;
  },
) {
  const now = ctx.clock.now();
  await ctx.db
    .update(runners)
    .set({
      version: hello.runnerVersion,
      capabilities: hello.capabilities,
      inventory: hello.inventory,
      transport: hello.transport,
      connectedAt: now,
      lastSeenAt: now,
    })
    .where(and(eq(runners.tenantId, ctx.tenantId), eq(runners.id, runnerId)));
}

export async function touchRunner(ctx: Pick<TenantContext, 'db' | 'tenantId' | 'clock'>, runnerId: string) {
  await ctx.db
    .update(runners)
    .set({ lastSeenAt: ctx.clock.now() })
    .where(and(eq(runners.tenantId, ctx.tenantId), eq(runners.id, runnerId)));
}

/** A runner's inventory, sent again whenever what it runs changed. */
export async function recordInventory(
  ctx: Pick<TenantContext, 'db' | 'tenantId' | 'clock'>,
  runnerId: string,
  inventory: InventoryItem[],
) {
  await ctx.db
    .update(runners)
    .set({ inventory, lastSeenAt: ctx.clock.now() })
    .where(and(eq(runners.tenantId, ctx.tenantId), eq(runners.id, runnerId)));
}
