import createClient, { type Middleware } from 'openapi-fetch';
import { problemOf } from './problem.ts';
import type { paths } from './schema.d.ts';

export type { components, paths } from './schema.d.ts';

/** Where a person not signed in goes: the sign-in page, which brings them back here afterwards. */
export function signInHref(): string {
  const here = `${location.pathname}${location.search}`;
  return here.startsWith('/login') ? '/login' : `/login?rd=${encodeURIComponent(here)}`;
}

const signInOn401: Middleware = {
  onResponse({ response, request }) {
    // /api/me answers 401 to a visitor: the app shows the sign-in page itself.
    if (response.status === 401 && !new URL(request.url).pathname.endsWith('/api/me'))
      location.assign(signInHref());
    return undefined;
  },
};

/** The typed client of the edge's public API; the types come from /api/openapi.json (scripts/api-client.ts). */
export const api = createClient<paths>({ baseUrl: location.origin, credentials: 'same-origin' });
api.use(signInOn401);

type Answer<T> = { data?: T; error?: unknown; response: Response };

/** The body of a successful answer, or the problem+json of a refused one thrown as an ApiProblem. */
export async function unwrap<T>(call: Promise<Answer<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw problemOf(response.status, error);
  return data as T;
}
