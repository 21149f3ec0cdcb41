/** Where a person was going when they were asked to sign in, kept across the one-time link. */
export const returnToKey = 'cameleer.returnTo';

/** The remembered address: a console path, or the edge's checked redirect to an app. */
export function peekReturnTo(): string | undefined {
  const rd = sessionStorage.getItem(returnToKey);
  return rd && rd !== '/' ? rd : undefined;
}

export function forgetReturnTo(): void {
  sessionStorage.removeItem(returnToKey);
}
