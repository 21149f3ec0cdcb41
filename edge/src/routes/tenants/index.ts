import { defaultTier, tierNames } from '@cameleer/shared';
import { z } from '@hono/zod-openapi';
import type { TenantRow } from '../../db/schema/index.ts';
import {
  createRouter,
  errorResponses,
  jsonBody,
  jsonResponse,
  platformRoute,
  Slug,
  TenantParam,
  tenantRoute,
  userRoute,
} from '../../openapi.ts';
import { createTenant, deleteTenant, getTenant, listTenants, updateTenant } from '../../services/tenants.ts';
import { inTenant, iso, platformContext } from '../context.ts';
import { assertOrganizationFree } from './organization.ts';

const tags = ['Tenants'];

const TenantView = z
  .object({
    id: z.string(),
    slug: z.string().openapi({ example: 'acme' }),
    name: z.string(),
    tier: z.enum(tierNames),
    oidcOrganizationId: z.string().nullable(),
    createdAt: z.string().datetime(),
    updatedAt: z.string().datetime(),
  })
  .openapi('Tenant');

const CreateTenantInput = z
  .strictObject({
    slug: Slug,
    name: z.string().min(1).max(200),
    tier: z
      .enum(tierNames)
      .optional()
      .openapi({ description: `What the tenant may use (see the tiers table). Default: ${defaultTier}` }),
    environments: z.array(Slug).max(20).optional().openapi({
      description:
        "Default: the tier's standard ones (low: prod; mid: dev, prod; high: dev, staging, prod). A list that does not fit the tier is refused with limit-exceeded",
    }),
    oidcOrganizationId: z.string().min(1).max(200).optional(),
    owner: z
      .strictObject({
        issuer: z.string().min(1).max(300),
        subject: z.string().min(1).max(300),
        email: z.email().optional(),
      })
      .optional()
      .openapi({ description: 'Default: the calling user' }),
  })
  .openapi('CreateTenant');

const UpdateTenantInput = z
  .strictObject({
    name: z.string().min(1).max(200).optional(),
    oidcOrganizationId: z.string().min(1).max(200).nullable().optional(),
  })
  .openapi('UpdateTenant');

const Params = z.object({ tenant: TenantParam });

const toView = (row: TenantRow) => ({
  id: row.id,
  slug: row.slug,
  name: row.name,
  tier: row.tier,
  oidcOrganizationId: row.oidcOrganizationId,
  createdAt: iso(row.createdAt),
  updatedAt: iso(row.updatedAt),
});

const list = userRoute({
  method: 'get',
  path: '/api/tenants',
  tags,
  summary: 'Tenants you are a member of (platform administrators: all)',
  responses: {
    200: jsonResponse(z.object({ items: z.array(TenantView) }), 'The tenants'),
    ...errorResponses,
  },
});

const create = platformRoute({
  method: 'post',
  path: '/api/tenants',
  tags,
  summary: 'Create a tenant with its environments and an owner (platform administrators)',
  'x-audit': 'tenant.create',
  request: { body: jsonBody(CreateTenantInput) },
  responses: { 201: jsonResponse(TenantView, 'Created'), ...errorResponses },
});

const get = tenantRoute({
  method: 'get',
  path: '/api/tenants/{tenant}',
  tags,
  summary: 'Get a tenant',
  'x-permission': 'tenant:read',
  request: { params: Params },
  responses: { 200: jsonResponse(TenantView, 'The tenant'), ...errorResponses },
});

const update = tenantRoute({
  method: 'patch',
  path: '/api/tenants/{tenant}',
  tags,
  summary: 'Rename a tenant or map it to an identity-provider organization',
  'x-permission': 'tenant:update',
  'x-audit': 'tenant.update',
  request: { params: Params, body: jsonBody(UpdateTenantInput) },
  responses: { 200: jsonResponse(TenantView, 'Updated'), ...errorResponses },
});

const remove = platformRoute({
  method: 'delete',
  path: '/api/tenants/{tenant}',
  tags,
  summary: 'Delete a tenant (platform administrators)',
  'x-audit': 'tenant.delete',
  request: { params: Params },
  responses: { 204: { description: 'Deleted' }, ...errorResponses },
});

export const tenantRoutes = createRouter()
  .openapi(list, async (c) => {
    const principal = c.get('principal');
    const ids = principal?.platformAdmin ? undefined : [...(principal?.memberships.keys() ?? [])];
    const rows = await listTenants({ ctx: platformContext(c), input: { ids } });
    return c.json({ items: rows.map(toView) }, 200);
  })
  .openapi(create, async (c) => {
    const row = await createTenant({ ctx: platformContext(c), input: c.req.valid('json') });
    c.get('services').authCache.invalidate();
    return c.json(toView(row), 201);
  })
  .openapi(get, async (c) => {
    const { tenant } = c.req.valid('param');
    return c.json(toView(await getTenant({ ctx: platformContext(c), input: { tenant } })), 200);
  })
  .openapi(update, async (c) => {
    const input = c.req.valid('json');
    await assertOrganizationFree(c, input.oidcOrganizationId);
    const row = await inTenant(c, (ctx) => updateTenant({ ctx, input }));
    c.get('services').authCache.invalidate();
    return c.json(toView(row), 200);
  })
  .openapi(remove, async (c) => {
    const { tenant } = c.req.valid('param');
    await deleteTenant({ ctx: platformContext(c), input: { tenant } });
    c.get('services').authCache.invalidate();
    return c.body(null, 204);
  });
