import { DeploymentState } from '@cameleer/shared';
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
import {
  appAction,
  createDeployment,
  getDeployment,
  listDeployments,
  logLines,
  promote,
  requestLogs,
  rollback,
} from '../../services/deployments/index.ts';
import { inTenant, iso } from '../context.ts';
import { CommandView, toCommandView } from '../runners/schema.ts';

const tags = ['Deployments'];
const State = DeploymentState;

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

/** A deployment as the API shows it, in lists and in the changes stream. */
export const toView = (row: DeploymentRow) => ({
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

const EnvironmentInput = z.strictObject({ environment: z.string().min(1).max(64) });

const RollbackInput = EnvironmentInput.extend({
  version: z.string().min(1).max(64).optional().openapi({
    description: 'Version id or label that ran in the environment before; default the one before the current',
  }),
}).openapi('Rollback');

const promoteRoute = tenantRoute({
  method: 'post',
  path: '/api/tenants/{tenant}/apps/{app}/promote',
  tags,
  summary: 'Deploy the version running in one environment to another, with that environment’s configuration',
  'x-permission': 'deployments:write',
  'x-audit': 'deployment.promote',
  request: {
    params: AppParams,
    body: jsonBody(
      z.strictObject({ from: z.string().min(1).max(64), to: z.string().min(1).max(64) }).openapi('Promote'),
    ),
  },
  responses: { 202: jsonResponse(DeploymentView, 'Accepted'), ...errorResponses },
});

const rollbackRoute = tenantRoute({
  method: 'post',
  path: '/api/tenants/{tenant}/apps/{app}/rollback',
  tags,
  summary: 'Deploy again the version that ran in the environment before the current one',
  'x-permission': 'deployments:write',
  'x-audit': 'deployment.rollback',
  request: { params: AppParams, body: jsonBody(RollbackInput) },
  responses: { 202: jsonResponse(DeploymentView, 'Accepted'), ...errorResponses },
});

const actionRoute = (action: 'stop' | 'restart' | 'remove') =>
  tenantRoute({
    method: 'post',
    path: `/api/tenants/{tenant}/apps/{app}/${action}`,
    tags,
    summary: `${action[0]?.toUpperCase()}${action.slice(1)} the app in an environment (a command to its runner; follow it)`,
    'x-permission': 'deployments:write',
    'x-audit': `deployment.${action}`,
    request: { params: AppParams, body: jsonBody(EnvironmentInput) },
    responses: { 202: jsonResponse(CommandView, 'Queued'), ...errorResponses },
  });

const logsRoute = tenantRoute({
  method: 'get',
  path: '/api/tenants/{tenant}/apps/{app}/logs',
  tags,
  summary: 'The last log lines of the app in an environment, asked of its runner',
  'x-permission': 'deployments:read',
  request: {
    params: AppParams,
    query: z.strictObject({
      environment: z.string().min(1).max(64),
      tail: z.coerce.number().int().min(1).max(5000).default(100),
    }),
  },
  responses: { 200: jsonResponse(z.object({ lines: z.array(z.string()) }), 'Log lines'), ...errorResponses },
});

export const deploymentRoutes = createRouter()
  .openapi(create, async (c) => {
    const { app } = c.req.valid('param');
    const body = c.req.valid('json');
    const services = c.get('services');
    const row = await inTenant(c, (ctx) => createDeployment({ ctx, services, input: { app, ...body } }));
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
  })
  .openapi(promoteRoute, async (c) => {
    const { app } = c.req.valid('param');
    const services = c.get('services');
    const row = await inTenant(c, (ctx) =>
      promote({ ctx, services, input: { app, ...c.req.valid('json') } }),
    );
    return c.json(toView(row), 202);
  })
  .openapi(rollbackRoute, async (c) => {
    const { app } = c.req.valid('param');
    const services = c.get('services');
    const row = await inTenant(c, (ctx) =>
      rollback({ ctx, services, input: { app, ...c.req.valid('json') } }),
    );
    return c.json(toView(row), 202);
  })
  .openapi(logsRoute, async (c) => {
    const { app } = c.req.valid('param');
    const { environment, tail } = c.req.valid('query');
    const services = c.get('services');
    // The wait is outside the transaction: the runner hears of the command once it is committed.
    const command = await inTenant(c, (ctx) =>
      requestLogs({ ctx, services, input: { app, environment, tail } }),
    );
    return c.json({ lines: await logLines(services, command, 15_000) }, 200);
  });

for (const action of ['stop', 'restart', 'remove'] as const) {
  deploymentRoutes.openapi(actionRoute(action), async (c) => {
    const { app } = c.req.valid('param');
    const { environment } = c.req.valid('json');
    const services = c.get('services');
    const command = await inTenant(c, (ctx) =>
      appAction({ ctx, services, input: { app, environment, action } }),
    );
    return c.json(toCommandView(command), 202);
  });
}
