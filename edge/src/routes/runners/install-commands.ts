const stateDir = '/var/lib/cameleer-runner';

/**
 * The copy-paste commands that register a runner with a one-time token and start it. Docker runs
 * the npm package in the stock Node image with the host's Docker socket; it registers only while
 * the state volume holds no identity, so a restarted container does not spend the used token again.
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
      'docker run -d --name cameleer-runner --restart unless-stopped',
      '  -v /var/run/docker.sock:/var/run/docker.sock',
      `  -v cameleer-runner:${stateDir} -e CAMELEER_STATE_DIR=${stateDir}`,
      `  node:22 sh -c 'test -f ${stateDir}/identity.json || npx -y cameleer-runner register --url ${edgeUrl} --token ${token}; exec npx -y cameleer-runner start'`,
    ].join(' \\\n'),
    // The chart from a checkout of this repository (charts/cameleer-runner); docs/kubernetes.md has the rest.
    helm: [
      'helm install cameleer-runner ./charts/cameleer-runner --namespace cameleer --create-namespace',
      `  --set edge.url=${edgeUrl} --set registration.token=${token}`,
    ].join(' \\\n'),
  };
}
