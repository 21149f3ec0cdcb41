import type Docker from 'dockerode';

/**
 * Joins the Traefik container to an app network, so Traefik reaches the apps there while apps of
 * other tenants and environments stay on networks of their own (they never share one with Traefik's
 * other upstreams). Already joined is fine; a missing container fails the deploy with its name.
 */
export async function connectTraefik(docker: Docker, container: string, network: string): Promise<void> {
  const traefik = await docker
    .getContainer(container)
    .inspect()
    .catch((err: unknown) => {
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
      throw new Error(
        `the Traefik container ${container} (CAMELEER_TRAEFIK_CONTAINER) is not on this engine, so apps would not be routed`,
      );
    });
  if (traefik.NetworkSettings.Networks?.[network]) return;
  await docker
    .getNetwork(network)
    .connect({ Container: traefik.Id })
    .catch((err: unknown) => {
      // Two deploys into one network may race to connect it: the loser finds it connected.
      if (!/already exists/i.test(String((err as Error).message))) throw err;
    });
}
