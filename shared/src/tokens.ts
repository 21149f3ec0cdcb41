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
} as const;

export type TokenKind = keyof typeof tokenKinds;

export const productTokenTypes: ReadonlySet<string> = new Set(Object.values(tokenKinds).map((k) => k.typ));

/** Opaque API tokens: `cam_` + 43 base64url chars (32 random bytes). */
export const apiTokenPrefix = 'cam_';

export const productIssuer = 'cameleer';
