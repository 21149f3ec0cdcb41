import { parseNodeConfig } from './config/node.ts';
import { type LocalRunner, whatKeepsRunning } from './node/local-runner.ts';
import { nodeEnvironment } from './node/secret-files.ts';
import { startEdge } from './node/server.ts';

const runnerConnectMs = 30_000;

/** `npm start`: the control plane on Node with its embedded database. */
async function main() {
  const config = parseNodeConfig(nodeEnvironment(process.env));
  const edge = await startEdge(config);
  const publicUrl = edge.services.settings.publicUrl;
  // The banner does not wait for the local runner's tunnel (0.5–1 s, more on a busy machine): the
  // sign-in link is what a user waits for, and the runner's state follows as a line of its own.
  const runnerLine = edge.localRunner
    ? `  Runner:   local runner connecting (state in ${config.CAMELEER_DATA_DIR}/runner)`
    : '  Runner:   no local runner (CAMELEER_LOCAL_RUNNER=false)';
  process.stdout.write(
    [
      '',
      `  Cameleer is running at ${publicUrl}`,
      `  API:      ${publicUrl}/api  (OpenAPI: ${publicUrl}/api/openapi.json)`,
      `  Data:     ${config.CAMELEER_DATA_DIR} (${edge.database.kind})`,
      runnerLine,
      ...appsLine(edge.localRunner),
      '',
      '  Sign in as administrator with this one-time link (valid 1 hour):',
      `  ${edge.loginUrl}`,
      '',
      '',
    ].join('\n'),
  );
  void edge.localRunner?.connected(runnerConnectMs).then(
    () => process.stdout.write('  Runner:   local runner connected\n'),
    () =>
      process.stdout.write(
        `  Runner:   local runner not connected after ${runnerConnectMs / 1000} s; it keeps trying (see the log)\n`,
      ),
  );
  const stop = async (signal: string) => {
    edge.services.log.info('shutting down', { signal });
    // Listed before the runner goes: the apps it ran do not go with it.
    const left = edge.localRunner ? await whatKeepsRunning(edge.localRunner) : [];
    await edge.close();
    process.stdout.write(['', '  Cameleer stopped.', ...left, '', ''].join('\n'));
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`cameleer: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

const appsRunAs: Record<string, string> = {
  docker: 'Docker containers',
  process: 'java processes (no Docker engine)',
};

/** Where the local runner runs apps and the URL they open at, when it deploys at all. */
function appsLine(runner: LocalRunner | undefined): string[] {
  const host = runner?.appsHost();
  if (!host) return [];
  const where = appsRunAs[host.orchestrator] ?? `${host.orchestrator} (the runner's orchestrator)`;
  return [`  Apps:     ${where}${host.urlPattern ? `, opened at ${host.urlPattern}` : ''}`];
}
