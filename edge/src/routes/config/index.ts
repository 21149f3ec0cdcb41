import { z } from '@hono/zod-openapi';
import {
  createRouter,
  errorResponses,
  jsonBody,
  jsonResponse,
  TenantParam,
  tenantRoute,
} from '../../openapi.ts';
import { configView, listConfig, setConfig, unsetConfig } from '../../services/config.ts';
import { resolvedConfigOf } from '../../services/config-drift.ts';
import { AppParams } from '../apps/schema.ts';
import { inTenant } from '../context.ts';
import {
  ConfigEntryView,
  KeyParams,
  LayerQuery,
  ResolvedConfigView,
  SetConfigInput,
  toConfigView,
} from './schema.ts';

const tags = ['Configuration'];

const list = tenantRoute({
  method: 'get',
  path: '/api/tenants/{tenant}/config',
  tags,
  summary: 'List the configuration of one layer (secrets masked)',
  'x-permission': 'config:read',
  request: { params: z.object({ tenant: TenantParam }), query: LayerQuery },
  responses: {
    200: jsonResponse(z.object({ items: z.array(ConfigEntryView) }), 'The entries'),
    ...errorResponses,
  },
});

const set = tenantRoute({
  method: 'put',
  path: '/api/tenants/{tenant}/config/{key}',
  tags,
  summary: 'Set a configuration value or secret in one layer',
  'x-permission': 'config:write',
  'x-audit': 'config.set',
  request: { params: KeyParams, query: LayerQuery, body: jsonBody(SetConfigInput) },
  responses: {
    200: jsonResponse(ConfigEntryView, 'Replaced'),
    201: jsonResponse(ConfigEntryView, 'Created'),
    ...errorResponses,
  },
});

const unset = tenantRoute({
  method: 'delete',
  path: '/api/tenants/{tenant}/config/{key}',
  tags,
  summary: 'Remove a configuration key from one layer',
  'x-permission': 'config:write',
  'x-audit': 'config.unset',
  request: { params: KeyParams, query: LayerQuery },
  responses: { 204: { description: 'Removed' }, ...errorResponses },
});

const resolved = tenantRoute({
  method: 'get',
  path: '/api/tenants/{tenant}/apps/{app}/config/resolved',
  tags,
  summary:
    'The configuration an app gets in an environment (each key from its most specific layer), its volumes, and whether it changed since the serving deployment',
  'x-permission': 'config:read',
  request: { params: AppParams, query: z.strictObject({ environment: z.string().min(1).max(64) }) },
  responses: { 200: jsonResponse(ResolvedConfigView, 'The effective entries'), ...errorResponses },
});

export const configRoutes = createRouter()
  .openapi(list, async (c) => {
    const rows = await inTenant(c, (ctx) => listConfig({ ctx, input: c.req.valid('query') }));
    return c.json({ items: rows.map((r) => toConfigView(configView(r))) }, 200);
  })
  .openapi(set, async (c) => {
    const { key } = c.req.valid('param');
    const { secretBox } = c.get('services');
    const input = { key, ...c.req.valid('query'), ...c.req.valid('json') };
    const { row, created } = await inTenant(c, (ctx) => setConfig({ ctx, secretBox, input }));
    return created ? c.json(toConfigView(configView(row)), 201) : c.json(toConfigView(configView(row)), 200);
  })
  .openapi(unset, async (c) => {
    const { key } = c.req.valid('param');
    await inTenant(c, (ctx) => unsetConfig({ ctx, input: { key, ...c.req.valid('query') } }));
    return c.body(null, 204);
  })
  .openapi(resolved, async (c) => {
    const { app } = c.req.valid('param');
    const { environment } = c.req.valid('query');
    const view = await inTenant(c, (ctx) => resolvedConfigOf({ ctx, input: { app, environment } }));
    const { entries, ...rest } = view;
    return c.json({ ...rest, items: entries.map((r) => toConfigView(configView(r))) }, 200);
  });
