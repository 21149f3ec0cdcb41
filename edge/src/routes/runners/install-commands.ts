const stateDir = '/var/lib/cameleer-runner';

/** The runner's image (docker/runner.Dockerfile), at the version this edge ships with. */
const runnerImage = 'ghcr.io/cameleer/cameleer-runner:0.1.0';

/**
 * The copy-paste commands that register a runner with a one-time token and start it. Docker runs
 * the runner's image as docs/operations.md does (read-only, non-root, the engine's socket through
 * its group, the host's network); it registers only while the state volume holds no identity, so a
 * restarted or updated container does not spend the used token again.
 */
export function installCommands(edgeUrl: string, token: string) {
  const register = `npx cameleer-runner register --url ${edgeUrl} --token ${token}`;
  return {
    register,
    npm: `${register} && npx cameleer-runner start`,
    // No Node on the host: the executable the edge serves (CAMELEER_RUNNER_RELEASES_DIR), latest version.
    binary: [
      `curl -fsSLo cameleer-runner ${edgeUrl}/runner/releases/latest/cameleer-runner-linux-x64 && chmod +x cameleer-runner`,
      `./cameleer-runner register --url ${edgeUrl} --token ${token} && ./cameleer-runner start`,
    ].join(' && \\\n'),
    docker: [
      'docker run -d --name cameleer-runner --restart unless-stopped --network host',
      '  --read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges',
      '  --group-add "$(stat -c %g /var/run/docker.sock)" -v /var/run/docker.sock:/var/run/docker.sock',
      `  -v cameleer-runner:${stateDir}`,
      `  -e CAMELEER_EDGE_URL=${edgeUrl} -e CAMELEER_REGISTRATION_TOKEN=${token}`,
      `  ${runnerImage}`,
    ].join(' \\\n'),
    // The chart from a checkout of this repository (charts/cameleer-runner); docs/kubernetes.md has the rest.
    helm: [
      'helm install cameleer-runner ./charts/cameleer-runner --namespace cameleer --create-namespace',
      `  --set edge.url=${edgeUrl} --set registration.token=${token}`,
    ].join(' \\\n'),
  };
}
