import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { HonoEnv } from '../../env.ts';
import { AppError } from '../../errors.ts';
import { createRouter, errorResponses, jsonResponse, tenantRoute } from '../../openapi.ts';
import { getApp } from '../../services/apps.ts';
import {
  defaultMaxArtifactBytes,
  getVersion,
  listVersions,
  openSignedArtifact,
  uploadVersion,
} from '../../services/versions.ts';
import { AppParams } from '../apps/schema.ts';
import { inTenant } from '../context.ts';
import {
  DownloadParams,
  DownloadQuery,
  toVersionView,
  UploadQuery,
  uploadBody,
  uploadFilename,
  VersionParams,
  VersionView,
} from './schema.ts';

const tags = ['Versions'];
const jarTypes = new Set([
  'application/java-archive',
  'application/octet-stream',
  'application/x-java-archive',
]);

/** Uploads stream past the JSON body limit; their own cap applies while they stream. */
export function isArtifactUpload(method: string, path: string): boolean {
  return method === 'POST' && /^\/api\/tenants\/[^/]+\/apps\/[^/]+\/versions\/?$/.test(path);
}

const upload = tenantRoute({
  method: 'post',
  path: '/api/tenants/{tenant}/apps/{app}/versions',
  tags,
  summary: 'Upload a JAR as a new version of the app (the same bytes again return the existing version)',
  'x-permission': 'versions:write',
  'x-audit': 'version.create',
  request: { params: AppParams, query: UploadQuery, body: uploadBody },
  responses: {
    200: jsonResponse(VersionView, 'These bytes were uploaded before: the existing version'),
    201: jsonResponse(VersionView, 'Created'),
    ...errorResponses,
    413: { description: 'Over the size cap' },
    415: { description: 'Not sent as application/java-archive or application/octet-stream' },
  },
});

const list = tenantRoute({
  method: 'get',
  path: '/api/tenants/{tenant}/apps/{app}/versions',
  tags,
  summary: 'List the versions of an app, newest first',
  'x-permission': 'versions:read',
  request: { params: AppParams },
  responses: {
    200: jsonResponse(z.object({ items: z.array(VersionView) }), 'The versions'),
    ...errorResponses,
  },
});

const get = tenantRoute({
  method: 'get',
  path: '/api/tenants/{tenant}/apps/{app}/versions/{version}',
  tags,
  summary: 'Get a version',
  'x-permission': 'versions:read',
  request: { params: VersionParams },
  responses: { 200: jsonResponse(VersionView, 'The version'), ...errorResponses },
});

/** Runners fetch JARs here; the signed query is the credential (see signedArtifactUrl). */
const download = createRoute({
  method: 'get',
  path: '/api/artifacts/{versionId}',
  tags,
  summary: 'Download a version’s JAR through a signed, short-lived link',
  'x-permission': 'signed-url',
  security: [],
  request: { params: DownloadParams, query: DownloadQuery },
  responses: {
    200: {
      description: 'The JAR',
      content: { 'application/java-archive': { schema: z.string().openapi({ format: 'binary' }) } },
    },
    ...errorResponses,
  },
});

function storeOf(c: Context<HonoEnv>) {
  const store = c.get('services').artifactStore;
  if (!store)
    throw new AppError(
      'unavailable',
      'Artifact storage is not configured on this edge (on Workers: bind an R2 bucket as ARTIFACTS)',
    );
  return store;
}

export const artifactRoutes = createRouter()
  .openapi(upload, async (c) => {
    const { app: appRef } = c.req.valid('param');
    const query = c.req.valid('query');
    const { app, actor } = await inTenant(c, async (ctx) => ({
      app: await getApp({ ctx, input: { app: appRef } }),
      actor: ctx.actor,
    }));
    const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase() ?? '';
    if (!jarTypes.has(type)) {
      throw new AppError(
        'unsupported-media-type',
        'Send the JAR as application/java-archive or application/octet-stream',
      );
    }
    const { settings, db, clock } = c.get('services');
    const maxBytes = settings.maxArtifactBytes ?? defaultMaxArtifactBytes;
    const declared = Number(c.req.header('content-length'));
    if (declared > maxBytes)
      throw new AppError('payload-too-large', `A JAR may be at most ${maxBytes} bytes`);
    const body = c.req.raw.body;
    if (!body) throw new AppError('invalid-artifact', 'The request body is empty: send the JAR');
    const tenant = c.get('tenant');
    if (!tenant) throw new Error('upload outside a tenant');
    const { version, created } = await uploadVersion({
      ctx: { db, clock, tenantId: tenant.id, actor, requestId: c.get('requestId'), store: storeOf(c) },
      input: {
        app,
        body,
        maxBytes,
        label: query.label,
        filename: uploadFilename(c.req.header('content-disposition'), query.filename),
      },
    });
    return c.json(toVersionView(version), created ? 201 : 200);
  })
  .openapi(list, async (c) => {
    const { app } = c.req.valid('param');
    const rows = await inTenant(c, async (ctx) => {
      const { id } = await getApp({ ctx, input: { app } });
      return listVersions({ ctx, input: { appId: id } });
    });
    return c.json({ items: rows.map(toVersionView) }, 200);
  })
  .openapi(get, async (c) => {
    const { app, version } = c.req.valid('param');
    const row = await inTenant(c, async (ctx) => {
      const { id } = await getApp({ ctx, input: { app } });
      return getVersion({ ctx, input: { appId: id, version } });
    });
    return c.json(toVersionView(row), 200);
  })
  .openapi(download, async (c) => {
    const { versionId } = c.req.valid('param');
    const { tenant, expires, sig } = c.req.valid('query');
    const { version, body } = await openSignedArtifact(c.get('services'), {
      tenantId: tenant,
      versionId,
      expires,
      sig,
    });
    return c.body(body, 200, {
      'content-type': 'application/java-archive',
      'content-length': String(version.sizeBytes),
      'content-disposition': `attachment; filename="${version.id}.jar"`,
      etag: `"${version.sha256}"`,
      'cache-control': 'private, no-store',
    });
  });
