import { z } from '@hono/zod-openapi';
import type { DeploymentRow } from '../../db/schema/index.ts';
import {
  createRouter,
  errorResponses,
  jsonBody,
  jsonResponse,
  TenantParam,
  tenantRoute,
} from '../../openapi.ts';
import { createDeployment, getDeployment, listDeployments } from '../../services/deployments.ts';
import { inTenant, iso } from '../context.ts';

const tags = ['Deployments'];
const State = z.enum(['BUILDING', 'STARTING', 'RUNNING', 'FAILED', 'STOPPED']);

const DeploymentView = z
  .object({
    id: z.string(),
    appId: z.string(),
    environmentId: z.string(),
    versionId: z.string(),
    runnerId: z.string(),
    commandId: z.string().nullable(),
    state: State,
    reason: z.string(),
    url: z.string().nullable().openapi({ description: 'Where the runner reaches the app' }),
    createdAt: z.string().datetime(),
    updatedAt: z.string().datetime(),
  })
  .openapi('Deployment');

const DeploymentDetail = DeploymentView.extend({
  events: z.array(z.object({ at: z.string().datetime(), state: State, reason: z.string() })),
}).openapi('DeploymentDetail');

const CreateDeploymentInput = z
  .strictObject({
    environment: z.string().min(1).max(64).openapi({ description: 'Environment id or name' }),
    version: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .openapi({ description: 'Version id or label; default the newest' }),
    healthPath: z.string().startsWith('/').max(200).nullable().optional().openapi({
      description:
        'HTTP path that answers 200 when the app is ready (default /health; null: any HTTP answer)',
    }),
  })
  .openapi('CreateDeployment');

const AppParams = z.object({
  tenant: TenantParam,
  app: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'app', in: 'path' } }),
});

const toView = (row: DeploymentRow) => ({
  id: row.id,
  appId: row.appId,
  environmentId: row.environmentId,
  versionId: row.versionId,
  runnerId: row.runnerId,
  commandId: row.commandId,
  state: row.state,
  reason: row.reason,
  url: row.url,
  createdAt: iso(row.createdAt),
  updatedAt: iso(row.updatedAt),
});

const create = tenantRoute({
  method: 'post',
  path: '/api/tenants/{tenant}/apps/{app}/deployments',
  tags,
  summary: 'Deploy a version of an app to an environment (BUILDING → STARTING → RUNNING, or FAILED)',
  'x-permission': 'deployments:write',
  'x-audit': 'deployment.create',
  request: { params: AppParams, body: jsonBody(CreateDeploymentInput) },
  responses: { 202: jsonResponse(DeploymentView, 'Accepted; follow its state'), ...errorResponses },
});

const list = tenantRoute({
  method: 'get',
  path: '/api/tenants/{tenant}/apps/{app}/deployments',
  tags,
  summary: "An app's deployments, newest first",
  'x-permission': 'deployments:read',
  request: {
    params: AppParams,
    query: z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
  },
  responses: {
    200: jsonResponse(z.object({ items: z.array(DeploymentView) }), 'The deployments'),
    ...errorResponses,
  },
});

const get = tenantRoute({
  method: 'get',
  path: '/api/tenants/{tenant}/deployments/{deploymentId}',
  tags,
  summary: 'A deployment with its timeline of state transitions',
  'x-permission': 'deployments:read',
  request: {
    params: z.object({
      tenant: TenantParam,
      deploymentId: z
        .string()
        .min(1)
        .max(64)
        .openapi({ param: { name: 'deploymentId', in: 'path' } }),
    }),
  },
  responses: { 200: jsonResponse(DeploymentDetail, 'The deployment'), ...errorResponses },
});

export const deploymentRoutes = createRouter()
  .openapi(create, async (c) => {
    const { app } = c.req.valid('param');
    const body = c.req.valid('json');
    const services = c.get('services');
    const row = await inTenant(c, (ctx) => createDeployment({ ctx, services, input: { app, ...body } }));
    services.tunnel?.notify(row.runnerId);
    return c.json(toView(row), 202);
  })
  .openapi(list, async (c) => {
    const { app } = c.req.valid('param');
    const { limit } = c.req.valid('query');
    const rows = await inTenant(c, (ctx) => listDeployments({ ctx, input: { app, limit } }));
    return c.json({ items: rows.map(toView) }, 200);
  })
  .openapi(get, async (c) => {
    const { deploymentId } = c.req.valid('param');
    const row = await inTenant(c, (ctx) => getDeployment({ ctx, input: { deploymentId } }));
    return c.json(
      {
        ...toView(row),
        events: row.events.map((e) => ({ at: iso(e.at), state: e.state, reason: e.reason })),
      },
      200,
    );
  });
