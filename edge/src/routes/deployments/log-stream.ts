/**
 * Follows an app's log: a `logs` command with `follow` makes the runner stream
 * new lines as progress for a while; this route relays them as server-sent
 * events (`line` per log line, then `end`), so a CLI or the console can tail
 * an app that runs behind a firewall.
 */
import { z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { createRouter, errorResponses, TenantParam, tenantRoute } from '../../openapi.ts';
import { commandEventsSince } from '../../services/commands.ts';
import { requestLogs } from '../../services/deployments/index.ts';
import { inTenant } from '../context.ts';

const pollMs = 250;

const route = tenantRoute({
  method: 'get',
  path: '/api/tenants/{tenant}/apps/{app}/logs/stream',
  tags: ['Deployments'],
  summary: 'Follow the log of the app in an environment (server-sent events, from its runner)',
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
    query: z.strictObject({
      environment: z.string().min(1).max(64),
      tail: z.coerce.number().int().min(0).max(5000).default(20),
      seconds: z.coerce.number().int().min(1).max(900).default(300).openapi({
        description: 'How long to follow; reconnect for more',
      }),
    }),
  },
  responses: {
    200: {
      description: '`line` events with one log line each, then one `end` event (`done` or the failure)',
      content: { 'text/event-stream': { schema: z.string() } },
    },
    ...errorResponses,
  },
});

export const logStreamRoutes = createRouter().openapi(route, async (c) => {
  const { app } = c.req.valid('param');
  const { environment, tail, seconds } = c.req.valid('query');
  const services = c.get('services');
  const command = await inTenant(c, (ctx) =>
    requestLogs({ ctx, services, input: { app, environment, tail, followSeconds: seconds } }),
  );
  return streamSSE(c, async (stream) => {
    let after: string | undefined;
    while (!stream.aborted) {
      const { state, error, events } = await commandEventsSince(
        services.db,
        command.tenantId,
        command.id,
        after,
      );
      for (const event of events) {
        for (const line of event.message.split('\n')) await stream.writeSSE({ event: 'line', data: line });
        after = event.id;
      }
      if (state === 'succeeded' || state === 'failed' || state === undefined) {
        await stream.writeSSE({ event: 'end', data: state === 'failed' ? (error ?? 'failed') : 'done' });
        return;
      }
      await stream.sleep(pollMs);
    }
  });
});
