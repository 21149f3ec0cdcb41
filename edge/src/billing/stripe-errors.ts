import { Stripe } from 'stripe';
import { UpstreamFailure } from '../errors.ts';
import type { StripeBilling } from './stripe-billing.ts';

const upstream = 'Stripe';

/** Runs one Stripe API call; a failure of Stripe itself becomes a 502/503/504 naming Stripe, not a 500. */
export async function viaStripe<T>(billing: StripeBilling, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw stripeFailure(billing, err) ?? err;
  }
}

export function stripeFailure(billing: StripeBilling, err: unknown): UpstreamFailure | undefined {
  if (!(err instanceof Stripe.errors.StripeError)) return undefined;
  const ids = err.requestId ? { upstreamRequestId: err.requestId } : {};
  if (err instanceof Stripe.errors.StripeConnectionError) {
    if (/timeout/i.test(err.message)) {
      return new UpstreamFailure(
        'upstream-timeout',
        upstream,
        `Stripe did not answer within ${billing.timeoutMs / 1000} s; try again shortly`,
        ids,
      );
    }
    return new UpstreamFailure(
      'upstream-unavailable',
      upstream,
      `Stripe cannot be reached (${reasonOf(err)}); try again shortly`,
      ids,
    );
  }
  if (err instanceof Stripe.errors.StripeRateLimitError) {
    return new UpstreamFailure(
      'upstream-unavailable',
      upstream,
      'Stripe is limiting the rate of requests; try again shortly',
      ids,
    );
  }
  const status = err.statusCode ? ` ${err.statusCode}` : '';
  return new UpstreamFailure(
    'upstream-failed',
    upstream,
    `Stripe answered${status}: ${err.message || err.type}`,
    ids,
  );
}

/** The network error under Stripe's generic "An error occurred with our connection to Stripe". */
function reasonOf(err: Stripe.errors.StripeConnectionError): string {
  const detail: unknown = (err as { detail?: unknown }).detail;
  if (detail instanceof Error) {
    const cause = detail.cause instanceof Error ? detail.cause : undefined;
    return (cause as { code?: string } | undefined)?.code ?? cause?.message ?? detail.message;
  }
  return err.message;
}
