import { Hono } from 'hono';
import { z } from 'zod';
import type { HonoEnv } from '../../env.ts';
import { AppError, InvalidRequest, problemResponse } from '../../errors.ts';
import { authenticateRunner, RunnerRefused } from '../../tunnel/runner-auth.ts';

const PollBody = z.strictObject({ frames: z.array(z.unknown()).max(1000) });
const maxWaitSeconds = 25;

/**
 * Long-poll transport for runners behind proxies that break WebSocket upgrades:
 * the body carries the runner's frames, the answer the edge's, as soon as any
 * exists or after `wait` seconds. Same delivery semantics as the socket.
 */
export const pollRoutes = new Hono<HonoEnv>().post('/tunnel/poll', async (c) => {
  const services = c.get('services');
  const hub = services.tunnel;
  if (!hub?.poll) {
    return problemResponse(c, new AppError('unavailable', 'This edge does not hold runner connections'));
  }
  let runner: Awaited<ReturnType<typeof authenticateRunner>>;
  try {
    runner = await authenticateRunner(services, c.req.header('authorization'));
  } catch (err) {
    if (err instanceof RunnerRefused)
      return problemResponse(c, err.reason === 'revoked' ? runnerRevoked(err.detail) : err);
    throw err;
  }
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new AppError('malformed-json', 'The poll body is not valid JSON');
  }
  const parsed = PollBody.safeParse(body);
  if (!parsed.success) throw new InvalidRequest('The poll body must be { frames: [...] }');
  const wait = Math.min(maxWaitSeconds, Math.max(0, Number(c.req.query('wait') ?? maxWaitSeconds) || 0));
  const frames = await hub.poll(
    runner,
    parsed.data.frames.map((f) => JSON.stringify(f)),
    wait * 1000,
  );
  return c.json({ frames });
});

export function runnerRevoked(detail: string): AppError {
  return new AppError('runner-revoked', detail);
}
