import type { Services } from '../env.ts';
import { AppError, problemBody } from '../errors.ts';
import { runnerRevoked } from '../routes/tunnel/poll.ts';
import { authenticateRunner, RunnerRefused } from '../tunnel/runner-auth.ts';
import { type HubNamespace, hubOrigin, hubRequest, hubStub } from './durable-hub.ts';

/** Whether a request is the runner tunnel's WebSocket upgrade (`GET /tunnel`, as on Node). */
export function isTunnelUpgrade(request: Request): boolean {
  return (
    new URL(request.url).pathname === '/tunnel' &&
    request.headers.get('upgrade')?.toLowerCase() === 'websocket'
  );
}

/**
 * Authenticates the runner here, in the stateless worker (the same check as on Node), and hands
 * the upgrade to the runner's own Durable Object, which accepts the socket.
 */
export async function forwardTunnelUpgrade(
  request: Request,
  services: Services,
  namespace: HubNamespace | undefined,
): Promise<Response> {
  if (!namespace) return refuse(new AppError('unavailable', 'This edge has no tunnel hub bound (TUNNEL)'));
  let runner: Awaited<ReturnType<typeof authenticateRunner>>;
  try {
    runner = await authenticateRunner(services, request.headers.get('authorization') ?? undefined);
  } catch (err) {
    if (err instanceof RunnerRefused)
      return refuse(err.reason === 'revoked' ? runnerRevoked(err.detail) : err);
    services.log.error('tunnel: upgrade failed', { error: String(err) });
    return refuse(new AppError('unavailable', 'The edge cannot accept runners right now'));
  }
  return hubStub(namespace, runner.runnerId).fetch(
    `${hubOrigin}/connect`,
    hubRequest(runner, { headers: { upgrade: 'websocket' } }),
  );
}

function refuse(error: AppError): Response {
  return new Response(JSON.stringify(problemBody(error, '')), {
    status: error.status,
    headers: { 'content-type': 'application/problem+json' },
  });
}
