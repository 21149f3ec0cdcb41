import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { stripeCrypto, webhookToleranceSeconds } from '../../billing/stripe-billing.ts';
import type { HonoEnv } from '../../env.ts';
import { AppError, InvalidRequest, problemResponse } from '../../errors.ts';
import { applyStripeEvent } from '../../services/stripe-events.ts';

/**
 * Stripe's webhook: public, authenticated by the `Stripe-Signature` HMAC over the raw body
 * (300 s tolerance). Not in the OpenAPI document: only Stripe calls it.
 */
export const stripeWebhookRoutes = new Hono<HonoEnv>().post(
  '/webhooks/stripe',
  (c, next) =>
    bodyLimit({
      maxSize: c.get('services').settings.maxBodyBytes,
      onError: (c) =>
        problemResponse(c, new AppError('payload-too-large', 'The event is over the size limit')),
    })(c, next),
  async (c) => {
    const services = c.get('services');
    const billing = services.billing;
    if (!billing?.webhookSecret) throw new AppError('unavailable', 'billing is not configured');
    const signature = c.req.header('stripe-signature');
    if (!signature) throw new InvalidRequest('The Stripe-Signature header is missing');
    const payload = await c.req.text();
    const event = await billing.stripe.webhooks
      .constructEventAsync(
        payload,
        signature,
        billing.webhookSecret,
        webhookToleranceSeconds,
        stripeCrypto,
        services.clock.now().getTime(),
      )
      .catch((err: unknown) => {
        throw new InvalidRequest(
          `The Stripe signature does not verify: ${err instanceof Error ? err.message : err}`,
        );
      });
    const outcome = await applyStripeEvent(
      {
        db: services.db,
        clock: services.clock,
        requestId: c.get('requestId'),
        billing,
        licenceKeys: services.licenceKeys,
        settings: services.settings,
      },
      event,
    );
    services.log.info('stripe event', {
      requestId: c.get('requestId'),
      id: event.id,
      type: event.type,
      outcome,
    });
    return c.json({ received: true, outcome }, 200);
  },
);
