import { type SigningKey, signProductToken, verifyProductToken } from '@cameleer/shared';
import { z } from 'zod';
import type { OidcFlow } from './oidc-login.ts';

export const oidcFlowCookie = 'cameleer_oidc_flow';
export const oidcFlowTtlSeconds = 10 * 60;

const FlowClaims = z.object({
  sub: z.string().min(16),
  nonce: z.string().min(16),
  cv: z.string().min(43),
  rd: z.string().max(2048),
});

/** The pending sign-in, signed by the session key so that no one but this edge can write one. */
export function sealOidcFlow(key: SigningKey, flow: OidcFlow, rd: string, now: Date): Promise<string> {
  return signProductToken(
    'oidcFlow',
    key,
    { sub: flow.state, nonce: flow.nonce, cv: flow.codeVerifier, rd },
    { now, ttlSeconds: oidcFlowTtlSeconds },
  );
}

/** The pending sign-in the cookie holds, or undefined when it is missing, forged, expired or incomplete. */
export async function openOidcFlow(
  keys: readonly SigningKey[],
  token: string | undefined,
  now: Date,
): Promise<{ flow: OidcFlow; rd: string } | undefined> {
  if (!token) return undefined;
  try {
    const claims = FlowClaims.parse(await verifyProductToken('oidcFlow', keys, token, { now }));
    return { flow: { state: claims.sub, nonce: claims.nonce, codeVerifier: claims.cv }, rd: claims.rd };
  } catch {
    return undefined;
  }
}
