import { type Tier, tiers } from '@cameleer/shared';
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { withTenant } from '../../db/client.ts';
import type { LicenceRow } from '../../db/schema/index.ts';
import type { HonoEnv } from '../../env.ts';
import {
  createRouter,
  errorResponses,
  jsonBody,
  jsonResponse,
  platformRoute,
  TenantParam,
  tenantRoute,
} from '../../openapi.ts';
import type { TenantContext } from '../../services/context.ts';
import {
  changeTier,
  ensureLicence,
  graceEndOf,
  issueLicence,
  licenceState,
  revokeLicence,
} from '../../services/licences.ts';
import { tenantUsage } from '../../services/limits.ts';
import { getTenant } from '../../services/tenants.ts';
import { inTenant, iso, isoOrNull, platformContext } from '../context.ts';
import { ChangeTierInput, LicenceView, TierUsage, type TierView } from './schema.ts';

const tags = ['Licences'];
const Params = z.object({ tenant: TenantParam });

const get = tenantRoute({
  method: 'get',
  path: '/api/tenants/{tenant}/licence',
  tags,
  summary: "The tenant's current licence (issued on first need), its claims, state and tier",
  'x-permission': 'tenant:read',
  request: { params: Params },
  responses: { 200: jsonResponse(LicenceView, 'The current licence'), ...errorResponses },
});

const issue = platformRoute({
  method: 'post',
  path: '/api/tenants/{tenant}/licence',
  tags,
  summary: 'Issue a new licence for the tenant (platform administrators)',
  'x-audit': 'licence.issue',
  request: { params: Params },
  responses: { 201: jsonResponse(LicenceView, 'Issued'), ...errorResponses },
});

const revoke = platformRoute({
  method: 'post',
  path: '/api/tenants/{tenant}/licence/revoke',
  tags,
  summary: "Revoke the tenant's current licence; new deployments are refused (platform administrators)",
  'x-audit': 'licence.revoke',
  request: { params: Params },
  responses: { 200: jsonResponse(LicenceView, 'Revoked'), ...errorResponses },
});

const getTier = tenantRoute({
  method: 'get',
  path: '/api/tenants/{tenant}/tier',
  tags,
  summary: "The tenant's tier, its limits and what the tenant uses of them",
  'x-permission': 'tenant:read',
  request: { params: Params },
  responses: { 200: jsonResponse(TierUsage, 'Tier and usage'), ...errorResponses },
});

const setTier = platformRoute({
  method: 'put',
  path: '/api/tenants/{tenant}/tier',
  tags,
  summary: "Change the tenant's tier and re-issue its licence (platform administrators)",
  'x-audit': 'tenant.tier',
  request: { params: Params, body: jsonBody(ChangeTierInput) },
  responses: { 200: jsonResponse(LicenceView, 'The re-issued licence'), ...errorResponses },
});

function tierView(tier: Tier): z.infer<typeof TierView> {
  return { ...tier, environments: [...tier.environments], features: [...tier.features] };
}

function toView(c: Context<HonoEnv>, row: LicenceRow): z.infer<typeof LicenceView> {
  const { settings, clock } = c.get('services');
  const state = licenceState(row, clock.now(), settings);
  return {
    id: row.id,
    token: row.token,
    claims: row.claims,
    kid: row.kid,
    state: state === 'none' ? 'valid' : state,
    revoked: !!row.revokedAt,
    issuedAt: iso(row.issuedAt),
    expiresAt: iso(row.expiresAt),
    graceEndsAt: iso(graceEndOf(row, settings)),
    revokedAt: isoOrNull(row.revokedAt),
    tier: tierView(tiers[row.tier]),
  };
}

/** A platform operation on one tenant, in a transaction scoped to it like a tenant route's. */
async function onTenant<T>(c: Context<HonoEnv>, slug: string, fn: (ctx: TenantContext) => Promise<T>) {
  const ctx = platformContext(c);
  const tenant = await getTenant({ ctx, input: { tenant: slug } });
  return withTenant(ctx.db, tenant.id, (db) => fn({ ...ctx, db, tenantId: tenant.id }));
}

export const licenceRoutes = createRouter()
  .openapi(get, async (c) => {
    const { licenceKeys, settings } = c.get('services');
    const row = await inTenant(c, (ctx) => ensureLicence({ ctx, keys: licenceKeys, settings }));
    return c.json(toView(c, row), 200);
  })
  .openapi(issue, async (c) => {
    const { licenceKeys, settings } = c.get('services');
    const row = await onTenant(c, c.req.valid('param').tenant, (ctx) =>
      issueLicence({ ctx, keys: licenceKeys, settings }),
    );
    return c.json(toView(c, row), 201);
  })
  .openapi(revoke, async (c) => {
    const row = await onTenant(c, c.req.valid('param').tenant, (ctx) => revokeLicence({ ctx }));
    return c.json(toView(c, row), 200);
  })
  .openapi(getTier, async (c) => {
    const { tier, usage } = await inTenant(c, (ctx) => tenantUsage(ctx));
    return c.json({ tier: tierView(tier), usage }, 200);
  })
  .openapi(setTier, async (c) => {
    const { licenceKeys, settings } = c.get('services');
    const input = c.req.valid('json');
    const { licence } = await onTenant(c, c.req.valid('param').tenant, (ctx) =>
      changeTier({ ctx, keys: licenceKeys, settings, input }),
    );
    return c.json(toView(c, licence), 200);
  });
