/** How this edge lets people sign in (GET /auth/config): its identity provider, and whether a one-time link is printed. */
export type SignInOptions = {
  /** `endSessionUrl`: where to end the session at the provider too, when it has such an endpoint. */
  oidc: { issuer: string; name?: string; endSessionUrl?: string } | null;
  localLink: boolean;
};

export async function fetchSignInOptions(): Promise<SignInOptions> {
  const res = await fetch('/auth/config', { credentials: 'same-origin' });
  if (!res.ok) return { oidc: null, localLink: true };
  return (await res.json()) as SignInOptions;
}
