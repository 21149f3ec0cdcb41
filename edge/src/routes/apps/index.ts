import { z } from '@hono/zod-openapi';
import {
  createRouter,
  errorResponses,
  jsonBody,
  jsonResponse,
  TenantParam,
  tenantRoute,
} from '../../openapi.ts';
import { createApp, deleteApp, getApp, listApps, updateApp } from '../../services/apps.ts';
import { inTenant } from '../context.ts';
import { AppParams, AppView, CreateAppInput, toAppView, UpdateAppInput } from './schema.ts';

const tags = ['Apps'];
const TenantOnly = z.object({ tenant: TenantParam });

const list = tenantRoute({
  method: 'get',
  path: '/api/tenants/{tenant}/apps',
  tags,
  summary: 'List apps',
  'x-permission': 'apps:read',
  request: { params: TenantOnly },
  responses: { 200: jsonResponse(z.object({ items: z.array(AppView) }), 'The apps'), ...errorResponses },
});

const create = tenantRoute({
  method: 'post',
  path: '/api/tenants/{tenant}/apps',
  tags,
  summary: 'Create an app',
  'x-permission': 'apps:write',
  'x-audit': 'app.create',
  request: { params: TenantOnly, body: jsonBody(CreateAppInput) },
  responses: { 201: jsonResponse(AppView, 'Created'), ...errorResponses },
});

const get = tenantRoute({
  method: 'get',
  path: '/api/tenants/{tenant}/apps/{app}',
  tags,
  summary: 'Get an app',
  'x-permission': 'apps:read',
  request: { params: AppParams },
  responses: { 200: jsonResponse(AppView, 'The app'), ...errorResponses },
});

const update = tenantRoute({
  method: 'patch',
  path: '/api/tenants/{tenant}/apps/{app}',
  tags,
  summary: 'Update an app',
  'x-permission': 'apps:write',
  'x-audit': 'app.update',
  request: { params: AppParams, body: jsonBody(UpdateAppInput) },
  responses: { 200: jsonResponse(AppView, 'Updated'), ...errorResponses },
});

const remove = tenantRoute({
  method: 'delete',
  path: '/api/tenants/{tenant}/apps/{app}',
  tags,
  summary: 'Delete an app',
  'x-permission': 'apps:write',
  'x-audit': 'app.delete',
  request: { params: AppParams },
  responses: { 204: { description: 'Deleted' }, ...errorResponses },
});

export const appRoutes = createRouter()
  .openapi(list, async (c) => {
    const rows = await inTenant(c, (ctx) => listApps({ ctx }));
    return c.json({ items: rows.map(toAppView) }, 200);
  })
  .openapi(create, async (c) => {
    const input = c.req.valid('json');
    const row = await inTenant(c, (ctx) => createApp({ ctx, input }));
    return c.json(toAppView(row), 201);
  })
  .openapi(get, async (c) => {
    const { app } = c.req.valid('param');
    return c.json(toAppView(await inTenant(c, (ctx) => getApp({ ctx, input: { app } }))), 200);
  })
  .openapi(update, async (c) => {
    const { app } = c.req.valid('param');
    const body = c.req.valid('json');
    return c.json(toAppView(await inTenant(c, (ctx) => updateApp({ ctx, input: { app, ...body } }))), 200);
  })
  .openapi(remove, async (c) => {
    const { app } = c.req.valid('param');
    await inTenant(c, (ctx) => deleteApp({ ctx, input: { app } }));
    return c.body(null, 204);
  });
