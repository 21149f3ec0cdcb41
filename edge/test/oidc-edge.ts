import { createOidcVerifier } from '../src/auth/oidc.ts';
import { oidcFlowCookie } from '../src/auth/oidc-flow-cookie.ts';
import { createTestEdge, type DatabaseKind, type TestEdge } from './fixtures.ts';
import {
  signInAtProvider,
  startOidcProvider,
  type TestAccount,
  type TestOidcProvider,
} from './oidc-provider.ts';

export const consoleUrl = 'http://console.test';
export const callbackUrl = `${consoleUrl}/auth/oidc/callback`;

export type OidcTestEdge = {
  edge: TestEdge;
  provider: TestOidcProvider;
  /** The tenant `acme`, mapped onto the provider's organization `org_acme`. */
  acme: Awaited<ReturnType<TestEdge['tenant']>>;
  /** GET /auth/oidc/login: where it sends the browser and the flow cookie it sets. */
  start(rd?: string): Promise<{ location: string; flowCookie: string }>;
  /** The whole sign-in as `login`; returns the callback's answer. */
  signIn(login: string, rd?: string): Promise<Response>;
  callback(url: string, flowCookie?: string): Promise<Response>;
  close(): Promise<void>;
};

export const testAccounts: Record<string, TestAccount> = {
  alice: { email: 'alice@acme.test', name: 'Alice', organizationId: 'org_acme', roles: ['developer'] },
  victor: { email: 'victor@acme.test', name: 'Victor', organizationId: 'org_acme', roles: ['viewer'] },
  nobody: { email: 'nobody@example.test', name: 'Nobody' },
  /** Never completes a sign-in: the security tests show that no user row is made for her. */
  mallory: { email: 'mallory@acme.test', name: 'Mallory', organizationId: 'org_acme', roles: ['owner'] },
};

export async function createOidcTestEdge(kind: DatabaseKind): Promise<OidcTestEdge> {
  const provider = await startOidcProvider({
    redirectUri: callbackUrl,
    postLogoutRedirectUri: `${consoleUrl}/login?signedOut=1`,
    accounts: testAccounts,
  });
  const oidcSettings = {
    issuer: provider.issuer,
    audience: provider.audience,
    tenantClaim: 'organization_id',
    rolesClaim: 'roles',
    clockToleranceSeconds: 30,
  };
  const edge = await createTestEdge(kind, {
    oidc: createOidcVerifier(oidcSettings),
    settings: {
      publicUrl: consoleUrl,
      oidcLogin: {
        issuer: provider.issuer,
        audience: provider.audience,
        clientId: provider.clientId,
        clientSecret: provider.clientSecret,
        displayName: 'Test IdP',
        scopes: 'openid profile email',
      },
    },
  });
  const acme = await edge.tenant('acme');
  const mapped = await edge.request('/api/tenants/acme', {
    method: 'PATCH',
    token: acme.tokens.owner,
    json: { oidcOrganizationId: 'org_acme' },
  });
  if (mapped.status !== 200) throw new Error(`mapping org_acme: ${mapped.status} ${await mapped.text()}`);

  const start: OidcTestEdge['start'] = async (rd) => {
    const res = await edge.app.request(`/auth/oidc/login${rd ? `?rd=${encodeURIComponent(rd)}` : ''}`);
    const location = res.headers.get('location') ?? '';
    const flowCookie = cookieValue(res, oidcFlowCookie) ?? '';
    return { location, flowCookie };
  };
  const callback: OidcTestEdge['callback'] = async (url, flowCookie) => {
    const { pathname, search } = new URL(url);
    return edge.app.request(`${pathname}${search}`, {
      headers: flowCookie ? { cookie: `${oidcFlowCookie}=${flowCookie}` } : {},
    });
  };
  return {
    edge,
    provider,
    acme,
    start,
    callback,
    signIn: async (login, rd) => {
      const { location, flowCookie } = await start(rd);
      return callback(await signInAtProvider(location, login, callbackUrl), flowCookie);
    },
    close: async () => {
      await edge.close();
      await provider.close();
    },
  };
}

/** The value a response sets for one cookie; '' when it deletes it, undefined when it does not name it. */
export function cookieValue(res: Response, name: string): string | undefined {
  for (const line of res.headers.getSetCookie()) {
    const [pair = ''] = line.split(';');
    if (pair.startsWith(`${name}=`)) return pair.slice(name.length + 1);
  }
  return undefined;
}
