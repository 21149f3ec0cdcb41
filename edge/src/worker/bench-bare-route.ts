import type { Context } from 'hono';
import type { HonoEnv } from '../env.ts';
import { AppError } from '../errors.ts';

/** `npm run bench` only: a route doing no work, the baseline `/auth/verify` is measured against in workerd. */
export const benchBarePath = '/__bench/bare';

/**
 * Answers 200 with no body when CAMELEER_BENCH_BARE_ROUTE=1, and the API's own 404 otherwise, so a deployed
 * edge exposes nothing. It is registered in the worker's app, behind the same global middleware (request id,
 * services from the bindings) as `/auth/verify`, so the two differ only by what ForwardAuth does.
 */
export function benchBareHandler(enabled: (c: Context<HonoEnv>) => boolean) {
  return (c: Context<HonoEnv>) => {
    if (!enabled(c)) throw new AppError('not-found', 'Not found');
    return c.body(null, 200);
  };
}
