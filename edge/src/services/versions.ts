import { newId } from '@cameleer/shared';
import { and, desc, eq, max, or } from 'drizzle-orm';
import { type ArtifactStore, readAll } from '../artifacts/artifact-store.ts';
import { InvalidJar, inspectJar } from '../artifacts/jar-inspection.ts';
import {
  defaultArtifactUrlTtlSeconds,
  signArtifactGrant,
  verifyArtifactGrant,
} from '../artifacts/signed-url.ts';
import { type Db, withTenant } from '../db/client.ts';
import { type AppRow, appVersions } from '../db/schema/index.ts';
import type { Services } from '../env.ts';
import { AppError, Forbidden, NotFound } from '../errors.ts';
import { recordAudit } from './audit.ts';
import type { TenantContext } from './context.ts';

export const defaultMaxArtifactBytes = 200 * 1024 ** 2;

/** An upload runs outside any one transaction: the bytes stream first, the row is written after validation. */
export type UploadContext = Omit<TenantContext, 'db'> & { db: Db; store: ArtifactStore };

export type UploadInput = {
  app: AppRow;
  body: ReadableStream<Uint8Array>;
  maxBytes: number;
  filename?: string;
  label?: string;
};

/**
 * Streams a JAR into a temporary key (hashed and size-capped as it goes), validates it,
 * and only then records the version and moves the bytes to their final key. Any
 * failure removes the temporary bytes. The same bytes uploaded again to the same
 * app return the existing version (`created: false`).
 */
export async function uploadVersion({ ctx, input }: { ctx: UploadContext; input: UploadInput }) {
  const tempKey = `tmp/${newId('art')}`;
  let tooLarge = false;
  let seen = 0;
  const capped = input.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > input.maxBytes) {
          tooLarge = true;
          controller.error(new Error('artifact over the size cap'));
          return;
        }
        controller.enqueue(chunk);
      },
    }),
  );
  try {
    let stored: { size: number; sha256: string };
    try {
      stored = await ctx.store.put(tempKey, capped);
    } catch (err) {
      if (tooLarge) throw new AppError('payload-too-large', `A JAR may be at most ${input.maxBytes} bytes`);
      throw err;
    }
    if (stored.size === 0) throw new AppError('invalid-artifact', 'The request body is empty: send the JAR');
    const read = async (offset: number, length: number) => {
      const stream = await ctx.store.get(tempKey, { offset, length });
      if (!stream) throw new Error(`temporary artifact ${tempKey} vanished`);
      return readAll(stream);
    };
    let mainClass: string;
    try {
      ({ mainClass } = await inspectJar(read, stored.size));
    } catch (err) {
      if (err instanceof InvalidJar) throw new AppError('invalid-artifact', err.message);
      throw err;
    }
    return await withTenant(ctx.db, ctx.tenantId, (db) =>
      recordVersion({ ...ctx, db }, { ...input, ...stored, mainClass, tempKey }),
    );
  } finally {
    await ctx.store.delete(tempKey);
  }
}

async function recordVersion(
  ctx: UploadContext,
  v: UploadInput & { size: number; sha256: string; mainClass: string; tempKey: string },
) {
  const [existing] = await ctx.db
    .select()
    .from(appVersions)
    .where(
      and(
        eq(appVersions.tenantId, ctx.tenantId),
        eq(appVersions.appId, v.app.id),
        eq(appVersions.sha256, v.sha256),
      ),
    )
    .limit(1);
  if (existing) {
    await recordAudit(ctx, {
      action: 'version.create',
      targetType: 'version',
      targetId: existing.id,
      detail: { app: v.app.name, sha256: v.sha256, reused: true },
    });
    return { version: existing, created: false };
  }
  const [last] = await ctx.db
    .select({ number: max(appVersions.number) })
    .from(appVersions)
    .where(and(eq(appVersions.tenantId, ctx.tenantId), eq(appVersions.appId, v.app.id)));
  const number = (last?.number ?? 0) + 1;
  const id = newId('ver');
  const storageKey = `tenants/${ctx.tenantId}/apps/${v.app.id}/${id}.jar`;
  const [row] = await ctx.db
    .insert(appVersions)
    .values({
      id,
      tenantId: ctx.tenantId,
      appId: v.app.id,
      number,
      label: v.label ?? `v${number}`,
      sha256: v.sha256,
      sizeBytes: v.size,
      mainClass: v.mainClass,
      filename: v.filename ?? null,
      storageKey,
      createdByType: ctx.actor.type,
      createdById: ctx.actor.id,
      createdAt: ctx.clock.now(),
    })
    .returning();
  if (!row) throw new Error('insert returned nothing');
  await recordAudit(ctx, {
    action: 'version.create',
    targetType: 'version',
    targetId: row.id,
    status: 201,
    detail: { app: v.app.name, label: row.label, sha256: row.sha256, size: row.sizeBytes },
  });
  // Last, inside the transaction: if the move fails the row rolls back with it.
  await ctx.store.move(v.tempKey, storageKey);
  return { version: row, created: true };
}

