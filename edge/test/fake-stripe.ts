import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createStripeBilling, type StripeBilling } from '../src/billing/stripe-billing.ts';

export type StripeCall = {
  method: string;
  path: string;
  form: URLSearchParams;
  headers: IncomingMessage['headers'];
};

export const testPrices = { mid: 'price_test_mid', high: 'price_test_high' } as const;
export const testWebhookSecret = 'whsec_test_0123456789abcdef';

/**
 * A local HTTP server standing in for api.stripe.com: it records every call and
 * answers the objects checkout and the portal need. No network is ever reached.
 */
export async function startFakeStripe() {
  const calls: StripeCall[] = [];
  let n = 0;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString());
    const path = (req.url ?? '').split('?')[0] ?? '';
    calls.push({ method: req.method ?? '', path, form, headers: req.headers });
    n += 1;
    const answers: Record<string, () => Record<string, unknown>> = {
      '/v1/customers': () => ({ id: `cus_test_${n}`, object: 'customer', name: form.get('name') }),
      '/v1/checkout/sessions': () => ({
        id: `cs_test_${n}`,
        object: 'checkout.session',
        mode: 'subscription',
        url: `https://checkout.stripe.test/c/pay/cs_test_${n}`,
      }),
      '/v1/billing_portal/sessions': () => ({
        id: `bps_test_${n}`,
        object: 'billing_portal.session',
        url: `https://billing.stripe.test/p/session/bps_test_${n}`,
      }),
    };
    const answer = req.method === 'POST' ? answers[path] : undefined;
    res.setHeader('content-type', 'application/json');
    res.statusCode = answer ? 200 : 404;
    res.end(
      JSON.stringify(
        answer ? answer() : { error: { type: 'invalid_request_error', message: 'no such route' } },
      ),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const billing: StripeBilling = createStripeBilling({
    secretKey: 'sk_test_fake',
    webhookSecret: testWebhookSecret,
    prices: testPrices,
    apiBase: url,
  });
  return {
    url,
    calls,
    billing,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
