/**
 * Follows one deployment as server-sent events: its timeline (`state`) and the build output its
 * runner streams (`progress`), in time order, then `end` once it settled. Every event's id is the
 * cursor after it, so a reconnecting EventSource resumes exactly after the last event it got.
 */
import { z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { createRouter, errorResponses, TenantParam, tenantRoute } from '../../openapi.ts';
import {
  advance,
  deploymentFeed,
  type FeedCursor,
  formatCursor,
  parseCursor,
  settledStates,
} from '../../services/deployments/feed.ts';
import { inTenant, iso } from '../context.ts';
import { followStream, lastEventId } from './sse-follow.ts';

const pollMs = 500;
const lifetimeMs = 5 * 60_000;
const reconnectMs = 1_000;

const route = tenantRoute({
  method: 'get',
  path: '/api/tenants/{tenant}/deployments/{deploymentId}/events',
  tags: ['Deployments'],
  summary: "Follow a deployment's timeline and build output (server-sent events)",
  description:
    '`state` events (`{state, reason, at}`) and `progress` events (`{lines, at}`: build output), ' +
    'each with an id; a reconnect with `Last-Event-ID` (or `after`) resumes right after that event. ' +
    'Ends with `end` (`{state, reason}`) once the deployment is RUNNING, FAILED or STOPPED; ' +
    'otherwise the stream closes after 5 minutes and the client reconnects.',
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
    query: z.strictObject({
      after: z.string().max(64).optional().openapi({
        description: 'Resume after this event id, for clients that cannot send Last-Event-ID',
      }),
    }),
  },
  responses: {
    200: {
      description: '`state` and `progress` events with ids, then `end` once settled',
      content: { 'text/event-stream': { schema: z.string() } },
    },
    ...errorResponses,
  },
});

export const deploymentEventRoutes = createRouter().openapi(route, async (c) => {
  const { deploymentId } = c.req.valid('param');
  let cursor: FeedCursor = parseCursor(
    lastEventId(c.req.header('last-event-id'), c.req.valid('query').after),
  );
  const read = () => inTenant(c, (ctx) => deploymentFeed({ ctx, input: { deploymentId, cursor } }));
  // Read before the stream opens, so that a deployment that is not there (or not the tenant's) is a 404.
  let first: Awaited<ReturnType<typeof read>> | undefined = await read();
  return streamSSE(
    c,
    async (stream) => {
      await stream.writeSSE({ event: 'open', data: '', retry: reconnectMs });
      await followStream(stream, {
        pollMs,
        lifetimeMs,
        step: async () => {
          const { deployment, items } = first ?? (await read());
          first = undefined;
          for (const item of items) {
            cursor = advance(cursor, item);
            const data =
              item.kind === 'state'
                ? { state: item.state, reason: item.reason, at: iso(item.at) }
                : { lines: item.lines, at: iso(item.at) };
            // Filtered-out output (only stage markers) still moves the cursor, with the next event.
            if (item.kind === 'progress' && item.lines.length === 0) continue;
            await stream.writeSSE({ event: item.kind, id: formatCursor(cursor), data: JSON.stringify(data) });
          }
          // Settled is read with the events, so everything up to the final state was sent before `end`.
          if (!settledStates.includes(deployment.state)) return false;
          await stream.writeSSE({
            event: 'end',
            id: formatCursor(cursor),
            data: JSON.stringify({ state: deployment.state, reason: deployment.reason }),
          });
          return true;
        },
      });
    },
    async (error) => c.get('services').log.error('deployment event stream failed', { error: error.message }),
  );
});
