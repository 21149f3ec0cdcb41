import { tierNames } from '@cameleer/shared';
import { z } from '@hono/zod-openapi';

export const CheckoutInput = z.strictObject({ tier: z.enum(tierNames) }).openapi('CheckoutInput');

export const CheckoutSession = z
  .object({
    id: z.string(),
    url: z.string().openapi({ description: "Stripe Checkout's page; send the browser there" }),
  })
  .openapi('CheckoutSession');

export const PortalSession = z
  .object({ url: z.string().openapi({ description: "Stripe's customer portal for this tenant" }) })
  .openapi('PortalSession');

export const BillingView = z
  .object({
    tier: z.enum(tierNames),
    customerId: z.string().nullable(),
    subscription: z
      .object({
        id: z.string(),
        status: z
          .string()
          .openapi({ description: "Stripe's subscription status (active, past_due, canceled…)" }),
        tier: z.enum(tierNames).nullable(),
        updatedAt: z.string().datetime(),
      })
      .nullable(),
    purchasable: z.array(z.enum(tierNames)).openapi({ description: 'Tiers with a Stripe price configured' }),
  })
  .openapi('Billing');
