import type { PartialProblem } from '@cameleer/shared';
import { fetch, type RequestInit, type Response } from 'undici';
import { httpDispatcherFor } from './proxy-for-url.ts';

/** `fetch` that honours the proxy variables (Node's own fetch ignores them). */
export type HttpFetch = (url: string, init?: RequestInit) => Promise<Response>;

export const proxiedFetch: HttpFetch = (url, init = {}) => {
  const dispatcher = httpDispatcherFor(url);
  return fetch(url, dispatcher ? { ...init, dispatcher } : init);
};

/** An `application/problem+json` body, as far as it can be read. */
export type Problem = PartialProblem;

export async function readProblem(res: Pick<Response, 'text'>): Promise<Problem> {
  try {
    const body = JSON.parse(await res.text()) as unknown;
    return typeof body === 'object' && body !== null ? (body as Problem) : {};
  } catch {
    return {};
  }
}

export const isRevokedProblem = (problem: Problem) =>
  typeof problem.type === 'string' && problem.type.endsWith('runner-revoked');
