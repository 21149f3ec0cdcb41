import type Docker from 'dockerode';

/**
 * Joins a container that serves apps from outside their network (Traefik, the runner itself when it
 * runs in a container) to an app network, so it reaches the apps there and they reach it, while
 * apps of other tenants and environments stay on networks of their own. Already joined is fine;
 * a missing container fails the deploy with the setting that names it.
 */
export async function joinNetwork(
  docker: Docker,
  joiner: { container: string; setting: string },
  network: string,
): Promise<void> {
  const info = await docker
    .getContainer(joiner.container)
    .inspect()
    .catch((err: unknown) => {
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
      throw new Error(`the container ${joiner.container} (${joiner.setting}) is not on this engine`);
    });
  if (info.NetworkSettings.Networks?.[network]) return;
  await docker
    .getNetwork(network)
    .connect({ Container: info.Id })
    .catch((err: unknown) => {
      // Two deploys into one network may race to connect it: the loser finds it connected.
      if (!/already exists/i.test(String((err as Error).message))) throw err;
    });
}

/**
 * Joins the container to every app network (`labels` filter) it is not on yet: a recreated Traefik
 * or runner container (an update) reaches the apps again without a redeploy.
 */
export async function joinAppNetworks(
  docker: Docker,
  joiner: { container: string; setting: string },
  labels: string[],
): Promise<void> {
  const networks = await docker.listNetworks({ filters: { label: labels } });
  for (const network of networks) await joinNetwork(docker, joiner, network.Name);
}
