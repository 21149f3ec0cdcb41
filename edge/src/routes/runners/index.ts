import { z } from '@hono/zod-openapi';
import {
  createRouter,
  errorResponses,
  jsonBody,
  jsonResponse,
  TenantParam,
  tenantRoute,
} from '../../openapi.ts';
import { createCommand, getCommand, listCommands } from '../../services/commands.ts';
import { createRegistrationToken } from '../../services/registration-tokens.ts';
import { commandsInFlight, getRunner, listRunners, revokeRunner } from '../../services/runners.ts';
import { inTenant, iso } from '../context.ts';
import { installCommands } from './install-commands.ts';
import {
  CommandDetail,
  CommandView,
  CreateCommandInput,
  CreateRunnerTokenInput,
  RunnerParams,
  RunnerToken,
  RunnerView,
  toCommandView,
  toRunnerView,
} from './schema.ts';

const tags = ['Runners'];
const TenantOnly = z.object({ tenant: TenantParam });

const createToken = tenantRoute({
  method: 'post',
  path: '/api/tenants/{tenant}/runner-tokens',
  tags,
  summary: 'Create a one-time runner registration token (short-lived, single use)',
  'x-permission': 'runners:write',
  'x-audit': 'runner-token.create',
  request: { params: TenantOnly, body: jsonBody(CreateRunnerTokenInput) },
  responses: { 201: jsonResponse(RunnerToken, 'Created'), ...errorResponses },
});

const list = tenantRoute({
  method: 'get',
  path: '/api/tenants/{tenant}/runners',
  tags,
  summary: 'List runners: online or offline, last seen, version, capabilities',
  'x-permission': 'runners:read',
  request: { params: TenantOnly },
  responses: {
    200: jsonResponse(z.object({ items: z.array(RunnerView) }), 'The runners'),
    ...errorResponses,
  },
});

const get = tenantRoute({
  method: 'get',
  path: '/api/tenants/{tenant}/runners/{runnerId}',
  tags,
  summary: 'Get a runner and its reported inventory',
  'x-permission': 'runners:read',
  request: { params: RunnerParams },
  responses: { 200: jsonResponse(RunnerView, 'The runner'), ...errorResponses },
});

const revoke = tenantRoute({
  method: 'delete',
  path: '/api/tenants/{tenant}/runners/{runnerId}',
  tags,
  summary: 'Revoke a runner; its live connection is dropped at once',
  'x-permission': 'runners:write',
  'x-audit': 'runner.revoke',
  request: { params: RunnerParams },
  responses: { 204: { description: 'Revoked' }, ...errorResponses },
});

const sendCommand = tenantRoute({
  method: 'post',
  path: '/api/tenants/{tenant}/runners/{runnerId}/commands',
  tags,
  summary: 'Queue a command for a runner; it is stored first and delivered in order',
  'x-permission': 'commands:write',
  'x-audit': 'command.create',
  request: { params: RunnerParams, body: jsonBody(CreateCommandInput) },
  responses: { 202: jsonResponse(CommandView, 'Queued'), ...errorResponses },
});

const listForRunner = tenantRoute({
  method: 'get',
  path: '/api/tenants/{tenant}/runners/{runnerId}/commands',
  tags,
  summary: "A runner's commands, newest first",
  'x-permission': 'commands:read',
  request: {
    params: RunnerParams,
    query: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
  },
  responses: {
    200: jsonResponse(z.object({ items: z.array(CommandView) }), 'The commands'),
    ...errorResponses,
  },
});

const getOne = tenantRoute({
  method: 'get',
  path: '/api/tenants/{tenant}/commands/{commandId}',
  tags,
  summary: 'A command with its progress and result',
  'x-permission': 'commands:read',
  request: {
    params: z.object({
      tenant: TenantParam,
      commandId: z
        .string()
        .min(1)
        .max(64)
        .openapi({ param: { name: 'commandId', in: 'path' } }),
    }),
  },
  responses: { 200: jsonResponse(CommandDetail, 'The command'), ...errorResponses },
});

export const runnerRoutes = createRouter()
  .openapi(createToken, async (c) => {
    const input = c.req.valid('json');
    const created = await inTenant(c, (ctx) => createRegistrationToken({ ctx, input }));
    const { register, ...install } = installCommands(c.get('services').settings.publicUrl, created.token);
    return c.json(
      {
        token: created.token,
        expiresAt: iso(created.expiresAt),
        environments: created.environments,
        register,
        install,
      },
      201,
    );
  })
  .openapi(list, async (c) => {
    const [rows, inFlight] = await inTenant(c, async (ctx) => [
      await listRunners({ ctx }),
      await commandsInFlight({ ctx }),
    ]);
    const { tunnel, settings } = c.get('services');
    return c.json(
      { items: rows.map((r) => toRunnerView(r, tunnel, inFlight.get(r.id) ?? 0, settings.runnerVersions)) },
      200,
    );
  })
  .openapi(get, async (c) => {
    const { runnerId } = c.req.valid('param');
    const [row, inFlight] = await inTenant(c, async (ctx) => [
      await getRunner({ ctx, input: { runnerId } }),
      await commandsInFlight({ ctx }),
    ]);
    const { tunnel, settings } = c.get('services');
    return c.json(toRunnerView(row, tunnel, inFlight.get(runnerId) ?? 0, settings.runnerVersions), 200);
  })
  .openapi(revoke, async (c) => {
    const { runnerId } = c.req.valid('param');
    await inTenant(c, (ctx) => revokeRunner({ ctx, input: { runnerId } }));
    c.get('services').tunnel?.disconnect(runnerId, 'This runner was revoked');
    return c.body(null, 204);
  })
  .openapi(sendCommand, async (c) => {
    const { runnerId } = c.req.valid('param');
    const body = c.req.valid('json');
    const services = c.get('services');
    const row = await inTenant(c, (ctx) => createCommand({ ctx, services, input: { runnerId, ...body } }));
    return c.json(toCommandView(row), 202);
  })
  .openapi(listForRunner, async (c) => {
    const { runnerId } = c.req.valid('param');
    const { limit } = c.req.valid('query');
    const rows = await inTenant(c, (ctx) => listCommands({ ctx, input: { runnerId, limit } }));
    return c.json({ items: rows.map(toCommandView) }, 200);
  })
  .openapi(getOne, async (c) => {
    const { commandId } = c.req.valid('param');
    const row = await inTenant(c, (ctx) => getCommand({ ctx, input: { commandId } }));
    return c.json(
      { ...toCommandView(row), events: row.events.map((e) => ({ at: iso(e.at), message: e.message })) },
      200,
    );
  });
