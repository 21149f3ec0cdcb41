import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

/** A person the test provider knows: signing in as `login` (any password) yields these claims. */
export type TestAccount = { email: string; name: string; organizationId?: string; roles?: string[] };

export type TestOidcProvider = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  audience: string;
  close(): Promise<void>;
};

/**
 * A real OpenID Connect provider (panva's oidc-provider) on 127.0.0.1: one confidential client that
 * must use PKCE, JWT access tokens for the API's audience carrying `organization_id` and `roles`,
 * and its development login form (any login name, any password; consent is granted on first use).
 */
export async function startOidcProvider(opts: {
  redirectUri: string;
  postLogoutRedirectUri: string;
  accounts: Record<string, TestAccount>;
  audience?: string;
}): Promise<TestOidcProvider> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const audience = opts.audience ?? 'https://api.cameleer.test';
  const clientId = 'cameleer-console';
  const clientSecret = 'cameleer-console-secret-0123456789abcdef';
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: 'test-rs256', use: 'sig', alg: 'RS256' };
  const scopes = 'openid profile email';

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [opts.redirectUri],
        post_logout_redirect_uris: [opts.postLogoutRedirectUri],
        token_endpoint_auth_method: 'client_secret_post',
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [signingKey] },
    pkce: { required: () => true },
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      Grant: 3600,
      IdToken: 3600,
      Interaction: 600,
      Session: 3600,
    },
    claims: { openid: ['sub'], email: ['email'], profile: ['name'] },
    features: {
      devInteractions: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => audience,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resource: string) => {
          if (resource !== audience) throw new Provider.errors.InvalidTarget();
          return { scope: scopes, audience, accessTokenFormat: 'jwt', accessTokenTTL: 3600 };
        },
      },
    },
    findAccount: (_ctx: unknown, id: string) => {
      const account = opts.accounts[id];
      if (!account) return undefined;
      return { accountId: id, claims: () => ({ sub: id, email: account.email, name: account.name }) };
    },
    extraTokenClaims: (_ctx: unknown, token: { accountId?: string; kind: string }) => {
      const account = token.accountId ? opts.accounts[token.accountId] : undefined;
      if (!account || token.kind !== 'AccessToken') return undefined;
      return {
        ...(account.organizationId ? { organization_id: account.organizationId } : {}),
        roles: account.roles ?? [],
        email: account.email,
        name: account.name,
      };
    },
    // Consent is granted on first use, so the flow is the login form alone.
    loadExistingGrant: async (ctx: GrantContext) => {
      const grantId =
        ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope(scopes);
      grant.addResourceScope(audience, scopes);
      await grant.save();
      return grant;
    },
  });
  server.on('request', provider.callback());
  return {
    issuer,
    clientId,
    clientSecret,
    audience,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

type GrantContext = {
  oidc: {
    result?: { consent?: { grantId?: string } };
    session: { accountId: string; grantIdFor(clientId: string): string | undefined };
    client: { clientId: string };
    provider: {
      Grant: {
        find(id: string): Promise<unknown>;
        new (init: {
          clientId: string;
          accountId: string;
        }): {
          addOIDCScope(scope: string): void;
          addResourceScope(resource: string, scope: string): void;
          save(): Promise<string>;
        };
      };
    };
  };
};

/**
 * Plays the browser at the provider: from the authorization URL through its login form (and consent,
 * if asked) to the redirect back to the client, returned unfollowed. Keeps the provider's cookies.
 */
export async function signInAtProvider(authorizationUrl: string, login: string, redirectUri: string) {
  const jar = new Map<string, string>();
  const send = async (url: string, init: RequestInit = {}) => {
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...init.headers, cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return res;
  };
  let url = authorizationUrl;
  for (let step = 0; step < 12; step++) {
    const res = await send(url);
    const location = res.headers.get('location');
    if (location) {
      const next = new URL(location, url).toString();
      if (next.startsWith(redirectUri)) return next;
      url = next;
      continue;
    }
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    if (!action || !prompt) throw new Error(`the provider answered ${res.status} without a form: ${html}`);
    const body = new URLSearchParams({ prompt, login, password: 'any password' });
    const posted = await send(new URL(action, url).toString(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    });
    const after = posted.headers.get('location');
    if (!after) throw new Error(`the provider's form answered ${posted.status}: ${await posted.text()}`);
    url = new URL(after, url).toString();
  }
  throw new Error('the provider did not send the browser back');
}
