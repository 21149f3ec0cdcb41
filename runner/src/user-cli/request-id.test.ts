import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStripeBilling } from '../../../edge/test/edge-internals.ts';
import { testPrices } from '../../../edge/test/fake-stripe.ts';
import { runCli, startCliEdge, unreachableUrl } from '../../test/cli-fixture.ts';

/** Every error the CLI shows from the edge carries the request id, so it can be found in the edge's logs. */
describe('cameleer prints the request id with every error', () => {
  let stack: Awaited<ReturnType<typeof startCliEdge>>;
  let proxy: Server;
  let proxyUrl: string;
  beforeAll(async () => {
    stack = await startCliEdge({ tenant: 'acme', loginAs: 'owner' });
    // Something in front of the edge that answers without a problem body, but with a request id.
    proxy = createServer((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html', 'x-request-id': 'req_from_the_proxy' });
      res.end('<html>bad gateway</html>');
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await stack?.close();
    await new Promise<void>((resolve) => proxy?.close(() => resolve()));
  });

  it('with a problem detail: the requestId of the problem, before the status', async () => {
    const run = await stack.cli(['apps', 'create', '!bad name!']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^cameleer: .+ \(request id req_[0-9A-Za-z]+\) \[HTTP 400\]\n$/);
  });

  it('when Stripe cannot be reached: the upstream named, and the request id', async () => {
    stack.edge.services.billing = createStripeBilling({
      secretKey: 'sk_test_fake',
      prices: testPrices,
      apiBase: await unreachableUrl(),
      maxNetworkRetries: 0,
    });
    const run = await stack.cli(['billing', 'upgrade', '--tier', 'mid']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^cameleer: Stripe cannot be reached \(ECONNREFUSED\); try again shortly \(request id req_[0-9A-Za-z]+\) \[HTTP 503\]\n$/,
    );
  });

  it('without a problem body: the x-request-id header', async () => {
    const run = await runCli(['apps', 'list'], {
      CAMELEER_URL: proxyUrl,
      CAMELEER_TOKEN: 'cam_whatever',
      CAMELEER_TENANT: 'acme',
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `cameleer: GET ${proxyUrl}/api/tenants/acme/apps answered 502 Bad Gateway (request id req_from_the_proxy)\n`,
    );
  });
});
