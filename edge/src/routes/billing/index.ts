import { z } from '@hono/zod-openapi';
import {
  createRouter,
  errorResponses,
  jsonBody,
  jsonResponse,
  TenantParam,
  tenantRoute,
} from '../../openapi.ts';
import { getBilling, openPortal, startCheckout } from '../../services/billing.ts';
import { inTenant } from '../context.ts';
import { BillingView, CheckoutInput, CheckoutSession, PortalSession } from './schema.ts';

const tags = ['Billing'];
const Params = z.object({ tenant: TenantParam });
const unavailable = {
  503: { description: 'Billing is not configured on this edge (no STRIPE_SECRET_KEY)' },
};
/** The routes that call Stripe: its failures name it (problem member `upstream`), never a 500. */
const viaStripe = {
  502: { description: 'Stripe answered with an error (problem type upstream-failed)' },
  503: {
    description:
      'Billing is not configured on this edge (no STRIPE_SECRET_KEY), or Stripe cannot be reached (upstream-unavailable)',
  },
  504: { description: 'Stripe did not answer in time (upstream-timeout)' },
};

const get = tenantRoute({
  method: 'get',
  path: '/api/tenants/{tenant}/billing',
  tags,
  summary: "The tenant's tier and its Stripe subscription",
  'x-permission': 'billing:read',
  request: { params: Params },
  responses: { 200: jsonResponse(BillingView, 'Billing state'), ...errorResponses, ...unavailable },
});

const checkout = tenantRoute({
  method: 'post',
  path: '/api/tenants/{tenant}/billing/checkout',
  tags,
  summary:
    'Start a Stripe Checkout subscribing the tenant to a tier; the tier changes when Stripe confirms it',
  'x-permission': 'billing:write',
  'x-audit': 'billing.checkout',
  request: { params: Params, body: jsonBody(CheckoutInput) },
  responses: {
    201: jsonResponse(CheckoutSession, 'The checkout session'),
    ...errorResponses,
    ...viaStripe,
  },
});

const portal = tenantRoute({
  method: 'post',
  path: '/api/tenants/{tenant}/billing/portal',
  tags,
  summary: "Open Stripe's customer portal to change or cancel the subscription",
  'x-permission': 'billing:write',
  'x-audit': 'billing.portal',
  request: { params: Params },
  responses: { 201: jsonResponse(PortalSession, 'The portal session'), ...errorResponses, ...viaStripe },
});

export const billingRoutes = createRouter()
  .openapi(get, async (c) => {
    const { billing } = c.get('services');
    return c.json(await inTenant(c, (ctx) => getBilling({ ctx, billing })), 200);
  })
  .openapi(checkout, async (c) => {
    const { billing, settings } = c.get('services');
    const input = c.req.valid('json');
    return c.json(await inTenant(c, (ctx) => startCheckout({ ctx, billing, settings, input })), 201);
  })
  .openapi(portal, async (c) => {
    const { billing, settings } = c.get('services');
    return c.json(await inTenant(c, (ctx) => openPortal({ ctx, billing, settings })), 201);
  });
