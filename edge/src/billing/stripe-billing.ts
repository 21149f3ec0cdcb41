import { type TierName, tierNames } from '@cameleer/shared';
import { Stripe } from 'stripe';

/** Stripe, as the edge uses it: the API client, the webhook secret and the price of each paid tier. */
export type StripeBilling = {
  stripe: Stripe;
  /** Signs webhook deliveries (whsec_…); without it the webhook answers 503. */
  webhookSecret?: string;
  /** The Stripe price id that subscribes to each tier; a tier without one cannot be bought. */
  prices: Partial<Record<TierName, string>>;
  /** How long one Stripe call may take before it is answered with 504. */
  timeoutMs: number;
};

export type StripeBillingConfig = {
  secretKey: string;
  webhookSecret?: string;
  prices: Partial<Record<TierName, string>>;
  /** Another API server than api.stripe.com (tests, stripe-mock), e.g. http://127.0.0.1:12111 */
  apiBase?: string;
  /** Per attempt (default 20 s). */
  timeoutMs?: number;
  /** Retries of a failed connection or a 5xx, with Stripe's backoff (default 2). */
  maxNetworkRetries?: number;
};

/** The tier a tenant falls back to when its subscription ends: the one nobody pays for. */
export const unpaidTier: TierName = 'low';

/** Timestamp tolerance of webhook signatures, in seconds (Stripe's default and recommendation). */
export const webhookToleranceSeconds = 300;

/** Uses `fetch` and SubtleCrypto, never Node's http or crypto, so the same client runs on Workers. */
export function createStripeBilling(config: StripeBillingConfig): StripeBilling {
  const base = config.apiBase ? new URL(config.apiBase) : undefined;
  const timeoutMs = config.timeoutMs ?? 20_000;
  const stripe = new Stripe(config.secretKey, {
    httpClient: Stripe.createFetchHttpClient(),
    maxNetworkRetries: config.maxNetworkRetries ?? 2,
    timeout: timeoutMs,
    ...(base && {
      host: base.hostname,
      port: base.port || (base.protocol === 'http:' ? 80 : 443),
      protocol: base.protocol === 'http:' ? 'http' : 'https',
    }),
  });
  return { stripe, webhookSecret: config.webhookSecret, prices: config.prices, timeoutMs };
}

export const stripeCrypto = Stripe.createSubtleCryptoProvider();

export function tierOfPrice(billing: StripeBilling, priceId: string | undefined): TierName | undefined {
  if (!priceId) return undefined;
  return tierNames.find((tier) => billing.prices[tier] === priceId);
}