export async function listVersions({ ctx, input }: { ctx: TenantContext; input: { appId: string } }) {
  return ctx.db
    .select()
    .from(appVersions)
    .where(and(eq(appVersions.tenantId, ctx.tenantId), eq(appVersions.appId, input.appId)))
    .orderBy(desc(appVersions.number));
}

/** A version of an app named by id or label. */
export async function getVersion({
  ctx,
  input,
}: {
  ctx: TenantContext;
  input: { appId: string; version: string };
}) {
  const [row] = await ctx.db
    .select()
    .from(appVersions)
    .where(
      and(
        eq(appVersions.tenantId, ctx.tenantId),
        eq(appVersions.appId, input.appId),
        or(eq(appVersions.id, input.version), eq(appVersions.label, input.version)),
      ),
    )
    .limit(1);
  if (!row) throw new NotFound(`Version ${input.version}`);
  return row;
}

function urlKeyOf(services: Services): CryptoKey {
  if (!services.artifactUrlKey)
    throw new AppError(
      'unavailable',
      'Artifact downloads are not configured on this edge (on Workers: set CAMELEER_ARTIFACT_URL_KEY)',
    );
  return services.artifactUrlKey;
}

/** A link a runner can fetch the version's JAR from, without other credentials, until it expires. */
export async function signedArtifactUrl(
  services: Services,
  input: { tenantId: string; versionId: string; ttlSeconds?: number },
): Promise<{ url: string; path: string; expiresAt: Date }> {
  const ttl = input.ttlSeconds ?? defaultArtifactUrlTtlSeconds;
  const expires = Math.floor(services.clock.now().getTime() / 1000) + ttl;
  const grant = { tenantId: input.tenantId, versionId: input.versionId, expires };
  const sig = await signArtifactGrant(urlKeyOf(services), grant);
  const query = new URLSearchParams({ tenant: input.tenantId, expires: String(expires), sig });
  const path = `/api/artifacts/${encodeURIComponent(input.versionId)}?${query}`;
  return {
    url: `${services.settings.publicUrl.replace(/\/$/, '')}${path}`,
    path,
    expiresAt: new Date(expires * 1000),
  };
}

/** Checks a signed link and opens the artifact it grants. */
export async function openSignedArtifact(
  services: Services,
  input: { tenantId: string; versionId: string; expires: number; sig: string },
) {
  const { tenantId, versionId, expires, sig } = input;
  const valid = await verifyArtifactGrant(
    urlKeyOf(services),
    { tenantId, versionId, expires },
    sig,
    services.clock.now().getTime(),
  );
  if (!valid) throw new Forbidden('This download link is expired or not valid');
  const store = services.artifactStore;
  if (!store)
    throw new AppError(
      'unavailable',
      'Artifact storage is not configured on this edge (on Workers: bind an R2 bucket as ARTIFACTS)',
    );
  const [version] = await withTenant(services.db, tenantId, (db) =>
    db
      .select()
      .from(appVersions)
      .where(and(eq(appVersions.tenantId, tenantId), eq(appVersions.id, versionId)))
      .limit(1),
  );
  const body = version ? await store.get(version.storageKey) : null;
  if (!version || !body) throw new NotFound(`Artifact ${versionId}`);
  return { version, body };
}
