import * as oauth from 'oauth4webapi';

export type OidcLoginSettings = {
  issuer: string;
  /** The resource the access token is asked for: the audience the API checks it against. */
  audience: string;
  clientId: string;
  /** Absent: a public client, protected by PKCE alone. */
  clientSecret?: string;
  displayName?: string;
  /** Space-separated, `openid` included. */
  scopes: string;
};

/** What the browser keeps between leaving for the issuer and coming back, never stored by the edge. */
export type OidcFlow = { state: string; nonce: string; codeVerifier: string };

export type OidcTokens = { accessToken: string; expiresInSeconds?: number; subject: string };

/** Why a sign-in did not complete, in words a person can act on. */
export class OidcLoginError extends Error {}

const discoveryTtlMs = 10 * 60_000;
const discovered = new Map<string, { at: number; as: Promise<oauth.AuthorizationServer> }>();

/** The issuer's metadata, fetched once per isolate or process for ten minutes; a failed fetch is not kept. */
export function discover(settings: OidcLoginSettings, now = Date.now()): Promise<oauth.AuthorizationServer> {
  const hit = discovered.get(settings.issuer);
  if (hit && now - hit.at < discoveryTtlMs) return hit.as;
  const issuer = new URL(settings.issuer);
  const as = oauth
    .discoveryRequest(issuer, {
      algorithm: 'oidc',
      ...insecure(settings),
      signal: AbortSignal.timeout(5_000),
    })
    .then((res) => oauth.processDiscoveryResponse(issuer, res));
  as.catch(() => discovered.delete(settings.issuer));
  discovered.set(settings.issuer, { at: now, as });
  return as;
}

/** Where to send the browser: Authorization Code with PKCE (S256), state and nonce, asking for a token for our API. */
export async function authorizationUrl(
  settings: OidcLoginSettings,
  redirectUri: string,
): Promise<{ url: URL; flow: OidcFlow }> {
  const as = await discover(settings);
  if (!as.authorization_endpoint)
    throw new OidcLoginError('The identity provider announces no authorization endpoint');
  const flow: OidcFlow = {
    state: oauth.generateRandomState(),
    nonce: oauth.generateRandomNonce(),
    codeVerifier: oauth.generateRandomCodeVerifier(),
  };
  const url = new URL(as.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: settings.clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: settings.scopes,
    state: flow.state,
    nonce: flow.nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(flow.codeVerifier),
    code_challenge_method: 'S256',
    resource: settings.audience,
  }).toString();
  return { url, flow };
}

/** Checks the callback against the flow, exchanges the code with its verifier and checks the ID token and its nonce. */
export async function completeSignIn(
  settings: OidcLoginSettings,
  redirectUri: string,
  callback: URL,
  flow: OidcFlow,
): Promise<OidcTokens> {
  const as = await discover(settings);
  const client: oauth.Client = { client_id: settings.clientId };
  const auth = settings.clientSecret ? oauth.ClientSecretPost(settings.clientSecret) : oauth.None();
  try {
    const params = oauth.validateAuthResponse(as, client, callback, flow.state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      auth,
      params,
      redirectUri,
      flow.codeVerifier,
      { additionalParameters: { resource: settings.audience }, ...insecure(settings) },
    );
    const result = await oauth.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: flow.nonce,
      requireIdToken: true,
    });
    const claims = oauth.getValidatedIdTokenClaims(result);
    if (!claims) throw new OidcLoginError('The identity provider sent no ID token');
    return { accessToken: result.access_token, expiresInSeconds: result.expires_in, subject: claims.sub };
  } catch (err) {
    throw new OidcLoginError(explain(err));
  }
}

/** Where to end the session at the issuer too, when it has such an endpoint. */
export async function endSessionUrl(
  settings: OidcLoginSettings,
  postLogoutRedirectUri: string,
): Promise<string | undefined> {
  const as = await discover(settings);
  if (!as.end_session_endpoint) return undefined;
  const url = new URL(as.end_session_endpoint);
  url.searchParams.set('client_id', settings.clientId);
  url.searchParams.set('post_logout_redirect_uri', postLogoutRedirectUri);
  return url.toString();
}

/** An http:// issuer is the operator's explicit choice (a provider on loopback or a private network). */
function insecure(settings: OidcLoginSettings) {
  return settings.issuer.startsWith('http:') ? { [oauth.allowInsecureRequests]: true } : {};
}

function explain(err: unknown): string {
  if (err instanceof OidcLoginError) return err.message;
  if (err instanceof oauth.AuthorizationResponseError)
    return `The identity provider refused the sign-in: ${err.error_description ?? err.error}`;
  if (err instanceof oauth.ResponseBodyError)
    return `The identity provider refused the code: ${err.error_description ?? err.error}`;
  if (err instanceof oauth.OperationProcessingError) {
    if (err.code === oauth.JWT_CLAIM_COMPARISON && /nonce/i.test(err.message))
      return 'The ID token was not issued for this sign-in (nonce mismatch)';
    if (/state/i.test(err.message))
      return 'The sign-in response does not belong to this sign-in (state mismatch)';
    return `The identity provider's answer is not valid: ${err.message}`;
  }
  return 'The identity provider could not be reached; try again shortly';
}
