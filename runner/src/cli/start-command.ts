import { parseRunnerConfig } from '../config/schema.ts';
import { Runner } from '../runner.ts';
import { telemetryConfigOf } from '../telemetry/telemetry-config.ts';

/** Runs the runner in the foreground until SIGINT/SIGTERM, or until the edge revokes it (exit 2). */
export async function startCommand(opts: { stateDir: string; quiet?: boolean }): Promise<void> {
  // Once, here: a wrong variable stops the start with its name, before anything runs.
  const config = parseRunnerConfig(process.env);
  const telemetry = telemetryConfigOf(config);
  if (!telemetry && !opts.quiet)
    process.stderr.write(
      'cameleer-runner: CAMELEER_CLICKHOUSE_URL is not set: apps run without telemetry (logs stay available live)\n',
    );
  const runner = new Runner({
    stateDir: opts.stateDir,
    config,
    echoLogs: !opts.quiet,
    deployments: true,
    ...(telemetry ? { telemetry } : {}),
  });
  let exitCode = 0;
  runner.on('revoked', ({ reason }) => {
    exitCode = 2;
    process.stderr.write(
      `cameleer-runner: this runner was revoked by the edge (${reason}); create a registration token and run \`cameleer-runner register --force\`\n`,
    );
  });
  const stopped = new Promise<void>((resolve) => runner.once('stopped', () => resolve()));
  const shutdown = () => void runner.stop('signal');
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  await runner.start();
  await stopped;
  process.exit(exitCode);
}
