/**
 * Every token the product issues has its own JWT `typ` header and audience, so
 * that one kind is never accepted as another. API tokens are opaque (hashed at
 * rest) and carry their own prefix instead.
 */
export const tokenKinds = {
  session: { typ: 'cameleer-session+jwt', aud: 'cameleer:session' },
  runner: { typ: 'cameleer-runner+jwt', aud: 'cameleer:runner' },
  agentBootstrap: { typ: 'cameleer-agent-bootstrap+jwt', aud: 'cameleer:agent-bootstrap' },
  agentSession: { typ: 'cameleer-agent+jwt', aud: 'cameleer:agent' },
  licence: { typ: 'cameleer-licence+jwt', aud: 'cameleer:licence' },
  /** A command, signed by the edge's command key, verified by the runner before it acts. */
  command: { typ: 'cameleer-command+jwt', aud: 'cameleer:runner-command' },
  /** The edge's current command keys, endorsed by a key the runner already trusts. */
  commandKeys: { typ: 'cameleer-command-keys+jwt', aud: 'cameleer:runner-command' },
  /** A browser's pending OIDC sign-in (state, nonce, PKCE verifier), kept in a short-lived cookie. */
  oidcFlow: { typ: 'cameleer-oidc-flow+jwt', aud: 'cameleer:oidc-flow' },
} as const;

export type TokenKind = keyof typeof tokenKinds;

export const productTokenTypes: ReadonlySet<string> = new Set(Object.values(tokenKinds).map((k) => k.typ));

/** Opaque API tokens: `cam_` + 43 base64url chars (32 random bytes). */
export const apiTokenPrefix = 'cam_';

/** One-time runner registration tokens: `cmr_reg_` + 43 base64url chars. */
export const registrationTokenPrefix = 'cmr_reg_';

export const productIssuer = 'cameleer';
