/**
 * Failed exchanges: listed and shown from ClickHouse (as the agents redacted them), with their replays
 * from the commands that carried them out; a replay is a signed command to the runner of the app.
 */
import { z } from '@hono/zod-openapi';
import { NotFound } from '../../errors.ts';
import { createRouter, errorResponses, jsonResponse, TenantParam, tenantRoute } from '../../openapi.ts';
import { type ReplayView, replayFailedExchange, replaysOf } from '../../services/replays.ts';
import { getFailedExchange, listFailedExchanges } from '../../telemetry/queries/failed-exchanges.ts';
import { inTenant } from '../context.ts';
import { CommandView, toCommandView } from '../runners/schema.ts';
import { ask, range, scope } from '../telemetry/index.ts';
import {
  ExchangeIdParam,
  FailedExchangeDetail,
  FailedExchangeList,
  FailedExchangeListQuery,
} from './schema.ts';

const tags = ['Failed exchanges'];
const Params = z.object({ tenant: TenantParam });
const ExchangeParams = z.object({ tenant: TenantParam, exchangeId: ExchangeIdParam });

const list = tenantRoute({
  method: 'get',
  path: '/api/tenants/{tenant}/failed-exchanges',
  tags,
  summary: "Exchanges that failed in the tenant's apps, newest first, with their latest replay",
  'x-permission': 'telemetry:read',
  request: { params: Params, query: FailedExchangeListQuery },
  responses: { 200: jsonResponse(FailedExchangeList, 'One row per failed exchange'), ...errorResponses },
});

const detail = tenantRoute({
  method: 'get',
  path: '/api/tenants/{tenant}/failed-exchanges/{exchangeId}',
  tags,
  summary: 'One failed exchange: redacted headers and body, exception, and every replay',
  'x-permission': 'telemetry:read',
  request: { params: ExchangeParams },
  responses: { 200: jsonResponse(FailedExchangeDetail, 'The failed exchange'), ...errorResponses },
});

const replay = tenantRoute({
  method: 'post',
  path: '/api/tenants/{tenant}/failed-exchanges/{exchangeId}/replay',
  tags,
  summary: "Re-inject a failed exchange at its route's start, through the app's agent",
  description:
    'Creates a signed `replay` command for the runner of the deployment that captured the exchange; ' +
    'follow it at `/commands/{id}`. The agent replays the unredacted original it kept in memory, once per ' +
    'command however often the command is delivered. 409 while a replay of the exchange is under way or ' +
    'when that deployment no longer runs.',
  'x-permission': 'exchanges:replay',
  request: { params: ExchangeParams },
  responses: { 202: jsonResponse(CommandView, 'The replay command'), ...errorResponses },
});

export const failedExchangeRoutes = createRouter()
  .openapi(list, async (c) => {
    const { from, to, ...input } = c.req.valid('query');
    const items = await ask(listFailedExchanges(...scope(c), { ...range(c, from, to), ...input }));
    const replays = await inTenant(c, (ctx) =>
      replaysOf(
        ctx,
        items.map((i) => i.exchangeId),
      ),
    );
    return c.json(
      { items: items.map((i) => ({ ...i, lastReplay: replayView(replays.get(i.exchangeId)?.[0]) })) },
      200,
    );
  })
  .openapi(detail, async (c) => {
    const { exchangeId } = c.req.valid('param');
    const exchange = await ask(getFailedExchange(...scope(c), { exchangeId }));
    if (!exchange) throw new NotFound(`Failed exchange ${exchangeId}`);
    const replays = (await inTenant(c, (ctx) => replaysOf(ctx, [exchangeId]))).get(exchangeId) ?? [];
    const views = replays.map((r) => replayView(r)).filter((r) => r !== null);
    return c.json({ ...exchange, lastReplay: views[0] ?? null, replays: views }, 200);
  })
  .openapi(replay, async (c) => {
    const { exchangeId } = c.req.valid('param');
    const services = c.get('services');
    const command = await inTenant(c, (ctx) =>
      replayFailedExchange({ ctx, services, input: { exchangeId } }),
    );
    return c.json(toCommandView(command), 202);
  });

function replayView(r: ReplayView | undefined) {
  if (!r) return null;
  return {
    ...r,
    requestedAt: r.requestedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
  };
}
