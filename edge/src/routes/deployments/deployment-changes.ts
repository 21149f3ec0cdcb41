/**
 * Follows the state changes of a tenant's (or one app's) deployments as server-sent events, so
 * lists update live without polling: one `deployment` event per change, carrying the deployment
 * as it is now, with the id of its timeline event; a reconnect with `Last-Event-ID` resumes there.
 */
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { HonoEnv } from '../../env.ts';
import { createRouter, errorResponses, TenantParam, tenantRoute } from '../../openapi.ts';
import {
  type ChangesScope,
  changesScope,
  changesStart,
  deploymentChanges,
  parseChangesCursor,
} from '../../services/deployments/changes.ts';
import { inTenant } from '../context.ts';
import { toView } from './index.ts';
import { followStream, lastEventId } from './sse-follow.ts';

const pollMs = 1_000;
const lifetimeMs = 5 * 60_000;
const reconnectMs = 2_000;

const Query = z.strictObject({
  after: z.string().max(64).optional().openapi({
    description: 'Resume after this event id, for clients that cannot send Last-Event-ID',
  }),
  since: z.string().datetime().optional().openapi({
    description:
      'Without a resume point: also send the changes from this time on (when the list the client holds was read)',
  }),
});

const streamResponses = {
  200: {
    description: '`deployment` events (the deployment as it is now), each with an id',
    content: { 'text/event-stream': { schema: z.string() } },
  },
  ...errorResponses,
};

const description =
  'One `deployment` event per change, with the deployment as it is now (repeats are harmless). ' +
  'The stream closes after 5 minutes; the client reconnects and resumes with `Last-Event-ID`.';

const appRoute = tenantRoute({
  method: 'get',
  path: '/api/tenants/{tenant}/apps/{app}/deployments/events',
  tags: ['Deployments'],
  summary: "Follow the state changes of an app's deployments (server-sent events)",
  description,
  'x-permission': 'deployments:read',
  request: {
    params: z.object({
      tenant: TenantParam,
      app: z
        .string()
        .min(1)
        .max(64)
        .openapi({ param: { name: 'app', in: 'path' } }),
    }),
    query: Query,
  },
  responses: streamResponses,
});

const tenantRouteDef = tenantRoute({
  method: 'get',
  path: '/api/tenants/{tenant}/deployment-events',
  tags: ['Deployments'],
  summary: "Follow the state changes of all the tenant's deployments (server-sent events)",
  description,
  'x-permission': 'deployments:read',
  request: { params: z.object({ tenant: TenantParam }), query: Query },
  responses: streamResponses,
});

async function followChanges(c: Context<HonoEnv>, app: string | undefined, query: z.infer<typeof Query>) {
  const scope: ChangesScope = await inTenant(c, (ctx) => changesScope({ ctx, input: { app } }));
  const resume = parseChangesCursor(lastEventId(c.req.header('last-event-id'), query.after));
  let cursor =
    resume ??
    (await inTenant(c, (ctx) => changesStart(ctx, scope, query.since ? new Date(query.since) : undefined)));
  return streamSSE(
    c,
    async (stream) => {
      // The first event names the resume point, so a client reconnects from here even before a change.
      await stream.writeSSE({ event: 'open', id: cursor || undefined, data: '', retry: reconnectMs });
      await followStream(stream, {
        pollMs,
        lifetimeMs,
        step: async () => {
          const changes = await inTenant(c, (ctx) => deploymentChanges(ctx, scope, cursor));
          for (const { eventId, deployment } of changes) {
            cursor = eventId;
            await stream.writeSSE({
              event: 'deployment',
              id: eventId,
              data: JSON.stringify(toView(deployment)),
            });
          }
          return false;
        },
      });
    },
    async (error) =>
      c.get('services').log.error('deployment changes stream failed', { error: error.message }),
  );
}

export const deploymentChangeRoutes = createRouter()
  .openapi(appRoute, (c) => followChanges(c, c.req.valid('param').app, c.req.valid('query')))
  .openapi(tenantRouteDef, (c) => followChanges(c, undefined, c.req.valid('query')));
