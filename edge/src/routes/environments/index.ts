import { z } from '@hono/zod-openapi';
import {
  createRouter,
  errorResponses,
  jsonBody,
  jsonResponse,
  TenantParam,
  tenantRoute,
} from '../../openapi.ts';
import {
  createEnvironment,
  deleteEnvironment,
  getEnvironment,
  listEnvironments,
  updateEnvironment,
} from '../../services/environments.ts';
import { inTenant } from '../context.ts';
import {
  CreateEnvironmentInput,
  EnvironmentParams,
  EnvironmentView,
  toEnvironmentView,
  UpdateEnvironmentInput,
} from './schema.ts';

const tags = ['Environments'];
const TenantOnly = z.object({ tenant: TenantParam });

const list = tenantRoute({
  method: 'get',
  path: '/api/tenants/{tenant}/environments',
  tags,
  summary: 'List environments',
  'x-permission': 'environments:read',
  request: { params: TenantOnly },
  responses: {
    200: jsonResponse(z.object({ items: z.array(EnvironmentView) }), 'The environments'),
    ...errorResponses,
  },
});

const create = tenantRoute({
  method: 'post',
  path: '/api/tenants/{tenant}/environments',
  tags,
  summary: 'Create an environment',
  'x-permission': 'environments:write',
  'x-audit': 'environment.create',
  request: { params: TenantOnly, body: jsonBody(CreateEnvironmentInput) },
  responses: { 201: jsonResponse(EnvironmentView, 'Created'), ...errorResponses },
});

const get = tenantRoute({
  method: 'get',
  path: '/api/tenants/{tenant}/environments/{environment}',
  tags,
  summary: 'Get an environment',
  'x-permission': 'environments:read',
  request: { params: EnvironmentParams },
  responses: { 200: jsonResponse(EnvironmentView, 'The environment'), ...errorResponses },
});

const update = tenantRoute({
  method: 'patch',
  path: '/api/tenants/{tenant}/environments/{environment}',
  tags,
  summary: 'Update an environment',
  'x-permission': 'environments:write',
  'x-audit': 'environment.update',
  request: { params: EnvironmentParams, body: jsonBody(UpdateEnvironmentInput) },
  responses: { 200: jsonResponse(EnvironmentView, 'Updated'), ...errorResponses },
});

const remove = tenantRoute({
  method: 'delete',
  path: '/api/tenants/{tenant}/environments/{environment}',
  tags,
  summary: 'Delete an environment',
  'x-permission': 'environments:write',
  'x-audit': 'environment.delete',
  request: { params: EnvironmentParams },
  responses: { 204: { description: 'Deleted' }, ...errorResponses },
});

export const environmentRoutes = createRouter()
  .openapi(list, async (c) => {
    const rows = await inTenant(c, (ctx) => listEnvironments({ ctx }));
    return c.json({ items: rows.map(toEnvironmentView) }, 200);
  })
  .openapi(create, async (c) => {
    const input = c.req.valid('json');
    const row = await inTenant(c, (ctx) => createEnvironment({ ctx, input }));
    return c.json(toEnvironmentView(row), 201);
  })
  .openapi(get, async (c) => {
    const { environment } = c.req.valid('param');
    return c.json(
      toEnvironmentView(await inTenant(c, (ctx) => getEnvironment({ ctx, input: { environment } }))),
      200,
    );
  })
  .openapi(update, async (c) => {
    const { environment } = c.req.valid('param');
    const body = c.req.valid('json');
    return c.json(
      toEnvironmentView(
        await inTenant(c, (ctx) => updateEnvironment({ ctx, input: { environment, ...body } })),
      ),
      200,
    );
  })
  .openapi(remove, async (c) => {
    const { environment } = c.req.valid('param');
    await inTenant(c, (ctx) => deleteEnvironment({ ctx, input: { environment } }));
    return c.body(null, 204);
  });
