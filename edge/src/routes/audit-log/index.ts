import { z } from '@hono/zod-openapi';
import { createRouter, errorResponses, jsonResponse, TenantParam, tenantRoute } from '../../openapi.ts';
import { listAudit } from '../../services/audit.ts';
import { inTenant, iso } from '../context.ts';

const AuditEntryView = z
  .object({
    id: z.string(),
    at: z.string().datetime(),
    actor: z.object({ type: z.enum(['user', 'api-token', 'system']), id: z.string() }),
    action: z.string().openapi({ example: 'app.create' }),
    target: z.object({ type: z.string().nullable(), id: z.string().nullable() }),
    outcome: z.enum(['success', 'failure', 'denied']),
    status: z.number().int(),
    requestId: z.string().nullable(),
    detail: z.record(z.string(), z.unknown()),
  })
  .openapi('AuditEntry');

const list = tenantRoute({
  method: 'get',
  path: '/api/tenants/{tenant}/audit-log',
  tags: ['Audit log'],
  summary: 'Who did what, newest first',
  'x-permission': 'audit:read',
  request: {
    params: z.object({ tenant: TenantParam }),
    query: z.strictObject({
      limit: z.coerce.number().int().min(1).max(500).default(100),
      before: z
        .string()
        .max(64)
        .optional()
        .openapi({ description: 'Return entries older than this entry id' }),
      action: z.string().max(100).optional(),
    }),
  },
  responses: {
    200: jsonResponse(
      z.object({ items: z.array(AuditEntryView), next: z.string().nullable() }),
      'Audit entries and the cursor of the next page',
    ),
    ...errorResponses,
  },
});

export const auditLogRoutes = createRouter().openapi(list, async (c) => {
  const input = c.req.valid('query');
  const rows = await inTenant(c, (ctx) => listAudit({ ctx, input }));
  const items = rows.map((r) => ({
    id: r.id,
    at: iso(r.at),
    actor: { type: r.actorType, id: r.actorId },
    action: r.action,
    target: { type: r.targetType, id: r.targetId },
    outcome: r.outcome,
    status: r.status,
    requestId: r.requestId,
    detail: r.detail,
  }));
  const last = rows.at(-1);
  return c.json({ items, next: rows.length === input.limit && last ? last.id : null }, 200);
});
