import { and, asc, eq, or } from 'drizzle-orm';
import { type AppRow, apps } from '../db/schema/index.ts';
import { NotFound } from '../errors.ts';
import { recordAudit } from './audit.ts';
import type { TenantContext } from './context.ts';
import { assertMemoryAllowed, assertRoomFor } from './limits.ts';

export async function listApps({ ctx }: { ctx: TenantContext }) {
  return ctx.db.select().from(apps).where(eq(apps.tenantId, ctx.tenantId)).orderBy(asc(apps.name));
}

/** An app named by id or name. */
export async function getApp({ ctx, input }: { ctx: TenantContext; input: { app: string } }) {
  const [row] = await ctx.db
    .select()
    .from(apps)
    .where(and(eq(apps.tenantId, ctx.tenantId), or(eq(apps.id, input.app), eq(apps.name, input.app))))
    .limit(1);
  if (!row) throw new NotFound(`App ${input.app}`);
  return row;
}

/** How an app runs; the route validates the values. Unset ones keep their defaults (or current values). */
export type AppDeploySettings = Partial<
  Pick<AppRow, 'private' | 'healthPath' | 'writeableVolumes' | 'memoryMb' | 'cpus'>
>;

const deploySettingsOf = (input: AppDeploySettings): AppDeploySettings => ({
  private: input.private,
  healthPath: input.healthPath,
  writeableVolumes: input.writeableVolumes ? [...new Set(input.writeableVolumes)] : undefined,
  memoryMb: input.memoryMb,
  cpus: input.cpus,
});

export async function createApp({
  ctx,
  input,
}: {
  ctx: TenantContext;
  input: { name: string; description?: string } & AppDeploySettings;
}) {
  await assertRoomFor(ctx, 'apps');
  await assertMemoryAllowed(ctx, input.memoryMb);
  const [row] = await ctx.db
    .insert(apps)
    .values({
      tenantId: ctx.tenantId,
      name: input.name,
      description: input.description ?? '',
      ...deploySettingsOf(input),
    })
    .returning();
  if (!row) throw new Error('insert returned nothing');
  await recordAudit(ctx, { action: 'app.create', targetType: 'app', targetId: row.id, status: 201 });
  return row;
}

export async function updateApp({
  ctx,
  input,
}: {
  ctx: TenantContext;
  input: { app: string; description?: string } & AppDeploySettings;
}) {
  const current = await getApp({ ctx, input });
  await assertMemoryAllowed(ctx, input.memoryMb);
  const [row] = await ctx.db
    .update(apps)
    .set({
      description: input.description ?? current.description,
      ...deploySettingsOf(input),
      updatedAt: ctx.clock.now(),
    })
    .where(and(eq(apps.tenantId, ctx.tenantId), eq(apps.id, current.id)))
    .returning();
  if (!row) throw new NotFound(`App ${input.app}`);
  await recordAudit(ctx, {
    action: 'app.update',
    targetType: 'app',
    targetId: row.id,
    detail: { changed: Object.keys(input).filter((k) => k !== 'app') },
  });
  return row;
}

export async function deleteApp({ ctx, input }: { ctx: TenantContext; input: { app: string } }) {
  const current = await getApp({ ctx, input });
  await ctx.db.delete(apps).where(and(eq(apps.tenantId, ctx.tenantId), eq(apps.id, current.id)));
  await recordAudit(ctx, {
    action: 'app.delete',
    targetType: 'app',
    targetId: current.id,
    status: 204,
    detail: { name: current.name },
  });
}
