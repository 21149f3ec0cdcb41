import { Role } from '@cameleer/shared';
import { z } from '@hono/zod-openapi';
import type { ApiTokenRow } from '../../db/schema/index.ts';
import {
  createRouter,
  errorResponses,
  jsonBody,
  jsonResponse,
  TenantParam,
  tenantRoute,
} from '../../openapi.ts';
import { createApiToken, listApiTokens, revokeApiToken } from '../../services/api-tokens.ts';
import { inTenant, iso, isoOrNull } from '../context.ts';

const tags = ['API tokens'];

const ApiTokenView = z
  .object({
    id: z.string(),
    name: z.string(),
    role: Role,
    hint: z.string().openapi({ description: 'First characters of the secret' }),
    createdBy: z.string().nullable(),
    createdAt: z.string().datetime(),
    expiresAt: z.string().datetime().nullable(),
    revokedAt: z.string().datetime().nullable(),
  })
  .openapi('ApiToken');

const CreateApiTokenInput = z
  .strictObject({
    name: z.string().min(1).max(100),
    role: Role,
    expiresInDays: z.number().int().min(1).max(3650).optional(),
  })
  .openapi('CreateApiToken');

const CreatedApiToken = ApiTokenView.extend({
  secret: z.string().openapi({ description: 'Shown once; store it now' }),
}).openapi('CreatedApiToken');

const TenantOnly = z.object({ tenant: TenantParam });
const TokenParams = z.object({
  tenant: TenantParam,
  tokenId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'tokenId', in: 'path' } }),
});

const toView = (row: ApiTokenRow) => ({
  id: row.id,
  name: row.name,
  role: row.role,
  hint: row.hint,
  createdBy: row.createdBy,
  createdAt: iso(row.createdAt),
  expiresAt: isoOrNull(row.expiresAt),
  revokedAt: isoOrNull(row.revokedAt),
});

const list = tenantRoute({
  method: 'get',
  path: '/api/tenants/{tenant}/api-tokens',
  tags,
  summary: 'List API tokens (never their secrets)',
  'x-permission': 'api-tokens:read',
  request: { params: TenantOnly },
  responses: {
    200: jsonResponse(z.object({ items: z.array(ApiTokenView) }), 'The tokens'),
    ...errorResponses,
  },
});

const create = tenantRoute({
  method: 'post',
  path: '/api/tenants/{tenant}/api-tokens',
  tags,
  summary: 'Create an API token for a CLI or CI; the secret is returned once',
  'x-permission': 'api-tokens:write',
  'x-audit': 'api-token.create',
  request: { params: TenantOnly, body: jsonBody(CreateApiTokenInput) },
  responses: { 201: jsonResponse(CreatedApiToken, 'Created'), ...errorResponses },
});

const revoke = tenantRoute({
  method: 'delete',
  path: '/api/tenants/{tenant}/api-tokens/{tokenId}',
  tags,
  summary: 'Revoke an API token; it stops working at once',
  'x-permission': 'api-tokens:write',
  'x-audit': 'api-token.revoke',
  request: { params: TokenParams },
  responses: { 204: { description: 'Revoked' }, ...errorResponses },
});

export const apiTokenRoutes = createRouter()
  .openapi(list, async (c) => {
    const rows = await inTenant(c, (ctx) => listApiTokens({ ctx }));
    return c.json({ items: rows.map(toView) }, 200);
  })
  .openapi(create, async (c) => {
    const input = c.req.valid('json');
    const { row, secret } = await inTenant(c, (ctx) => createApiToken({ ctx, input }));
    return c.json({ ...toView(row), secret }, 201);
  })
  .openapi(revoke, async (c) => {
    const { tokenId } = c.req.valid('param');
    await inTenant(c, (ctx) => revokeApiToken({ ctx, input: { tokenId } }));
    c.get('services').authCache.invalidate();
    return c.body(null, 204);
  });
